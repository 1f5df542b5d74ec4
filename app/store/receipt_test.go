package store

import (
	"context"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// storedSummary returns the summary of id as written under s/, without the
// receipts recorded since.
func storedSummary(t *testing.T, s *Store, id string) Summary {
	t.Helper()
	var sum *Summary
	err := s.view(context.Background(), func(txn *badger.Txn) error {
		var err error
		sum, err = readStoredSummary(txn, id)
		return err
	})
	if err != nil || sum == nil {
		t.Fatalf("stored summary of %s: %v, %v", id, sum, err)
	}
	return *sum
}

// receiptKeys counts the receipts waiting to be folded.
func receiptKeys(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	if err := s.view(context.Background(), func(txn *badger.Txn) error {
		n = countKeys(txn, "rc/")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// ackAll acknowledges items as the syncer does, naming filing and revision.
func ackAll(t *testing.T, s *Store, items ...OutboxItem) {
	t.Helper()
	acks := make([]AckEntry, len(items))
	for i, it := range items {
		acks[i] = AckEntry{Seq: it.Seq, FilingID: it.FilingID, RevisionID: it.RevisionID,
			Receipt: Receipt{ID: "receipt-" + it.RevisionID, At: time.Now()}}
	}
	if err := s.AckMany(context.Background(), acks); err != nil {
		t.Fatal(err)
	}
}

// mustFold folds every recorded receipt in s.
func mustFold(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.FoldReceipts(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// deliveredFolded submits a declaration titled title, acknowledges it and
// folds its receipt, as a filing delivered a while ago.
func deliveredFolded(t *testing.T, s *Store, title string) OutboxItem {
	t.Helper()
	it := mustSubmit(t, s, title)
	ackAll(t, s, it)
	mustFold(t, s)
	return it
}

// wantSent fails unless every read of the filing of it shows it delivered
// with its receipt: the summary, the list of all filings and the list of its
// status.
func wantSent(t *testing.T, s *Store, it OutboxItem) {
	t.Helper()
	ctx := context.Background()
	want := "receipt-" + it.RevisionID
	sum, err := s.Summary(ctx, it.FilingID)
	if err != nil || sum.Send.State != app.SendSent || sum.ReceiptID != want || sum.ReceiptAt.IsZero() {
		t.Fatalf("summary %+v, %v; want sent with %s", sum, err, want)
	}
	for _, q := range []app.Query{{}, {Status: sum.Status}, {Text: sum.Title}} {
		rows, err := s.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if r.ID == it.FilingID {
				found = true
				if r != sum {
					t.Fatalf("list %+v row %+v, want %+v", q, r, sum)
				}
			}
		}
		if !found {
			t.Fatalf("list %+v lacks %s", q, it.FilingID)
		}
	}
}

// TestAckRecordsReceiptsApart: an acknowledgement records the receipt under
// a key of its own and leaves the summary and its index entries as they
// were (rewriting them was a quarter of a push's CPU); every read shows the
// filing delivered all the same, before and after FoldReceipts writes the
// receipts into the summaries.
func TestAckRecordsReceiptsApart(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, WithSyncInterval(0))
	a := mustSubmit(t, s, "霍邱县城关镇网格化管理平台")
	b := mustSubmit(t, s, "霍邱县智慧社区管理平台")
	waiting := mustSubmit(t, s, "霍邱县政务数据共享平台")
	ackAll(t, s, a, b)

	if got := storedSummary(t, s, a.FilingID); got.Send.State != app.SendQueued || got.ReceiptID != "" {
		t.Fatalf("the ack rewrote the summary: %+v", got)
	}
	if n := receiptKeys(t, s); n != 2 {
		t.Fatalf("%d receipt keys, want 2", n)
	}
	wantSent(t, s, a)
	wantSent(t, s, b)
	if sum, _ := s.Summary(ctx, waiting.FilingID); sum.Send.State != app.SendQueued {
		t.Fatalf("the unacknowledged filing: %+v", sum)
	}
	mustCheck(t, s)

	n, err := s.FoldReceipts(ctx)
	if err != nil || n != 2 {
		t.Fatalf("fold: %d, %v; want 2", n, err)
	}
	if n := receiptKeys(t, s); n != 0 {
		t.Fatalf("%d receipt keys left after the fold", n)
	}
	if got := storedSummary(t, s, a.FilingID); got.Send.State != app.SendSent || got.ReceiptID != "receipt-"+a.RevisionID {
		t.Fatalf("stored summary after the fold: %+v", got)
	}
	wantSent(t, s, a)
	wantSent(t, s, b)
	mustCheck(t, s)
	if n, err := s.FoldReceipts(ctx); err != nil || n != 0 {
		t.Fatalf("second fold: %d, %v", n, err)
	}
}

// TestWriteFoldsReceipt: the next write of a summary (here the bureau's
// decision arriving) takes the receipt with it and removes the key.
func TestWriteFoldsReceipt(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, WithSyncInterval(0))
	it := mustSubmit(t, s, "霍邱县城关镇网格化管理平台")
	ackAll(t, s, it)
	accept := app.Transition{At: time.Now(), Actor: "李审核", Role: app.RoleReviewer, Action: app.ActionAccept,
		From: app.StatusSubmitted, To: app.StatusPreliminary, RevisionID: it.RevisionID, RevisionNumber: 1}
	if err := s.ApplyChanges(ctx, "c1", []Change{{Kind: app.MessageDecision, FilingID: it.FilingID, Transition: accept}}); err != nil {
		t.Fatal(err)
	}
	if n := receiptKeys(t, s); n != 0 {
		t.Fatalf("%d receipt keys after the decision", n)
	}
	got := storedSummary(t, s, it.FilingID)
	if got.Status != app.StatusPreliminary || got.Send.State != app.SendSent || got.ReceiptID != "receipt-"+it.RevisionID {
		t.Fatalf("stored summary after the decision: %+v", got)
	}
	wantSent(t, s, it)
	mustCheck(t, s)
}

// TestStaleReceiptIsDropped: a late acknowledgement of a revision the
// filing has moved past neither shows nor stays.
func TestStaleReceiptIsDropped(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, WithSyncInterval(0))
	it := mustSubmit(t, s, "霍邱县城关镇网格化管理平台")
	stale := it
	stale.Seq, stale.RevisionID = it.Seq+100, "an-older-revision"
	ackAll(t, s, stale)
	if sum, _ := s.Summary(ctx, it.FilingID); sum.Send.State != app.SendQueued {
		t.Fatalf("a stale receipt shows: %+v", sum)
	}
	if n, err := s.FoldReceipts(ctx); err != nil || n != 1 {
		t.Fatalf("fold: %d, %v", n, err)
	}
	if n := receiptKeys(t, s); n != 0 {
		t.Fatalf("%d receipt keys after the fold", n)
	}
	if sum, _ := s.Summary(ctx, it.FilingID); sum.Send.State != app.SendQueued {
		t.Fatalf("after the fold: %+v", sum)
	}
	mustCheck(t, s)
}

// TestRequeueLostSeesUnfoldedReceipts: a filing delivered but not yet
// folded is as delivered to RequeueLost as a folded one; a bureau restored
// from an older backup gets both again.
func TestRequeueLostSeesUnfoldedReceipts(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, WithSyncInterval(0))
	folded := deliveredFolded(t, s, "霍邱县城关镇网格化管理平台")
	unfolded := mustSubmit(t, s, "霍邱县智慧社区管理平台")
	ackAll(t, s, unfolded)
	added, err := s.RequeueLost(ctx, map[string]int{})
	if err != nil || len(added) != 2 {
		t.Fatalf("requeued %d (%v), want both", len(added), err)
	}
	for _, it := range []OutboxItem{folded, unfolded} {
		if sum, _ := s.Summary(ctx, it.FilingID); sum.Send.State != app.SendQueued || sum.ReceiptID != "" {
			t.Fatalf("requeued filing: %+v", sum)
		}
	}
	if n := receiptKeys(t, s); n != 0 {
		t.Fatalf("%d receipt keys after the requeue", n)
	}
	mustCheck(t, s)
}

// TestBackgroundFoldsReceipts: the background loop folds receipts once the
// acknowledgements stop, and after a restart folds what the last run left.
func TestBackgroundFoldsReceipts(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, WithSyncInterval(0)) // no background loop
	if err != nil {
		t.Fatal(err)
	}
	left := mustSubmit(t, s, "霍邱县城关镇网格化管理平台")
	ackAll(t, s, left)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenDir(t, dir, WithSyncInterval(10*time.Millisecond), withFoldDelay(50*time.Millisecond))
	waitFolded := func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for receiptKeys(t, s) > 0 {
			if time.Now().After(deadline) {
				t.Fatal("receipts not folded after 10 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFolded()
	if got := storedSummary(t, s, left.FilingID); got.Send.State != app.SendSent {
		t.Fatalf("left by the last run, after the fold: %+v", got)
	}
	it := mustSubmit(t, s, "霍邱县智慧社区管理平台")
	ackAll(t, s, it)
	waitFolded()
	if got := storedSummary(t, s, it.FilingID); got.Send.State != app.SendSent {
		t.Fatalf("after the fold: %+v", got)
	}
	wantSent(t, s, it)
	mustCheck(t, s)
}

// TestRequeueLostAfterRepeatedAck: an acknowledgement repeated after the
// fold records the receipt again; when a restored bureau then lacks the
// revision, it is queued again once, shown 待发送 until it is delivered
// anew, and a second reset does not queue it twice.
func TestRequeueLostAfterRepeatedAck(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, WithSyncInterval(0))
	it := deliveredFolded(t, s, "霍邱县城关镇网格化管理平台")
	ackAll(t, s, it) // the item is gone: only the receipt is recorded again
	for round := range 2 {
		added, err := s.RequeueLost(ctx, map[string]int{})
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 - round; len(added) != want {
			t.Fatalf("round %d: requeued %d, want %d", round, len(added), want)
		}
		if sum, _ := s.Summary(ctx, it.FilingID); sum.Send.State != app.SendQueued || sum.ReceiptID != "" {
			t.Fatalf("round %d: requeued filing shows %+v", round, sum)
		}
		mustFold(t, s)
	}
	if n, _ := s.PendingCount(ctx); n != 1 {
		t.Fatalf("%d items queued, want 1", n)
	}
	mustCheck(t, s)
}

// TestOlderBinaryRefusesReceipts: a store whose receipts may wait under rc/
// is schema 3; a binary that knows only schema 2 (and would show such
// filings 待发送 for good) refuses it with the message to upgrade.
func TestOlderBinaryRefusesReceipts(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, WithSyncInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	ackAll(t, s, mustSubmit(t, s, "霍邱县城关镇网格化管理平台"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	old, err := Open(dir, withMigrations(migrations[:2]))
	if err == nil {
		old.Close()
		t.Fatal("a schema-2 binary opened a schema-3 store")
	}
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("open by a schema-2 binary: %v, want EINVALID", err)
	}
}

// TestReindexKeepsUnfoldedReceipt: rebuilding the indexes writes the
// receipt into the rebuilt summary and removes its key.
func TestReindexKeepsUnfoldedReceipt(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, WithSyncInterval(0))
	it := mustSubmit(t, s, "霍邱县城关镇网格化管理平台")
	ackAll(t, s, it)
	if err := s.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if n := receiptKeys(t, s); n != 0 {
		t.Fatalf("%d receipt keys after the reindex", n)
	}
	if got := storedSummary(t, s, it.FilingID); got.Send.State != app.SendSent || got.ReceiptID != "receipt-"+it.RevisionID {
		t.Fatalf("stored summary after the reindex: %+v", got)
	}
	wantSent(t, s, it)
	mustCheck(t, s)
}
