package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// queuedDeclaration stores a complete declaration and submits it: it waits
// to be sent.
func queuedDeclaration(t *testing.T, x *screenFixture) *app.Filing {
	t.Helper()
	d, err := app.NewFiling(app.KindDeclaration, "0b7c2f1e-5a3d-4e8f-9c61-000000000001", "0b7c2f1e-5a3d-4e8f-9c61-000000000002", "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	d.Declaration = apptest.Declaration()
	x.store.put(d)
	if err := x.store.Submit(context.Background(), d.ID, "陈晓", x.u.Now()); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestWithdrawAQueuedSubmission: a submission waiting to be sent shows
// 撤回提交; confirmed, the filing opens again as an editable draft with its
// content. Once sent, the button is gone.
func TestWithdrawAQueuedSubmission(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	ctx := context.Background()
	d := queuedDeclaration(t, x)
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "撤回提交", func() bool { return x.u.editor != nil && x.u.editor.withdraw.Visible() })
	if e := x.u.editor; e.editable || !strings.Contains(e.send.Text, "待发送") {
		t.Fatalf("the submitted filing: editable %v, state %q", e.editable, e.send.Text)
	}
	if b := textOf(x.u.editor.banner); !strings.Contains(b, "还没有送达县数管局") || !strings.Contains(b, "撤回提交") {
		t.Errorf("the banner of a waiting submission: %q", b)
	}
	test.Tap(x.u.editor.withdraw)
	// The store is asked first (CanWithdraw), off the Fyne thread.
	x.eventually(t, "the confirmation", func() bool { return strings.Contains(x.dialogText(), "还没有送达县数管局") })
	if s := x.dialogText(); !strings.Contains(s, d.Declaration.ProjectName) {
		t.Fatalf("the confirmation: %q", s)
	}
	x.tapDialogButton(t, "撤回提交")
	x.eventually(t, "the draft open again", func() bool {
		e := x.u.editor
		return e != nil && e.editable && e.f.Status == app.StatusDraft
	})
	if f := x.store.stored(d.ID); f.Status != app.StatusDraft || f.Revision.Submitted() {
		t.Fatalf("stored: %s %+v", f.Status, f.Revision)
	}
	if x.u.editor.withdraw.Visible() || !x.u.editor.submit.Visible() {
		t.Error("the draft shows 撤回提交, or no 检查并提交")
	}

	// Submitted again and delivered: nothing to withdraw.
	if err := x.store.Submit(ctx, d.ID, "陈晓", x.u.Now()); err != nil {
		t.Fatal(err)
	}
	x.store.mu.Lock()
	x.store.send[d.ID] = app.Send{State: app.SendSent}
	x.store.mu.Unlock()
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "the delivered filing", func() bool {
		e := x.u.editor
		return e != nil && !e.editable && strings.Contains(e.send.Text, "已送达")
	})
	if x.u.editor.withdraw.Visible() {
		t.Error("a delivered submission offers 撤回提交")
	}
	if b := textOf(x.u.editor.banner); strings.Contains(b, "撤回") || !strings.Contains(b, "退回修改后可以再编辑") {
		t.Errorf("the banner of a delivered submission: %q", b)
	}
}

// TestWithdrawRefusedBeforeTheConfirmation: a submission that may have
// reached the bureau offers no 撤回提交; its banner says why (it invited a
// withdrawal the button then refused), and a tap that races the state
// gets a 无法撤回 message, not a confirmation. In English too.
func TestWithdrawRefusedBeforeTheConfirmation(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	ctx := context.Background()
	d := queuedDeclaration(t, x)
	x.store.mu.Lock()
	x.store.maybeSent = map[string]bool{d.ID: true}
	x.store.send[d.ID] = app.Send{State: app.SendFailed, Reason: "连接数管局服务器超时，将自动重试"}
	x.store.mu.Unlock()
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "the banner saying why", func() bool {
		return x.u.editor != nil && strings.Contains(textOf(x.u.editor.banner), "可能已经送达")
	})
	if b := textOf(x.u.editor.banner); strings.Contains(b, "还没有送达") || x.u.editor.withdraw.Visible() {
		t.Errorf("a submission that may have arrived: banner %q, 撤回提交 shown %v", b, x.u.editor.withdraw.Visible())
	}
	x.u.editor.onWithdraw()
	x.eventually(t, "the refusal", func() bool { return strings.Contains(x.dialogText(), "可能已经送达") })
	if s := x.dialogText(); strings.Contains(s, "还没有送达数管局") || !strings.Contains(s, "无法撤回") {
		t.Errorf("the answer to 撤回提交: %q", s)
	}
	if f := x.store.stored(d.ID); f.Status != app.StatusSubmitted {
		t.Fatalf("withdrawn after all: %s", f.Status)
	}

	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	err := x.store.CanWithdraw(ctx, d.ID)
	if s := errorText(err); !strings.Contains(s, "may have been delivered") || hasHan(s) {
		t.Errorf("the refusal in English: %q", s)
	}
}

