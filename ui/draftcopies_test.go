package ui

import (
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// draftLink is a session with a bureau that can keep drafts there.
type draftLink struct {
	offlineLink
	mu     sync.Mutex
	off    bool // the clerk switched the copies off
	status SyncStatus
	sets   []bool
}

func (l *draftLink) Session() Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.offlineLink.Session()
	s.Bureau, s.DraftsLocalOnly = "https://sjj.huoqiu.gov.cn", l.off
	return s
}

func (l *draftLink) Status() SyncStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

func (l *draftLink) SetKeepDrafts(on bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.off = !on
	l.sets = append(l.sets, on)
	return nil
}

func (l *draftLink) setsSoFar() []bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]bool(nil), l.sets...)
}

func findCheck(t *testing.T, o fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	var found *widget.Check
	walkRendered(o, func(c fyne.CanvasObject) {
		if ch, ok := c.(*widget.Check); ok && ch.Text == text && found == nil {
			found = ch
		}
	})
	if found == nil {
		t.Fatalf("no check %q", text)
	}
	return found
}

// TestDraftCopiesSetting: 设置 with a bureau shows 在数管局保留草稿副本,
// on by default, with the sentence that the bureau's reviewers cannot
// read the copies; unticking it reaches the Link and says the drafts stay
// on this machine; a bureau that keeps none is named as the reason.
func TestDraftCopiesSetting(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	l := &draftLink{offlineLink: offlineLink{prof: x.prof}}
	x.u.link = l
	x.u.showSettings()
	x.pump()
	ch := findCheck(t, x.w.Content(), "在数管局保留草稿副本")
	if !ch.Checked {
		t.Error("the copies are off by default")
	}
	txt := shownText(x)
	for _, want := range []string{"数管局的审核人员看不到", "草稿副本已开启"} {
		if !strings.Contains(txt, want) {
			t.Errorf("settings do not say %q:\n%s", want, txt)
		}
	}
	test.Tap(ch)
	x.eventually(t, "the switch reaches the link", func() bool { s := l.setsSoFar(); return len(s) == 1 && !s[0] })
	x.eventually(t, "the panel says the drafts stay here", func() bool { return strings.Contains(shownText(x), "草稿只保存在本机") })

	l.mu.Lock()
	l.off, l.status.DraftsOff = false, "本数管局不保留草稿副本（规则配置已关闭此功能），草稿只保存在您的电脑上，请注意备份"
	l.mu.Unlock()
	x.u.showSettings()
	x.pump()
	if txt := shownText(x); !strings.Contains(txt, "本数管局不保留草稿副本") {
		t.Errorf("settings under a bureau that keeps no drafts:\n%s", txt)
	}
}

// TestDraftCopiesOnlyWithABureau: working offline, there is no switch.
func TestDraftCopiesOnlyWithABureau(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.u.showSettings()
	x.pump()
	if strings.Contains(shownText(x), "数管局的审核人员看不到") {
		t.Error("the draft copies' setting is shown without a bureau")
	}
}

// TestConnBarDraftsProblem: the bar says calmly (not in red) why the
// copies did not go, and says nothing of them when they did.
func TestConnBarDraftsProblem(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	b := newConnBar(x.u)
	b.update(SyncStatus{Connected: true, Online: true, DraftsProblem: "草稿副本暂未保存到数管局：数管局服务器繁忙；草稿仍在本机，稍后自动重试"}, app.Counts{})
	if !strings.Contains(b.reason.Text, "草稿副本暂未保存到数管局") || b.reason.Importance != widget.WarningImportance {
		t.Errorf("bar: %q (importance %v)", b.reason.Text, b.reason.Importance)
	}
	b.update(SyncStatus{Connected: true, Online: true}, app.Counts{})
	if b.reason.Text != "" {
		t.Errorf("bar after the copies went: %q", b.reason.Text)
	}
}
