// Command uitestshift tells how far the content of one screenshot scrolled
// against another: it prints the vertical shift d (in pixels, positive when
// the content moved up, as after scrolling down) for which row y+d of
// before.png best matches row y of after.png, and the share of pixels that
// match at that shift. scripts/uitest uses it to check that the mouse wheel
// scrolls a form by a useful amount.
//
//	go run ./scripts/uitestshift before.png after.png
package main

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: uitestshift before.png after.png")
		os.Exit(2)
	}
	a, err := load(os.Args[1])
	if err == nil {
		var b image.Image
		if b, err = load(os.Args[2]); err == nil {
			d, share := shift(a, b)
			fmt.Printf("%d %.3f\n", d, share)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "uitestshift:", err)
	os.Exit(1)
}

func load(name string) (image.Image, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return img, nil
}

// shift tries every shift from -h/2 to h/2 and returns the one under which
// the most pixels of the overlap are equal, with that share; among equal
// shares the smallest shift wins (a blank band matches itself at any shift).
func shift(a, b image.Image) (int, float64) {
	pa, pb := rgba(a), rgba(b)
	w, h := min(pa.Rect.Dx(), pb.Rect.Dx()), min(pa.Rect.Dy(), pb.Rect.Dy())
	best, bestShare := 0, -1.0
	for _, d := range order(h / 2) {
		same, all := 0, 0
		for y := max(0, -d); y < h && y+d < h; y++ {
			ra := pa.Pix[(y+d)*pa.Stride : (y+d)*pa.Stride+4*w]
			rb := pb.Pix[y*pb.Stride : y*pb.Stride+4*w]
			for i := 0; i < len(ra); i += 4 {
				all++
				if ra[i] == rb[i] && ra[i+1] == rb[i+1] && ra[i+2] == rb[i+2] {
					same++
				}
			}
		}
		if all == 0 {
			continue
		}
		if s := float64(same) / float64(all); s > bestShare+1e-9 {
			best, bestShare = d, s
		}
	}
	return best, bestShare
}

// order returns 0, 1, -1, 2, -2, … n, -n.
func order(n int) []int {
	out := []int{0}
	for d := 1; d <= n; d++ {
		out = append(out, d, -d)
	}
	return out
}

func rgba(img image.Image) *image.RGBA {
	if p, ok := img.(*image.RGBA); ok && p.Rect.Min == (image.Point{}) {
		return p
	}
	r := img.Bounds()
	p := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(p, p.Rect, img, r.Min, draw.Src)
	return p
}
