package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// The client collects garbage at gcPercent unless GOGC says otherwise.
func TestGCPercent(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set in the environment")
	}
	got := debug.SetGCPercent(gcPercent)
	if got != gcPercent {
		t.Errorf("GOGC is %d, want %d", got, gcPercent)
	}
}