// TestOfflineReasonsInEnglish: in English the connection bar says why the
// bureau cannot be reached in English (it stayed Chinese), and a waiting
// filing's header does not give the same line twice.
func TestOfflineReasonsInEnglish(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := queuedDeclaration(t, x)
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	b := newConnBar(x.u)
	b.update(SyncStatus{Connected: true, LastError: "无法连接数管局服务器（网络不通或服务器未启动）"}, app.Counts{})
	if s := b.reason.Text; hasHan(s) || !strings.Contains(s, "Cannot reach the bureau") {
		t.Errorf("the bar in English: %q", s)
	}
	x.store.mu.Lock()
	x.store.send[d.ID] = app.Send{State: app.SendFailed, Reason: "数管局服务器暂时出现故障（HTTP 502），将自动重试"}
	x.store.mu.Unlock()
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "the waiting state", func() bool { return x.u.editor != nil && strings.Contains(x.u.editor.send.Text, "Waiting") })
	if e := x.u.editor; e.sendWhy.Visible() {
		t.Errorf("the state twice: %q and %q", e.send.Text, e.sendWhy.Text)
	}
}

// TestStateReadsDoNotPileUp: a burst of store changes (a push writes many
// times a second) reads an open filing's state once, and once more after
// it, not once per change: each read looks through the outbox.
func TestStateReadsDoNotPileUp(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := queuedDeclaration(t, x)
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "撤回提交", func() bool { return x.u.editor != nil && x.u.editor.withdraw.Visible() })
	e := x.u.editor
	// Quiet first: a read the opening's own store changes started may
	// still be under way (seen once in a loaded run: 3 reads counted).
	for quiet := 0; quiet < 5; {
		x.pump()
		if e.stateReading {
			quiet = 0
		} else {
			quiet++
		}
		time.Sleep(5 * time.Millisecond)
	}
	before := x.store.withdrawables.Load()
	for range 10 {
		e.refreshStateLater() // the Fyne thread: showCounts after each change
	}
	x.eventually(t, "the reads done", func() bool { return !e.stateReading })
	if n := x.store.withdrawables.Load() - before; n > 2 {
		t.Errorf("10 changes in a burst read the state %d times", n)
	}
}

// TestSavedNoteDoesNotMoveTheButtons: the autosave note coming and going
// leaves the editor's header buttons where they are (in English they went
// from one line to two and back under the clerk's pointer).
func TestSavedNoteDoesNotMoveTheButtons(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	for _, width := range []float32{1366, 1180, 1000} {
		x.w.Resize(fyne.NewSize(width, 768))
		p := x.newEditor(t, app.KindDeclaration)
		e := p.e
		e.saved.SetText("")
		x.w.Content().Refresh()
		x.pump()
		before := fyne.CurrentApp().Driver().AbsolutePositionForObject(e.submit)
		e.saved.SetText(T("已自动保存") + " 15:04:05")
		x.w.Content().Refresh()
		x.pump()
		if after := fyne.CurrentApp().Driver().AbsolutePositionForObject(e.submit); after != before {
			t.Errorf("at %v px the autosave note moved the submit button from %v to %v", width, before, after)
		}
	}
}

// bureauLink is an offline link with a bureau configured that withdraws at
// the bureau as refuse says (nil: agreed, the filing 已撤回 in store).
type bureauLink struct {
	offlineLink
	store   *memStore
	mu      sync.Mutex
	refuse  error
	reasons []string
}

func (l *bureauLink) Session() Session {
	s := l.offlineLink.Session()
	s.Bureau = "https://bureau.example"
	return s
}

func (l *bureauLink) Withdraw(_ context.Context, id, reason string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reasons = append(l.reasons, reason)
	if l.refuse != nil {
		return l.refuse
	}
	l.store.mu.Lock()
	defer l.store.mu.Unlock()
	f := l.store.filings[id]
	f.Status = app.StatusWithdrawn
	f.History = append(f.History, app.Transition{At: time.Now(), Actor: "陈晓", Role: app.RoleUnit, Action: app.ActionWithdraw,
		From: app.StatusSubmitted, To: app.StatusWithdrawn, Comment: reason, RevisionID: f.Revision.ID, RevisionNumber: f.Revision.Number})
	return nil
}

