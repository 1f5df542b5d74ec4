package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
)

func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir)
	f := newDeclaration(t, "霍邱县智慧社区管理平台", 2026)
	mustSave(t, s, f)
	send := func() app.Send {
		t.Helper()
		sums, err := s.List(ctx, app.Query{})
		if err != nil || len(sums) != 1 {
			t.Fatalf("list: %v %d", err, len(sums))
		}
		return sums[0].Send
	}
	if l := send(); l != (app.Send{}) {
		t.Fatalf("draft: %+v", l)
	}
	item, err := s.Submit(ctx, f.ID, "张三", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("second submit: %v, want EINVALID", err)
	}
	if l := send(); l != (app.Send{State: app.SendQueued}) {
		t.Fatalf("queued: %+v", l)
	}
	if err := s.MarkAttempt(ctx, item.Seq, "", false); err != nil {
		t.Fatal(err)
	}
	if l := send(); l != (app.Send{State: app.SendSending}) {
		t.Fatalf("sending: %+v", l)
	}
	if err := s.MarkAttempt(ctx, item.Seq, "无法连接数管局服务器", false); err != nil {
		t.Fatal(err)
	}
	if l := send(); l != (app.Send{State: app.SendFailed, Reason: "无法连接数管局服务器"}) {
		t.Fatalf("failed: %+v", l)
	}
	if err := s.MarkAttempt(ctx, item.Seq, "", false); err != nil {
		t.Fatal(err)
	}

	// A restart while sending puts the item back in the queue.
	s.Close()
	s = mustOpenDir(t, dir)
	items, err := s.Outbox(ctx)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox after reopen: %v %+v", err, items)
	}
	o := items[0]
	if o.State != app.SendQueued || o.Attempts != 2 || o.LastError != "无法连接数管局服务器" || o.BodyHash != item.BodyHash {
		t.Fatalf("item after reopen: %+v", o)
	}
	if n, _ := s.PendingCount(ctx); n != 1 {
		t.Fatalf("pending = %d", n)
	}
	if l := send(); l != (app.Send{State: app.SendQueued}) {
		t.Fatalf("after reopen: %+v", l)
	}

	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.Local)
	if err := s.Ack(ctx, item.Seq, Receipt{ID: "SJJ-2026-0001", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, item.Seq, Receipt{ID: "SJJ-2026-0001", At: at}); err != nil {
		t.Fatalf("second ack: %v", err)
	}
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Fatalf("pending after ack = %d", n)
	}
	sums, _ := s.List(ctx, app.Query{})
	if sums[0].Send != (app.Send{State: app.SendSent}) || sums[0].ReceiptID != "SJJ-2026-0001" || !sums[0].ReceiptAt.Equal(at) {
		t.Fatalf("after ack: %+v", sums[0])
	}
	if err := s.MarkAttempt(ctx, item.Seq, "x", false); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("mark acked: %v", err)
	}
	mustCheck(t, s)
}

func TestOutboxQuarantine(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "金寨县数字乡村平台", 2026)
	mustSave(t, s, f)
	item, _ := s.Submit(ctx, f.ID, "张三", time.Now())
	if err := s.MarkAttempt(ctx, item.Seq, "材料内容不符合要求：总投资为空", true); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Counts(ctx)
	if c.Outbox != 1 || c.Failed != 1 {
		t.Fatalf("counts %+v", c)
	}
	items, _ := s.Outbox(ctx)
	if items[0].State != app.SendQuarantined || items[0].Attempts != 1 {
		t.Fatalf("%+v", items[0])
	}

	// The clerk fixes the cause and asks to send again.
	if err := s.Retry(ctx, item.Seq); err != nil {
		t.Fatal(err)
	}
	items, _ = s.Outbox(ctx)
	if items[0].State != app.SendQueued || items[0].LastError != "" {
		t.Fatalf("after Retry: %+v", items[0])
	}
	c, _ = s.Counts(ctx)
	if c.Outbox != 1 || c.Failed != 0 {
		t.Fatalf("counts after Retry %+v", c)
	}
	sum, _ := s.List(ctx, app.Query{Text: "数字乡村"})
	if len(sum) != 1 || sum[0].Send.State != app.SendQueued || sum[0].Send.Reason != "" {
		t.Fatalf("summary after Retry: %+v", sum)
	}
	if err := s.Ack(ctx, item.Seq, Receipt{ID: "r", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, item.Seq); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("Retry of a delivered item = %v, want ENOTFOUND", err)
	}
}

