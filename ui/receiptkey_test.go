package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

const (
	pinnedKeyID = "5b1e07c39d24a8f6e0137c9b42d85a61"
	servedKeyID = "3f2a9c01d84b6e27a5c90f13b7e248d6"
)

// keyLink is a session with a bureau whose receipt key changed; it trusts
// the served key when asked for exactly its ID.
type keyLink struct {
	offlineLink
	mu      sync.Mutex
	status  SyncStatus
	trusted []string
}

func (l *keyLink) Session() Session {
	s := l.offlineLink.Session()
	s.Bureau = "https://sjj.huoqiu.gov.cn"
	return s
}

func (l *keyLink) Status() SyncStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

func (l *keyLink) TrustReceiptKey(_ context.Context, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if id != servedKeyID {
		return app.Errorf(app.ECONFLICT, "数管局现在使用的回执签名密钥与您核对的编号不一致，未信任")
	}
	l.trusted = append(l.trusted, id)
	l.status.KeyChange, l.status.NeedsAction = nil, false
	return nil
}

func (l *keyLink) ReceiptKeyChanges() []ReceiptKeyReplaced {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.trusted) == 0 {
		return nil
	}
	return []ReceiptKeyReplaced{{OldKeyID: pinnedKeyID, NewKeyID: servedKeyID, At: time.Date(2026, 12, 3, 10, 4, 0, 0, time.Local)}}
}

func (l *keyLink) trustedSoFar() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.trusted...)
}

// dialogEntry returns the entry of the topmost dialog.
func dialogEntry(t *testing.T, x *screenFixture) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	if top := x.w.Canvas().Overlays().Top(); top != nil {
		walkRendered(top, func(o fyne.CanvasObject) {
			if found != nil {
				return
			}
			switch e := o.(type) {
			case *widget.Entry:
				found = e
			case *dialogField:
				found = &e.Entry
			}
		})
	}
	if found == nil {
		t.Fatalf("no entry in the dialog:\n%s", x.dialogText())
	}
	return found
}

