package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app/linebreak"
)

// rows returns the lines o draws: the canvas texts of its renderer, and of
// its renderer's widgets (a label draws through a rich text).
func rows(o fyne.CanvasObject) []string {
	var lines []string
	walkRendered(o, func(c fyne.CanvasObject) {
		if t, ok := c.(*canvas.Text); ok && t.Text != "" {
			lines = append(lines, t.Text)
		}
	})
	return lines
}

// At a width where Fyne's own wrapping starts a line with "，", a paragraph
// takes the character before it down instead; its lines are the text, each
// fits, and it is as tall as its lines.
func TestParagraphKeepsPunctuationOffTheLineStart(t *testing.T) {
	test.NewTempApp(t)
	text := strings.Repeat("项目建设单位应当按期报送，", 6) + "逾期的予以通报。"
	label := &widget.Label{Text: text, Wrapping: fyne.TextWrapBreak}
	para := newParagraph(text, widget.MediumImportance)
	w := test.NewTempWindow(t, container.NewVBox(label, para))

	found := false
	for width := float32(120); width <= 400 && !found; width += 7 {
		w.Resize(fyne.NewSize(width, 600))
		for _, l := range rows(label)[1:] {
			if strings.HasPrefix(l, "，") || strings.HasPrefix(l, "。") {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no width at which Fyne's wrapping starts a line with a comma: the test shows nothing")
	}
	lines := rows(para)
	if len(lines) < 2 {
		t.Fatalf("the paragraph did not wrap: %q", lines)
	}
	if got := strings.Join(lines, ""); got != text {
		t.Errorf("the lines are not the text:\n%s", got)
	}
	avail := para.Size().Width - 2*para.Theme().Size("innerPadding")
	for i, l := range lines {
		if i > 0 && linebreak.Closing([]rune(l)[0]) {
			t.Errorf("line %d starts with a closing mark: %q", i, l)
		}
		if wd := fyne.MeasureText(l, para.Theme().Size("text"), fyne.TextStyle{}).Width; wd > avail {
			t.Errorf("line %d is %v wide, the paragraph has %v: %q", i, wd, avail, l)
		}
	}
	if para.MinSize().Height < float32(len(lines))*fyne.MeasureText("国", para.Theme().Size("text"), fyne.TextStyle{}).Height {
		t.Errorf("%d lines in a paragraph %v tall", len(lines), para.MinSize().Height)
	}
}

// A narrower window makes a paragraph taller, and the box above makes room
// for it once laid out again (the GL driver does that on the next frame, when
// it sees a minimum size change; the test driver does not, for a label
// either); its text can change after it is shown.
func TestParagraphGrowsWhenNarrower(t *testing.T) {
	test.NewTempApp(t)
	para := newParagraph(strings.Repeat("年度运维情况备案截止 2026-12-31。", 4), widget.WarningImportance)
	below := widget.NewLabel("下一行")
	w := test.NewTempWindow(t, container.NewVBox(para, below))
	w.Resize(fyne.NewSize(900, 600))
	wide := para.MinSize().Height
	w.Resize(fyne.NewSize(260, 600))
	narrow := para.MinSize().Height
	if narrow <= wide {
		t.Fatalf("as tall at 260 as at 900 wide: %v, %v", narrow, wide)
	}
	w.Content().Refresh()
	if below.Position().Y < para.Position().Y+narrow {
		t.Errorf("the label below at %v overlaps the paragraph ending at %v", below.Position().Y, para.Position().Y+narrow)
	}
	for _, l := range rows(para) {
		if strings.Contains(l, "2026-") && !strings.Contains(l, "2026-12-31") {
			t.Errorf("a date is cut in two: %q", rows(para))
		}
	}
	para.SetText("已提交")
	if got := rows(para); len(got) != 1 || got[0] != "已提交" {
		t.Errorf("after SetText: %q", got)
	}
}

// A message dialog is as wide as its message needs, at most 600 and 90 % of
// the window, and exactly as tall as its lines at that width; its lines
// follow the paragraph's rules.
func TestMessageDialogFitsItsLines(t *testing.T) {
	test.NewTempApp(t)
	message := "已把本机的全部材料、附件和数管局连接设置备份到\n/home/clerk/备份/egovdesk-2026-12-05.egovbak\n\n" +
		"请把它保存在 U 盘或单位的共享文件夹里。换电脑后，在新装的客户端里用“文件 → 从备份恢复…”选择此文件。"
	for _, c := range []struct {
		window, widest float32
	}{{1366, 600}, {500, 450}} {
		w := test.NewTempWindow(t, widget.NewLabel(""))
		w.Resize(fyne.NewSize(c.window, 700))
		content := messageContent(message, w)
		min := content.MinSize()
		if min.Width > c.widest || min.Width < c.widest*0.8 {
			t.Errorf("window %v: the message is %v wide, want at most %v and most of it", c.window, min.Width, c.widest)
		}
		content.Resize(min)
		p := content.(*fyne.Container).Objects[0].(*paragraph)
		lines := p.lines(p.Size().Width)
		if len(lines) < 4 || lines[2] != "" {
			t.Errorf("window %v: the lines %q do not keep the empty line", c.window, lines)
		}
		if want := float32(len(lines))*p.lineHeight() + 2*p.padding(); min.Height != want {
			t.Errorf("window %v: %d lines (%q) in a message %v tall, want %v", c.window, len(lines), lines, min.Height, want)
		}
		for i, l := range lines {
			if i > 0 && l != "" && linebreak.Closing([]rune(l)[0]) {
				t.Errorf("window %v: line %d starts with a closing mark: %q", c.window, i, l)
			}
		}
	}
}