// Concurrent submitters conflict on the sequence counter; the retry helper
// resolves it and sequence numbers stay unique and increasing.
func TestSubmitConcurrent(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	const n = 16
	var ids []string
	for range n {
		f := newDeclaration(t, "并发提交", 2026)
		mustSave(t, s, f)
		ids = append(ids, f.ID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, id := range ids {
		wg.Go(func() {
			_, err := s.Submit(ctx, id, "张三", time.Now())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	items, _ := s.Outbox(ctx)
	if len(items) != n {
		t.Fatalf("%d items", len(items))
	}
	for i, o := range items {
		if o.Seq != uint64(i+1) {
			t.Fatalf("item %d has seq %d", i, o.Seq)
		}
	}
	mustCheck(t, s)
}

// TestOutboxMany marks and acknowledges many items at once, more than one
// transaction of a store with small memtables holds: every item ends in the
// same state as with the per-item calls, and the indexes stay consistent.
func TestOutboxMany(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, withMemTableSize(1<<20)) // ~150 KB per transaction
	const n = 400
	var seqs []uint64
	for i := range n {
		f := newDeclaration(t, fmt.Sprintf("霍邱县第%03d号政务信息化项目", i), 2026)
		mustSave(t, s, f)
		item, err := s.Submit(ctx, f.ID, "张三", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, item.Seq)
	}
	if err := s.MarkSending(ctx, seqs); err != nil {
		t.Fatal(err)
	}
	items, _ := s.Outbox(ctx)
	for _, o := range items {
		if o.State != app.SendSending || o.Attempts != 1 {
			t.Fatalf("after MarkSending: %+v", o)
		}
	}
	if err := s.MarkAttempts(ctx, seqs[:10], "无法连接数管局服务器，将自动重试", false); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Counts(ctx); c.Outbox != n || c.Failed != 10 {
		t.Fatalf("counts after MarkAttempts: %+v", c)
	}
	sums, _ := s.List(ctx, app.Query{Text: "第005号"})
	if len(sums) != 1 || sums[0].Send.State != app.SendFailed || sums[0].Send.Reason != "无法连接数管局服务器，将自动重试" {
		t.Fatalf("summary after MarkAttempts: %+v", sums)
	}
	mustCheck(t, s)

	at := time.Now()
	acks := make([]AckEntry, 0, n+1)
	for _, seq := range seqs {
		acks = append(acks, AckEntry{Seq: seq, Receipt: Receipt{ID: fmt.Sprint("receipt-", seq), At: at}})
	}
	acks = append(acks, acks[0]) // a repeated ack is harmless
	if err := s.AckMany(ctx, acks); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Counts(ctx); c.Outbox != 0 || c.Failed != 0 {
		t.Fatalf("counts after AckMany: %+v", c)
	}
	sums, _ = s.List(ctx, app.Query{})
	for _, sum := range sums {
		if sum.Send.State != app.SendSent || sum.ReceiptID == "" || sum.Send.Reason != "" {
			t.Fatalf("summary after AckMany: %+v", sum)
		}
	}
	mustCheck(t, s)
	if err := s.MarkSending(ctx, seqs[:1]); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("MarkSending of a delivered item = %v, want ENOTFOUND", err)
	}
}

// TestOutboxRecordMatchesItem: the stored form used to record attempts
// names the same JSON fields as OutboxItem and keeps every value.
func TestOutboxRecordMatchesItem(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for f := range typ.Fields() {
			out = append(out, f.Name+" "+f.Tag.Get("json"))
		}
		return out
	}
	if a, b := names(reflect.TypeFor[OutboxItem]()), names(reflect.TypeFor[outboxRecord]()); !slices.Equal(a, b) {
		t.Fatalf("OutboxItem has %q, outboxRecord %q", a, b)
	}
	in := OutboxItem{Seq: 7, FilingID: "f", RevisionID: "r", BaseID: "b", RevisionNumber: 2, Body: []byte(`{"id":"f"}`),
		BodyHash: "h", Attachments: []app.Attachment{{Name: "a.pdf", SHA256: "s", Size: 3}},
		Transition: app.Transition{Action: app.ActionSubmit, Comment: "提交"}, State: app.SendFailed, Attempts: 3,
		LastError: "网络不通", LastTried: time.Unix(100, 0).UTC(), Queued: time.Unix(50, 0).UTC(), MaybeSent: true}
	data, _ := json.Marshal(in)
	var rec outboxRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(rec)
	var out OutboxItem
	if err := json.Unmarshal(again, &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, in, out)
	}
}

// TestOpenRequeuesSending checks that Open puts an item left "sending" back
// in the queue, body intact, and leaves the other items alone.
func TestOpenRequeuesSending(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir)
	var items []OutboxItem
	for _, title := range []string{"金寨县数字乡村平台", "霍山县智慧园区平台"} {
		f := newDeclaration(t, title, 2026)
		mustSave(t, s, f)
		item, err := s.Submit(ctx, f.ID, "张三", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item)
	}
	if err := s.MarkSending(ctx, []uint64{items[0].Seq}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAttempt(ctx, items[1].Seq, "无法连接数管局服务器", false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenDir(t, dir)
	got, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].State != app.SendQueued || got[1].State != app.SendFailed {
		t.Fatalf("after reopen: %+v", got)
	}
	if string(got[0].Body) != string(items[0].Body) || got[0].BodyHash != items[0].BodyHash || got[0].Attempts != 1 {
		t.Fatalf("requeued item changed: %+v", got[0])
	}
	sum, _ := s.List(ctx, app.Query{Text: "数字乡村"})
	if len(sum) != 1 || sum[0].Send.State != app.SendQueued {
		t.Fatalf("summary after reopen: %+v", sum)
	}
	mustCheck(t, s)
}

// TestOutboxBodyKeptApart: since schema 2 an item's record holds no body
// (the body is under ob/, as the exact bytes submitted), so that reading
// the outbox and recording attempts and receipts handle a few hundred
// bytes per item; an acknowledgement removes both keys, and an item
// queued by an older egovdesk, with its body inside the record, is still
// read, marked and acknowledged.
func TestOutboxBodyKeptApart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir)
	items := []OutboxItem{mustSubmit(t, s, "金寨县数字乡村平台"), mustSubmit(t, s, "霍山县智慧园区平台")}
	raw := func(key string) ([]byte, bool) {
		t.Helper()
		var v []byte
		err := s.db.View(func(txn *badger.Txn) error {
			var err error
			v, err = getValue(txn, key)
			return err
		})
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil, false
		}
		if err != nil {
			t.Fatal(err)
		}
		return v, true
	}
	rec, _ := raw(outboxKey(items[0].Seq))
	if body, ok := raw(outboxBodyKey(items[0].Seq)); !ok || !bytes.Equal(body, items[0].Body) {
		t.Fatalf("body key holds %q, want the submitted body", body)
	}
	if bytes.Contains(rec, []byte(`"body"`)) || len(rec) > 600 {
		t.Fatalf("the record carries the body (%d bytes): %s", len(rec), rec)
	}

	// Item 1 as an egovdesk before schema 2 wrote it: body in the record.
	old := items[1]
	oldRec, _ := json.Marshal(struct {
		OutboxItem
		Body []byte `json:"body"`
	}{old, old.Body})
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set([]byte(outboxKey(old.Seq)), oldRec); err != nil {
			return err
		}
		return txn.Delete([]byte(outboxBodyKey(old.Seq)))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAttempts(ctx, []uint64{items[0].Seq, old.Seq}, "无法连接数管局服务器", false); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpenDir(t, dir)
	got, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range got {
		if !bytes.Equal(it.Body, items[i].Body) || it.State != app.SendFailed || it.Attempts != 1 {
			t.Fatalf("item %d after a failed attempt and a restart: %+v", i, it)
		}
	}
	mustCheck(t, s)
	acks := []AckEntry{{Seq: items[0].Seq, Receipt: Receipt{ID: "r0", At: time.Now()}}, {Seq: old.Seq, Receipt: Receipt{ID: "r1", At: time.Now()}}}
	if err := s.AckMany(ctx, acks); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		for _, k := range []string{outboxKey(it.Seq), outboxBodyKey(it.Seq)} {
			if _, ok := raw(k); ok {
				t.Errorf("%s left after the acknowledgement", k)
			}
		}
	}
	mustCheck(t, s)
}

