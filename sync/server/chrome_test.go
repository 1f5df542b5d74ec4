//go:build browser

package server_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the distribution's Chromium, or skips the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: apt-get install chromium")
	return ""
}

// utf8Locale is zh_CN.UTF-8 where the machine has it (make imetest
// generates it), else C.UTF-8: Chromium reads file names in the locale's
// encoding, and under a missing locale (plain C) it cannot upload a file
// with a Chinese name.
func utf8Locale() string {
	out, err := exec.Command("locale", "-a").Output()
	if err == nil {
		for _, l := range strings.Fields(string(out)) {
			if strings.EqualFold(l, "zh_CN.utf8") || strings.EqualFold(l, "zh_CN.UTF-8") {
				return "zh_CN.UTF-8"
			}
		}
	}
	return "C.UTF-8"
}

// chromeTab is one tab of a headless Chromium at 1366×768 in Chinese, as the
// console's browser tests drive it. Each helper fails the test on error.
type chromeTab struct {
	t     *testing.T
	ctx   context.Context
	shots string // CONSOLE_SCREENSHOTS: where shot saves PNGs; "" saves none
}

// newChromeTab starts Chromium (skipping the test without one) and gives
// every later step timeout in all; the browser closes with the test.
func newChromeTab(t *testing.T, timeout time.Duration) *chromeTab {
	t.Helper()
	exe := chromium(t)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1366, 768), chromedp.Flag("lang", "zh-CN"),
		chromedp.Env("LANGUAGE=zh_CN:zh", "LANG="+utf8Locale(), "LC_ALL="+utf8Locale()))...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // start the browser without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel = context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return &chromeTab{t: t, ctx: ctx, shots: os.Getenv("CONSOLE_SCREENSHOTS")}
}

// step runs steps, named for the failure message.
func (b *chromeTab) step(name string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
}

// text returns the text of the first element sel matches.
func (b *chromeTab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitText waits until the first element sel matches says want: for a
// page that already shows such an element (a notice) before the one to
// wait for is loaded, where WaitVisible would find the old one. It asks
// again every 100 ms; an answer lost to the navigation is asked again.
func (b *chromeTab) waitText(sel, want string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q) })()`, sel, want)
	for {
		if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		select {
		case <-b.ctx.Done():
			b.t.Fatalf("waiting for %s to say %q: %v", sel, want, b.ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// value returns the value of the first input sel matches.
func (b *chromeTab) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

// shot saves the 1366×768 viewport as name (a PNG) under CONSOLE_SCREENSHOTS.
func (b *chromeTab) shot(name string) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
