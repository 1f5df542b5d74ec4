// Command probe starts one GUI program on an Xvfb display and measures it
// from outside, for scripts/memory:
//
//   - mapped: time from exec to a viewable window with the given name
//     (xdotool search --onlyvisible), every 10 ms;
//   - drawn: time from exec to the first frame in which a region of the
//     screen shows the window painted (mostly not the black of the Xvfb
//     root with -br) and at least -ink pixels of ink (far from the
//     region's background): text, such as the first row of a list. It reads the screen from the XWD file that
//     Xvfb keeps with -fbdir, so sampling costs no X round trip;
//   - memory: Rss, Pss and anonymous memory from /proc/PID/smaps_rollup
//     at the times given by -at, counted from exec.
//
// It prints one tab-separated line: mapped_ms drawn_ms and, for each -at
// time, rss pss anon in MB, then ends the program with SIGTERM.
//
//	probe -fb /tmp/fb/Xvfb_screen0 -name egovdesk -region 15,188,935,24 -- bin/egovdesk
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	fb := flag.String("fb", "", "Xvfb's framebuffer file (Xvfb -fbdir DIR: DIR/Xvfb_screen0)")
	name := flag.String("name", "", "the window's title")
	region := flag.String("region", "", "x,y,w,h: the screen region that shows the thing to wait for")
	ink := flag.Int("ink", 100, "pixels of ink (text) the region must show")
	at := flag.String("at", "4s,10s", "when to read the memory, from exec")
	timeout := flag.Duration("timeout", 15*time.Second, "give up waiting for the window after this")
	flag.Parse()
	if *fb == "" || *name == "" || *region == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: probe -fb FILE -name TITLE -region x,y,w,h [-ink N] [-at 4s,10s] -- command args…")
		os.Exit(2)
	}
	if err := run(*fb, *name, *region, *ink, *at, *timeout, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run(fbPath, name, region string, ink int, at string, timeout time.Duration, argv []string) error {
	var r rect
	if _, err := fmt.Sscanf(region, "%d,%d,%d,%d", &r.x, &r.y, &r.w, &r.h); err != nil {
		return fmt.Errorf("-region %q: want x,y,w,h: %w", region, err)
	}
	var times []time.Duration
	for _, s := range strings.Split(at, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-at: %w", err)
		}
		times = append(times, d)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{}) // closed when the program has ended, with waitErr set
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	mappedc := make(chan time.Duration, 1)
	go func() { mappedc <- waitMapped(ctx, name, start) }()
	drawn, err := waitDrawn(ctx, fbPath, r, ink, start, exited)
	if errors.Is(err, errExited) {
		return fmt.Errorf("%w: %v", err, waitErr)
	}
	if err != nil {
		return err
	}
	mapped := <-mappedc
	if mapped < 0 {
		return errors.New("the window was drawn but never seen mapped")
	}
	out := []string{ms(mapped), ms(drawn)}
	for _, t := range times {
		select {
		case <-exited:
			return fmt.Errorf("the program ended before %v: %v", t, waitErr)
		case <-time.After(time.Until(start.Add(t))):
		}
		m, err := smapsRollup(cmd.Process.Pid)
		if err != nil {
			return err
		}
		out = append(out, mb(m["Rss"]), mb(m["Pss"]), mb(m["Anonymous"]))
	}
	fmt.Println(strings.Join(out, "\t"))
	return nil
}

var errExited = errors.New("the program ended before it was drawn")

type rect struct{ x, y, w, h int }

func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
func mb(kb int64) string        { return strconv.FormatFloat(float64(kb)/1024, 'f', 1, 64) }

// waitMapped returns when a viewable window named name appeared, -1 if
// none did before ctx ended.
func waitMapped(ctx context.Context, name string, start time.Time) time.Duration {
	for ctx.Err() == nil {
		out, _ := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", "^"+name+"$").Output()
		if len(strings.TrimSpace(string(out))) > 0 {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return -1
}

// waitDrawn samples the framebuffer every 5 ms until r shows the window
// painted with at least minInk pixels of ink.
func waitDrawn(ctx context.Context, fbPath string, r rect, minInk int, start time.Time, exited <-chan struct{}) (time.Duration, error) {
	f, err := os.Open(fbPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fb, err := readHeader(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", fbPath, err)
	}
	if r.x < 0 || r.y < 0 || r.x+r.w > fb.width || r.y+r.h > fb.height {
		return 0, fmt.Errorf("region %v outside the %dx%d screen", r, fb.width, fb.height)
	}
	buf := make([]byte, r.h*fb.stride)
	for {
		if _, err := f.ReadAt(buf, fb.offset+int64(r.y*fb.stride)); err != nil {
			return 0, err
		}
		painted, ink := count(buf, fb.stride, r)
		if painted*2 > r.w*r.h && ink >= minInk {
			return time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("region %v never showed %d pixels of ink on a painted window: has the layout changed?", r, minInk)
		case <-exited:
			return 0, errExited
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// count returns how many pixels of r in buf (rows of stride bytes from r.y)
// are painted, not the black of Xvfb's root (-br), and how many are ink:
// their luminance is far from the region's most common one, the
// background, whichever the theme.
func count(buf []byte, stride int, r rect) (painted, ink int) {
	var hist [256]int
	lum := func(p []byte) int {
		// 32 bits per pixel, least significant byte first: B G R x.
		return (int(p[2])*299 + int(p[1])*587 + int(p[0])*114) / 1000
	}
	for y := range r.h {
		row := buf[y*stride:]
		for x := r.x; x < r.x+r.w; x++ {
			p := row[x*4:]
			if p[0]|p[1]|p[2] != 0 {
				painted++
			}
			hist[lum(p)]++
		}
	}
	bg := 0
	for l, n := range hist {
		if n > hist[bg] {
			bg = l
		}
	}
	for l, n := range hist {
		if l-bg > 60 || bg-l > 60 {
			ink += n
		}
	}
	return painted, ink
}

type framebuffer struct {
	width, height, stride int
	offset                int64 // of the first pixel
}

// readHeader reads the XWD header Xvfb writes at the start of its
// framebuffer file (X11/XWDFile.h: 25 big-endian CARD32, the window name,
// the colour map).
func readHeader(f *os.File) (framebuffer, error) {
	var h [25]uint32
	if err := binary.Read(bufio.NewReader(f), binary.BigEndian, &h); err != nil {
		return framebuffer{}, err
	}
	headerSize, depth, width, height := h[0], h[3], h[4], h[5]
	byteOrder, bpp, stride, ncolors := h[7], h[11], h[12], h[19]
	if bpp != 32 || byteOrder != 0 || depth != 24 {
		return framebuffer{}, fmt.Errorf("want a 24-bit screen stored LSB first in 32 bits (Xvfb -screen 0 WxHx24), got depth %d, %d bits per pixel, byte order %d", depth, bpp, byteOrder)
	}
	return framebuffer{width: int(width), height: int(height), stride: int(stride),
		offset: int64(headerSize) + int64(ncolors)*12}, nil
}

// smapsRollup returns the fields of /proc/PID/smaps_rollup in kB.
func smapsRollup(pid int) (map[string]int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil {
			m[k] = n
		}
	}
	return m, nil
}
