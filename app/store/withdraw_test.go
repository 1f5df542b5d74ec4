package store

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"egovdesk/app"
)

// withdrawn asserts that filing id is back to status st at revision rev,
// unsubmitted, with nothing of it in the outbox and no send state.
func withdrawn(t *testing.T, s *Store, id string, st app.Status, rev int) {
	t.Helper()
	ctx := context.Background()
	f, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != st || f.Revision.Number != rev || f.Revision.Submitted() || !f.Editable() {
		t.Fatalf("after withdrawing: %s, revision %+v", f.Status, f.Revision)
	}
	for _, tr := range f.History {
		if tr.Action == app.ActionSubmit && tr.RevisionID == f.Revision.ID {
			t.Fatalf("the withdrawn submission is still in the history: %+v", f.History)
		}
	}
	items, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.FilingID == id {
			t.Fatalf("still queued: %+v", it)
		}
	}
	sum, err := s.Summary(ctx, id)
	if err != nil || sum.Send != (app.Send{}) || !sum.SubmittedAt.IsZero() || sum.ReceiptID != "" {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	mustCheck(t, s)
}

// TestWithdrawBeforeSending: a submission still waiting — never tried, or
// tried while the bureau could not be reached — is taken back; the filing is
// a draft with all its content, and submitting again queues it anew.
func TestWithdrawBeforeSending(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "霍邱县城关镇智慧社区管理平台", 2027)
	f.Declaration.Goals = "建成覆盖全镇 12 个社区的网格化管理平台"
	mustSave(t, s, f)
	it, err := s.Submit(ctx, f.ID, "李梅", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Offline: the attempt failed before a connection was made.
	if err := s.MarkAttempts(ctx, []uint64{it.Seq}, "无法连接数管局服务器", false); err != nil {
		t.Fatal(err)
	}
	if err := s.CanWithdraw(ctx, f.ID); err != nil {
		t.Fatalf("can withdraw: %v", err)
	}
	if items, _ := s.Outbox(ctx); len(items) != 1 {
		t.Fatalf("CanWithdraw changed the outbox: %+v", items)
	}
	if err := s.Withdraw(ctx, f.ID, time.Now()); err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	withdrawn(t, s, f.ID, app.StatusDraft, 1)
	got, _ := s.Get(ctx, f.ID)
	if got.Declaration.Goals != f.Declaration.Goals {
		t.Fatalf("content lost: %q", got.Declaration.Goals)
	}
	if revs, _ := s.Revisions(ctx, f.ID); len(revs) != 0 {
		t.Fatalf("the withdrawn revision is still kept as submitted: %+v", revs)
	}
	if err := s.Withdraw(ctx, f.ID, time.Now()); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "草稿") {
		t.Fatalf("withdrawing a draft: %v", err)
	}
	again, err := s.Submit(ctx, f.ID, "李梅", time.Now())
	if err != nil {
		t.Fatalf("submit again: %v", err)
	}
	if again.RevisionNumber != 1 || again.RevisionID != it.RevisionID || again.Seq == it.Seq {
		t.Fatalf("submitted again as %+v (first %+v)", again, it)
	}
	mustCheck(t, s)
}