// deliveredAtBureau is a screen fixture linked to a bureau (bureauLink),
// with a declaration submitted and delivered to it, not yet accepted.
func deliveredAtBureau(t *testing.T) (*screenFixture, *bureauLink, *app.Filing) {
	t.Helper()
	var link *bureauLink
	x := newScreensLinked(t, "huoqiu", func(prof *app.Profile) Link {
		link = &bureauLink{offlineLink: offlineLink{prof: prof}}
		return link
	})
	link.store = x.store
	d := queuedDeclaration(t, x)
	x.store.mu.Lock()
	x.store.send[d.ID] = app.Send{State: app.SendSent}
	x.store.mu.Unlock()
	return x, link, d
}

// TestWithdrawADeliveredSubmissionAtTheBureau: a delivered submission the
// bureau has not accepted shows 撤回提交 and says so; the confirmation
// takes a reason, which goes to the bureau; once it agrees the filing opens
// as revision 2, editable. A refusal (受理 meanwhile, no answer) is shown
// as 无法撤回 with the bureau's words, and the reason typed is offered
// again on the next try; a reason too long is refused here and kept.
func TestWithdrawADeliveredSubmissionAtTheBureau(t *testing.T) {
	x, link, d := deliveredAtBureau(t)
	link.refuse = app.Errorf(app.ECONFLICT, "数管局已于 2026-12-06 10:00 受理（现为“初审中”），不能再撤回：如需修改，请联系数管局退回修改")

	x.u.Show("filing:" + d.ID)
	x.eventually(t, "撤回提交", func() bool { return x.u.editor != nil && x.u.editor.withdraw.Visible() })
	if b := textOf(x.u.editor.banner); !strings.Contains(b, "等待受理") || !strings.Contains(b, "点“撤回提交”撤回") {
		t.Errorf("the banner of a delivered submission: %q", b)
	}
	typeReason := func(text string) {
		t.Helper()
		test.Tap(x.u.editor.withdraw)
		x.eventually(t, "the confirmation", func() bool { return strings.Contains(x.dialogText(), "已送达县数管局，还没有受理") })
		ta, ok := x.w.Canvas().Focused().(*textArea)
		if !ok {
			t.Fatalf("the focus is on %T, not the reason", x.w.Canvas().Focused())
		}
		ta.SetText(text)
		x.tapDialogButton(t, "确认撤回")
	}

	// Refused by the bureau: its words, and the reason kept.
	typeReason("附件传错了")
	x.eventually(t, "the refusal", func() bool { return strings.Contains(x.dialogText(), "无法撤回") })
	if s := x.dialogText(); !strings.Contains(s, "受理") {
		t.Fatalf("the refusal: %q", s)
	}
	x.tapDialogButton(t, "OK", "确定")
	test.Tap(x.u.editor.withdraw)
	x.eventually(t, "the confirmation again", func() bool { return strings.Contains(x.dialogText(), "已送达县数管局") })
	if ta := x.w.Canvas().Focused().(*textArea); ta.Text != "附件传错了" {
		t.Fatalf("the reason offered again: %q", ta.Text)
	}
	x.tapDialogButton(t, "不撤回")

	// Too long: refused here, and back with the text.
	link.mu.Lock()
	link.refuse = nil
	asked := len(link.reasons)
	link.mu.Unlock()
	long := strings.Repeat("错", app.MaxWithdrawReason+1)
	typeReason(long)
	x.eventually(t, "the reason refused", func() bool {
		return strings.Contains(x.dialogText(), "撤回原因") && strings.Contains(x.dialogText(), "无法撤回")
	})
	x.tapDialogButton(t, "OK", "确定")
	x.eventually(t, "the confirmation with the text", func() bool {
		ta, ok := x.w.Canvas().Focused().(*textArea)
		return ok && ta.Text == long
	})
	x.tapDialogButton(t, "不撤回")
	link.mu.Lock()
	if len(link.reasons) != asked {
		t.Fatal("a reason too long was sent to the bureau")
	}
	link.mu.Unlock()

	// Agreed: revision 2, editable, the withdrawal's banner.
	typeReason("附件传错了")
	x.eventually(t, "revision 2 open", func() bool {
		e := x.u.editor
		return e != nil && e.editable && e.f.Revision.Number == 2
	})
	if b := textOf(x.u.editor.banner); !strings.Contains(b, "撤回后的修改版本") || !x.u.editor.submit.Visible() {
		t.Errorf("the withdrawn filing's banner: %q", b)
	}
	if f := x.store.stored(d.ID); f.Status != app.StatusWithdrawn || f.Revision.Number != 2 {
		t.Fatalf("stored: %s revision %d", f.Status, f.Revision.Number)
	}
	link.mu.Lock()
	defer link.mu.Unlock()
	if got := link.reasons[len(link.reasons)-1]; got != "附件传错了" {
		t.Fatalf("the reason the bureau got: %q", got)
	}
}