// TestCheckFindsAMissingOutboxBody: Check reports a queued item whose
// body is gone instead of failing.
func TestCheckFindsAMissingOutboxBody(t *testing.T) {
	ctx := context.Background()
	s := mustOpenDir(t, t.TempDir())
	item := mustSubmit(t, s, "金寨县数字乡村平台")
	err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(outboxBodyKey(item.Seq))) })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); app.ErrorCode(err) != app.EINTERNAL || !strings.Contains(err.Error(), "第 1 项缺少材料内容") {
		t.Fatalf("check: %v, want the missing body reported", err)
	}
	if _, err := s.Outbox(ctx); err == nil {
		t.Fatal("Outbox read an item without its body")
	}
}

// TestOutboxFrom: pages of the outbox, read one after another from the
// sequence after the last item of the page before, give every item once, in
// order, with its body, and nothing past the end.
func TestOutboxFrom(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	const n = 7
	for i := range n {
		mustSubmit(t, s, fmt.Sprintf("霍邱县第%03d号政务信息化项目", i))
	}
	all, err := s.Outbox(ctx)
	if err != nil || len(all) != n {
		t.Fatalf("outbox: %d items, %v", len(all), err)
	}
	var got []OutboxItem
	var from uint64
	for pages := 0; ; pages++ {
		page, err := s.OutboxFrom(ctx, from, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 3 || pages > n {
			t.Fatalf("page %d has %d items", pages, len(page))
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		from = page[len(page)-1].Seq + 1
	}
	if len(got) != n {
		t.Fatalf("pages gave %d items, want %d", len(got), n)
	}
	for i := range all {
		if got[i].Seq != all[i].Seq || !bytes.Equal(got[i].Body, all[i].Body) || len(got[i].Body) == 0 {
			t.Fatalf("item %d: seq %d body %d bytes, want seq %d body %d bytes", i, got[i].Seq, len(got[i].Body), all[i].Seq, len(all[i].Body))
		}
	}
	if rest, err := s.OutboxFrom(ctx, all[n-1].Seq, 0); err != nil || len(rest) != 1 || rest[0].Seq != all[n-1].Seq {
		t.Fatalf("from the last item: %d items, %v", len(rest), err)
	}
}

// TestSummaryFollowsTheSendState: Summary gives a filing's row, whose send
// state follows its current revision through submit, a failed attempt and
// the acknowledgement, and ENOTFOUND for a filing the store does not hold.
func TestSummaryFollowsTheSendState(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "霍邱县城关镇网格化管理平台", 2026)
	mustSave(t, s, f)
	state := func(want app.SendState, reason string) {
		t.Helper()
		sum, err := s.Summary(ctx, f.ID)
		if err != nil || sum.ID != f.ID || sum.Send.State != want || sum.Send.Reason != reason {
			t.Fatalf("summary %+v, %v; want send state %q (%q)", sum, err, want, reason)
		}
	}
	state(app.SendNone, "")
	it, err := s.Submit(ctx, f.ID, "张三", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	state(app.SendQueued, "")
	if err := s.MarkAttempt(ctx, it.Seq, "无法连接数管局服务器，将自动重试", false); err != nil {
		t.Fatal(err)
	}
	state(app.SendFailed, "无法连接数管局服务器，将自动重试")
	if err := s.Ack(ctx, it.Seq, Receipt{ID: "r-1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	state(app.SendSent, "")
	if _, err := s.Summary(ctx, "no-such-filing"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("summary of a missing filing: %v, want ENOTFOUND", err)
	}
}

// TestAckManyWithTheItemsIDs: acknowledgements that name the item's filing
// and revision (as the syncer's do) are recorded without reading the item
// back, with the same result; one repeated for an item already gone only
// records its receipt again (the bureau answers a repeat with the original
// receipt), and one for a revision the filing has moved past changes
// nothing.
func TestAckManyWithTheItemsIDs(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	it := mustSubmit(t, s, "霍邱县城关镇网格化管理平台")
	at := time.Now()
	ack := AckEntry{Seq: it.Seq, FilingID: it.FilingID, RevisionID: it.RevisionID, Receipt: Receipt{ID: "r-1", At: at}}
	if err := s.AckMany(ctx, []AckEntry{ack}); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summary(ctx, it.FilingID)
	if err != nil || sum.Send.State != app.SendSent || sum.ReceiptID != "r-1" {
		t.Fatalf("summary after the ack: %+v, %v", sum, err)
	}
	if c, _ := s.Counts(ctx); c.Outbox != 0 || c.Failed != 0 {
		t.Fatalf("counts after the ack: %+v", c)
	}
	// Again, and for a revision the filing no longer shows: nothing moves.
	stale := AckEntry{Seq: it.Seq + 100, FilingID: it.FilingID, RevisionID: "an-older-revision", Receipt: Receipt{ID: "r-x", At: at}}
	ack.Receipt.ID = "r-2"
	if err := s.AckMany(ctx, []AckEntry{ack, stale}); err != nil {
		t.Fatal(err)
	}
	if sum, _ := s.Summary(ctx, it.FilingID); sum.Send.State != app.SendSent || sum.ReceiptID != "r-2" {
		t.Fatalf("summary after repeated and stale acks: %+v", sum)
	}
	mustCheck(t, s)
}

// A revision set aside gets an unread inbox entry on its filing, counted as
// a notice, not a decision (the tray said 未读批复), and the filing's unread
// count agrees with its entries also when a later revision is drafted on top
// of the refused one (a 退回 arrived whose receipt was lost).
func TestQuarantineLeavesAnUnreadNotice(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "金寨县数字乡村平台", 2026)
	mustSave(t, s, f)
	item, _ := s.Submit(ctx, f.ID, "张三", time.Now())
	if err := s.MarkAttempt(ctx, item.Seq, "数管局未接收第 1 版：总投资为空。", true); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Counts(ctx)
	if c.Unread != 1 || c.UnreadDecisions != 0 {
		t.Fatalf("counts %+v, want one unread notice", c)
	}
	inbox, _ := s.Inbox(ctx)
	if len(inbox) != 1 || !strings.HasPrefix(inbox[0].ID, RefusedPrefix) || strings.Contains(inbox[0].Body, "。。") {
		t.Fatalf("inbox %+v", inbox)
	}

	g := newDeclaration(t, "金寨县数字乡村二期", 2026)
	mustSave(t, s, g)
	item, _ = s.Submit(ctx, g.ID, "张三", time.Now())
	g, _ = s.Get(ctx, g.ID)
	rev1 := *g
	ret := decision(&rev1, app.ActionReturn, app.StatusSubmitted, app.StatusReturned, time.Now(), "请修改")
	if err := s.ApplyChanges(ctx, "c1", []Change{ret}); err != nil {
		t.Fatal(err)
	}
	g, _ = s.Get(ctx, g.ID)
	if err := g.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, g)
	if err := s.MarkAttempt(ctx, item.Seq, "数管局已有这份材料更新的版本", true); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check after a refusal under a later draft: %v", err)
	}
	if sum, _ := s.Summary(ctx, g.ID); sum.Unread != 2 {
		t.Errorf("the filing's unread count is %d, want 2 (the 退回 and the refusal)", sum.Unread)
	}
}