// TestWithdrawARevision: a returned filing's second revision, withdrawn,
// is returned again at revision 2, to be edited and submitted.
func TestWithdrawARevision(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	it := mustSubmit(t, s, "霍邱县政务外网升级改造")
	if err := s.Ack(ctx, it.Seq, Receipt{ID: "SJJ-1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	f, _ := s.Get(ctx, it.FilingID)
	ret := app.Transition{At: time.Now(), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn,
		From: app.StatusSubmitted, To: app.StatusReturned, Comment: "请补充接口清单", RevisionID: f.Revision.ID, RevisionNumber: 1}
	if err := s.ApplyChanges(ctx, "c1", []Change{{Kind: app.MessageDecision, FilingID: f.ID, Transition: ret}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, f.ID, time.Now()); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "退回修改") {
		t.Fatalf("withdrawing a returned filing: %v", err)
	}
	f, _ = s.Get(ctx, f.ID)
	if err := f.Revise("rev-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, f)
	if _, err := s.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, f.ID, time.Now()); err != nil {
		t.Fatalf("withdraw revision 2: %v", err)
	}
	withdrawn(t, s, f.ID, app.StatusReturned, 2)
	if revs, _ := s.Revisions(ctx, f.ID); len(revs) != 1 || revs[0].Revision.Number != 1 {
		t.Fatalf("revisions: %+v", revs)
	}
}

// TestWithdrawRefusedOnceItMayHaveArrived: what the bureau has, or may
// have, is not withdrawn — delivered, on its way, or sent without an
// answer — each with a message that says what to do; an attempt the
// bureau certainly did not keep leaves it withdrawable.
func TestWithdrawRefusedOnceItMayHaveArrived(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	refused := func(id, want string) {
		t.Helper()
		if err := s.CanWithdraw(ctx, id); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), want) {
			t.Fatalf("can withdraw: %v, want a refusal saying %q", err, want)
		}
		err := s.Withdraw(ctx, id, time.Now())
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), want) {
			t.Fatalf("withdraw: %v, want a refusal saying %q", err, want)
		}
	}
	a := mustSubmit(t, s, "甲")
	b := mustSubmit(t, s, "乙")
	gone, err := s.Sending(ctx, []uint64{a.Seq, b.Seq})
	if err != nil || len(gone) != 0 {
		t.Fatalf("sending: %v %v", gone, err)
	}
	refused(a.FilingID, "正在发送")
	// The bureau answered: a received, b refused (a 4xx).
	if err := s.Ack(ctx, a.Seq, Receipt{ID: "SJJ-1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.PushDone(ctx, map[uint64]bool{b.Seq: true}); err != nil {
		t.Fatal(err)
	}
	refused(a.FilingID, "已送达，不能在本机撤回")
	if err := s.Withdraw(ctx, b.FilingID, time.Now()); err != nil {
		t.Fatalf("withdraw what the bureau refused: %v", err)
	}

	// No answer (a timeout, a 502 from a proxy): perhaps delivered.
	c := mustSubmit(t, s, "丙")
	if _, err := s.Sending(ctx, []uint64{c.Seq}); err != nil {
		t.Fatal(err)
	}
	if err := s.PushDone(ctx, nil); err != nil {
		t.Fatal(err)
	}
	refused(c.FilingID, "可能已经送达")
	items, _ := s.Outbox(ctx)
	if len(items) != 1 || !items[0].MaybeSent {
		t.Fatalf("outbox: %+v", items)
	}
	// A later attempt that the bureau refused does not undo an earlier one
	// that may have arrived.
	if _, err := s.Sending(ctx, []uint64{c.Seq}); err != nil {
		t.Fatal(err)
	}
	if err := s.PushDone(ctx, map[uint64]bool{c.Seq: true}); err != nil {
		t.Fatal(err)
	}
	refused(c.FilingID, "可能已经送达")
	mustCheck(t, s)
}

// TestSendingLeavesOutWhatWasWithdrawn: an item withdrawn after the syncer
// read the outbox, before its request left, is not sent.
func TestSendingLeavesOutWhatWasWithdrawn(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	a := mustSubmit(t, s, "甲")
	b := mustSubmit(t, s, "乙")
	if _, err := s.Outbox(ctx); err != nil { // the syncer reads the page
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, a.FilingID, time.Now()); err != nil {
		t.Fatal(err)
	}
	gone, err := s.Sending(ctx, []uint64{a.Seq, b.Seq})
	if err != nil || !gone[a.Seq] || gone[b.Seq] {
		t.Fatalf("sending: %v %v", gone, err)
	}
	if err := s.PushDone(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, b.FilingID, time.Now()); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("b was sent: %v", err)
	}
}

// TestWithdrawKeepsWhatNeedsIt: a first declaration is not withdrawn while
// a filing of its project waits to be sent behind it (the bureau would
// refuse that one); the message names it.
func TestWithdrawKeepsWhatNeedsIt(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	d := mustSubmit(t, s, "霍邱县城关镇智慧社区管理平台")
	c, err := app.NewFiling(app.KindCatalogue, "cat-1", "cat-rev-1", "unit-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c.ProjectID = d.FilingID
	c.Catalogue.Title = "智慧社区数据共享资源目录"
	mustSave(t, s, c)
	if _, err := s.Submit(ctx, c.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	// The quick check leaves this to the full one (and to Withdraw).
	if err := s.Withdrawable(ctx, d.FilingID); err != nil {
		t.Fatalf("the quick check: %v", err)
	}
	if err := s.CanWithdraw(ctx, d.FilingID); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "请先撤回") {
		t.Fatalf("the full check: %v", err)
	}
	err = s.Withdraw(ctx, d.FilingID, time.Now())
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "请先撤回") {
		t.Fatalf("withdraw the declaration: %v", err)
	}
	if f, _ := s.Get(ctx, c.ID); !strings.Contains(app.ErrorMessage(err), "《"+f.Title()+"》") {
		t.Fatalf("the message does not name the catalogue: %s", app.ErrorMessage(err))
	}
	if err := s.Withdraw(ctx, c.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, d.FilingID, time.Now()); err != nil {
		t.Fatalf("withdraw the declaration after its catalogue: %v", err)
	}
	mustCheck(t, s)
}

