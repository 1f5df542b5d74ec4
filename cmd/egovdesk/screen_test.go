package main

import (
	"testing"

	"fyne.io/fyne/v2"
)

func TestFitSize(t *testing.T) {
	for _, tt := range []struct {
		name         string
		workW, workH int
		scale        float32
		want         fyne.Size
	}{
		{"large screen keeps the size", 1920, 1040, 1, windowSize},
		{"1366x768 laptop", 1366, 768, 1, fyne.NewSize(1356, 728)},
		{"1280x720", 1280, 720, 1, fyne.NewSize(1270, 680)},
		{"1366x768 at 125 %", 1366, 768, 1.25, fyne.NewSize(1084.8, 582.4)},
		{"1280x720 at 150 %", 1280, 720, 1.5, fyne.NewSize(1270/1.5, 680/1.5)},
		{"unknown work area", 0, 0, 1, windowSize},
	} {
		got := fitSize(windowSize, tt.workW, tt.workH, tt.scale)
		if got != tt.want {
			t.Errorf("%s: fitSize = %v, want %v", tt.name, got, tt.want)
		}
	}
}