// TestReceiptKeyChangeTrustedAfterCheck: when the bureau's receipt key
// changed, the connection bar and 设置 warn in red with both key IDs and
// offer 核对并信任新密钥…; its dialog shows the new ID in groups and trusts
// it only when the clerk types its first 8 digits: other digits are
// refused with a Chinese message and nothing is trusted; the right digits
// (as read out: upper case, a space) trust the served key.
func TestReceiptKeyChangeTrustedAfterCheck(t *testing.T) {
	x := newScreensLinked(t, "huoqiu", func(prof *app.Profile) Link {
		l := &keyLink{offlineLink: offlineLink{prof: prof}}
		l.status = SyncStatus{Connected: true, Online: true, NeedsAction: true, Waiting: 1,
			KeyChange: &ReceiptKeyChange{PinnedKeyID: pinnedKeyID, ServedKeyID: servedKeyID, Seen: time.Now()}}
		return l
	})
	l := x.u.link.(*keyLink)
	x.u.refresh()
	x.eventually(t, "the bar warns of the key change", func() bool { return strings.Contains(x.u.bar.reason.Text, "回执签名密钥已更换") })
	bar := x.u.bar.reason.Text
	for _, want := range []string{"5b1e 07c3…", "3f2a 9c01…", "核实前，发送队列中的材料不会被确认"} {
		if !strings.Contains(bar, want) {
			t.Errorf("the bar does not say %q: %q", want, bar)
		}
	}
	if x.u.bar.reason.Importance != widget.DangerImportance || !x.u.bar.rekey.Visible() {
		t.Errorf("bar: importance %v, button shown %v", x.u.bar.reason.Importance, x.u.bar.rekey.Visible())
	}

	x.u.showSettings()
	x.pump()
	if txt := shownText(x); !strings.Contains(txt, "数管局的回执签名密钥已更换") || !strings.Contains(txt, groupKeyID(servedKeyID)) {
		t.Fatalf("设置 does not warn of the key change:\n%s", txt)
	}
	tapButton(t, x.w.Content(), "核对并信任新密钥…")
	x.pump()
	if d := x.dialogText(); !strings.Contains(d, "3f2a 9c01 d84b 6e27 a5c9 0f13 b7e2 48d6") || !strings.Contains(d, "5b1e 07c3") {
		t.Fatalf("the dialog does not show the key IDs in groups:\n%s", d)
	}

	entry := dialogEntry(t, x)
	for _, c := range []struct{ typed, says string }{
		{"", "请输入 8 位编号"},
		{"3f2a9c0", "请输入 8 位编号"},
		{"3f2a9cxz", "请输入 8 位编号"},
		{"3f2a9c02", "不一致，未信任"},
		{"5b1e07c3", "不一致，未信任"}, // the old key
	} {
		entry.SetText(c.typed)
		x.tapDialogButton(t, "编号一致，信任新密钥")
		x.pump()
		if d := x.dialogText(); !strings.Contains(d, c.says) {
			t.Errorf("typed %q: the dialog does not say %q:\n%s", c.typed, c.says, d)
		}
		if got := l.trustedSoFar(); len(got) != 0 {
			t.Fatalf("typed %q: trusted %v", c.typed, got)
		}
	}

	entry.SetText("3F2A 9C01")
	x.tapDialogButton(t, "编号一致，信任新密钥")
	x.eventually(t, "the served key is trusted", func() bool { t := l.trustedSoFar(); return len(t) == 1 && t[0] == servedKeyID })
	x.eventually(t, "the dialog says it was trusted", func() bool { return strings.Contains(x.dialogText(), "已信任县数管局的新回执签名密钥") })
	x.eventually(t, "the warning goes", func() bool {
		return !strings.Contains(shownText(x), "回执签名密钥已更换") && !x.u.bar.rekey.Visible()
	})
	// 设置 says when the key changed.
	x.u.showSettings()
	x.pump()
	if txt := shownText(x); !strings.Contains(txt, "于 2026-12-03 10:04 更换") || !strings.Contains(txt, "原密钥 5b1e 07c3…，现密钥 3f2a 9c01…") {
		t.Errorf("设置 does not say when the key changed:\n%s", txt)
	}
}

// TestReceiptKeyChangeNotShownWithout: without a key change, neither the
// bar nor 设置 mention the receipt key.
func TestReceiptKeyChangeNotShownWithout(t *testing.T) {
	x := newScreensLinked(t, "huoqiu", func(prof *app.Profile) Link {
		l := &keyLink{offlineLink: offlineLink{prof: prof}}
		l.status = SyncStatus{Connected: true, Online: true}
		return l
	})
	x.u.showSettings()
	x.u.refresh()
	x.pump()
	if strings.Contains(shownText(x), "回执签名密钥") || x.u.bar.rekey.Visible() {
		t.Errorf("a key change is shown without one:\n%s", shownText(x))
	}
}

// TestReceiptKeyChangeInEnglish: the warning and the dialog have no
// Chinese left in English.
func TestReceiptKeyChangeInEnglish(t *testing.T) {
	x := newScreensLinked(t, "huoqiu", func(prof *app.Profile) Link {
		l := &keyLink{offlineLink: offlineLink{prof: prof}}
		l.status = SyncStatus{Connected: true, NeedsAction: true,
			KeyChange: &ReceiptKeyChange{PinnedKeyID: pinnedKeyID, ServedKeyID: servedKeyID, Seen: time.Now()}}
		return l
	})
	l := x.u.link.(*keyLink)
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	x.u.confirmReceiptKey(*l.status.KeyChange)
	dialogEntry(t, x).SetText("00000000")
	x.tapDialogButton(t, "The number matches: trust the new key")
	x.pump()
	if !strings.Contains(x.dialogText(), "does not match") {
		t.Errorf("the dialog in English:\n%s", x.dialogText())
	}
	texts := []string{keyChangeWarning(l.status.KeyChange), x.dialogText()}
	for _, s := range texts {
		for _, r := range s {
			if r >= 0x4e00 && r <= 0x9fff {
				t.Errorf("Chinese left in English: %q", s)
				break
			}
		}
	}
}