// TestPushKilledLeavesItemsMaybeSent: a process killed (SIGKILL) after it
// let a request go and before the push ended leaves its mark; the next
// Open marks the items it may have sent, which can no longer be withdrawn.
func TestPushKilledLeavesItemsMaybeSent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir)
	a := mustSubmit(t, s, "甲")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := helperCommand(t, "pushing", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.Contains(string(buf[:n]), "SENDING") {
		cmd.Process.Kill()
		t.Fatalf("helper said %q", buf[:n])
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	s2, err := Open(dir, envOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	err = s2.Withdraw(ctx, a.FilingID, time.Now())
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "可能已经送达") {
		t.Fatalf("withdraw after the kill: %v", err)
	}
	// A filing submitted after the restart is not touched by that push.
	b := mustSubmit(t, s2, "乙")
	if err := s2.Withdraw(ctx, b.FilingID, time.Now()); err != nil {
		t.Fatalf("withdraw a later one: %v", err)
	}
	mustCheck(t, s2)
}

// pushingChild opens the store in dir, lets the first queued item go as
// the syncer does before its request, says so and waits to be killed.
func pushingChild(dir string) {
	s, err := Open(dir)
	if err != nil {
		os.Stdout.WriteString("OPEN " + err.Error() + "\n")
		os.Exit(1)
	}
	items, err := s.Outbox(context.Background())
	if err != nil || len(items) == 0 {
		os.Stdout.WriteString("OUTBOX\n")
		os.Exit(1)
	}
	if _, err := s.Sending(context.Background(), []uint64{items[0].Seq}); err != nil {
		os.Stdout.WriteString("SEND " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("SENDING\n")
	time.Sleep(time.Minute)
	os.Exit(2)
}

// TestWithdrawRequeuedIsRefused: a revision the bureau gave a receipt for,
// queued again because the bureau no longer lists it (RequeueLost), is
// never withdrawn.
func TestWithdrawRequeuedIsRefused(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	it := mustSubmit(t, s, "霍邱县智慧社区管理平台")
	if err := s.Ack(ctx, it.Seq, Receipt{ID: "receipt-" + it.RevisionID, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequeueLost(ctx, map[string]int{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, it.FilingID, time.Now()); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "可能已经送达") {
		t.Fatalf("withdraw a requeued revision: %v", err)
	}
}

// TestRefusedAgainAfterWithdrawIsEntered: withdrawn and submitted again
// (the same revision ID, attempts from 1 again), a second refusal gets its
// own inbox entry.
func TestRefusedAgainAfterWithdrawIsEntered(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	it := mustSubmit(t, s, "霍邱县政务外网升级改造")
	if err := s.MarkAttempt(ctx, it.Seq, "数管局未接收第 1 版：缺少附件", true); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, it.FilingID, time.Now()); err != nil {
		t.Fatal(err)
	}
	again, err := s.Submit(ctx, it.FilingID, "李梅", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAttempt(ctx, again.Seq, "数管局未接收第 1 版：金额超限", true); err != nil {
		t.Fatal(err)
	}
	if msgs, _ := s.Inbox(ctx); len(msgs) != 2 {
		t.Fatalf("%d inbox entries after two refusals, want 2", len(msgs))
	}
}

// TestSchema8MarksAnOldBatchSend: a binary before schema 8 sent plain
// items in a batch without recording an attempt; killed while the batch
// was on its way (or after the bureau's "received", before the
// acknowledgement was written), it left the item queued with no attempt.
// After the upgrade it is not withdrawable.
func TestSchema8MarksAnOldBatchSend(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := Open(dir, withMigrations(migrations[:7]))
	if err != nil {
		t.Fatal(err)
	}
	f := newDeclaration(t, "霍邱县城关镇智慧社区管理平台", 2027)
	mustSave(t, old, f)
	if _, err := old.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	// The old syncer's SubmitBatch is on its way here; the program is killed.
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	s := mustOpenDir(t, dir)
	if err := s.CanWithdraw(ctx, f.ID); err == nil {
		t.Fatal("an item the schema-7 binary may have sent in a batch is withdrawable after the upgrade")
	}
}

// TestRecoverPushMarkBigOutbox: the marks after a push cut short are
// written in transactions Badger can take, however small its tables: a
// store with small ones could not be opened again.
func TestRecoverPushMarkBigOutbox(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, withMemTableSize(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for i := range 600 {
		f := newDeclaration(t, fmt.Sprintf("霍邱县第%03d号政务信息化项目", i), 2026)
		mustSave(t, s, f)
		it, err := s.Submit(ctx, f.ID, "张三", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, it.Seq)
	}
	if _, err := s.Sending(ctx, seqs); err != nil {
		t.Fatal(err)
	}
	s.Close() // killed during the push: the mark stays
	s2, err := Open(dir, withMemTableSize(1<<20))
	if err != nil {
		t.Fatalf("reopen after a push cut short: %v", err)
	}
	defer s2.Close()
	items, err := s2.Outbox(ctx)
	if err != nil || len(items) != 600 {
		t.Fatalf("outbox: %d items, %v", len(items), err)
	}
	for _, it := range items {
		if !it.MaybeSent {
			t.Fatalf("item %d not marked", it.Seq)
		}
	}
}