// TestAFilingWithdrawnElsewhereOpensReadOnly: a filing withdrawn at the
// bureau from another computer of the unit (the feed brought it here)
// opens read-only, saying so, with 修改后重新提交, which starts the next
// revision; its timeline names the withdrawal and its reason, a long one
// wrapped.
func TestAFilingWithdrawnElsewhereOpensReadOnly(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := queuedDeclaration(t, x)
	x.store.mu.Lock()
	f := x.store.filings[d.ID]
	f.Status = app.StatusWithdrawn
	f.History = append(f.History, app.Transition{At: time.Now(), Actor: "陈晓", Role: app.RoleUnit, Action: app.ActionWithdraw,
		From: app.StatusSubmitted, To: app.StatusWithdrawn, Comment: "换可研报告" + strings.Repeat("，可研报告的投资估算与申报书不一致", 20), RevisionID: f.Revision.ID, RevisionNumber: 1})
	x.store.send[d.ID] = app.Send{State: app.SendSent}
	x.store.mu.Unlock()

	x.u.Show("filing:" + d.ID)
	x.eventually(t, "the withdrawn filing", func() bool { return x.u.editor != nil && x.u.editor.f.Status == app.StatusWithdrawn })
	e := x.u.editor
	if b := textOf(e.banner); e.editable || !strings.Contains(b, "已从县数管局撤回") || !e.revise.Visible() || e.withdraw.Visible() {
		t.Fatalf("withdrawn elsewhere: editable %v, banner %q, revise %v, withdraw %v", e.editable, b, e.revise.Visible(), e.withdraw.Visible())
	}
	x.u.Show("timeline:" + d.ID)
	x.eventually(t, "the timeline", func() bool {
		s := textOf(x.u.timeline.events)
		return strings.Contains(s, "已从县数管局撤回") && strings.Contains(s, "撤回原因：换可研报告")
	})
	// A long reason wraps: it widened the window past the screen.
	if w := x.w.Content().MinSize().Width; w > 1366 {
		t.Errorf("the timeline with a long reason needs a window %.0f px wide", w)
	}
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "the editor again", func() bool { return x.u.editor != nil && x.u.editor.revise.Visible() })
	test.Tap(x.u.editor.revise)
	x.eventually(t, "revision 2, editable", func() bool {
		e := x.u.editor
		return e != nil && e.editable && e.f.Revision.Number == 2 && strings.Contains(textOf(e.banner), "撤回后的修改版本")
	})
}

// TestWithdrawnWhileAnsweringAReturn (found in a walkthrough): the clerk
// withdraws the revision that answered a return; the next revision still
// shows the return's comment and its remarks on fields, which say what to
// fix.
func TestWithdrawnWhileAnsweringAReturn(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := queuedDeclaration(t, x)
	x.store.mu.Lock()
	f := x.store.filings[d.ID]
	r1 := f.Revision
	t0 := time.Now().Add(-time.Hour)
	f.History = append(f.History,
		app.Transition{At: t0, Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted,
			To: app.StatusReturned, Comment: "请量化建设目标", RevisionID: r1.ID, RevisionNumber: 1,
			Remarks: map[string]string{"goals": "写明事件处置时限"}},
		app.Transition{At: t0.Add(time.Minute), Actor: "陈晓", Role: app.RoleUnit, Action: app.ActionSubmit, From: app.StatusReturned,
			To: app.StatusSubmitted, RevisionID: "r2", RevisionNumber: 2},
		app.Transition{At: t0.Add(2 * time.Minute), Actor: "陈晓", Role: app.RoleUnit, Action: app.ActionWithdraw, From: app.StatusSubmitted,
			To: app.StatusWithdrawn, RevisionID: "r2", RevisionNumber: 2})
	f.Revision = app.Revision{ID: "r2", Number: 2, BaseID: r1.ID, SubmittedAt: t0.Add(time.Minute)}
	f.Status = app.StatusWithdrawn
	x.store.send[d.ID] = app.Send{State: app.SendSent}
	x.store.mu.Unlock()

	x.u.Show("filing:" + d.ID)
	x.eventually(t, "修改后重新提交", func() bool { return x.u.editor != nil && x.u.editor.revise.Visible() })
	test.Tap(x.u.editor.revise)
	x.eventually(t, "revision 3, editable", func() bool {
		e := x.u.editor
		return e != nil && e.editable && e.f.Revision.Number == 3
	})
	if b := textOf(x.u.editor.banner); !strings.Contains(b, "撤回后的修改版本") || !strings.Contains(b, "请量化建设目标") || !strings.Contains(b, "※") {
		t.Errorf("the revision after withdrawing an answer to a return: %q", b)
	}
	if r := x.u.editor.f.LastRemarks(); r["goals"] != "写明事件处置时限" {
		t.Errorf("the return's remarks: %v", r)
	}
}
