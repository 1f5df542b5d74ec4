package main

import (
	"image"
	"image/color"
	"testing"
)

// A page of lines of different greys, and the same page scrolled by 37 px:
// shift finds 37 (and -37 the other way, 0 for the same image).
func TestShiftFindsHowFarThePageScrolled(t *testing.T) {
	page := func(y int) color.Color { return color.Gray{Y: uint8((y * 7919) % 251)} }
	render := func(top int) image.Image {
		img := image.NewRGBA(image.Rect(0, 0, 40, 200))
		for y := 0; y < 200; y++ {
			for x := 0; x < 40; x++ {
				img.Set(x, y, page(top+y))
			}
		}
		return img
	}
	for _, c := range []struct{ from, to, want int }{{0, 37, 37}, {37, 0, -37}, {10, 10, 0}} {
		d, share := shift(render(c.from), render(c.to))
		if d != c.want || share != 1 {
			t.Errorf("page at %d then %d: shift %d (%.3f match), want %d", c.from, c.to, d, share, c.want)
		}
	}
}
