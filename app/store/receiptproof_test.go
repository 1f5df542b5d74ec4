package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"egovdesk/app"
)

// TestReplaceReceiptKey: a pinned key is replaced only in place of the
// key the caller saw; the change is kept in the history, oldest first, per
// bureau, and both outlast a reopen of the store.
func TestReplaceReceiptKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, envOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	const bureau, other = "https://sjj.huoqiu.gov.cn", "https://sjj.huoqiu.gov.cn:8443"
	keyA, keyB, keyC := []byte("-----A-----"), []byte("-----B-----"), []byte("-----C-----")
	at := time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)

	// Nothing pinned: nothing to replace.
	if err := s.ReplaceReceiptKey(ctx, bureau, nil, keyB, app.ReceiptKeyChange{At: at}); !errors.Is(err, ErrReceiptKeyMoved) {
		t.Fatalf("replace with none pinned: %v", err)
	}
	if _, err := s.PinReceiptKey(ctx, bureau, keyA); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PinReceiptKey(ctx, other, keyA); err != nil {
		t.Fatal(err)
	}
	// Another key than the one pinned: refused, nothing changes.
	if err := s.ReplaceReceiptKey(ctx, bureau, keyC, keyB, app.ReceiptKeyChange{OldKeyID: "c", NewKeyID: "b", At: at}); !errors.Is(err, ErrReceiptKeyMoved) {
		t.Fatalf("replace in place of a key not pinned: %v", err)
	}
	if ch, _ := s.ReceiptKeyChanges(ctx, bureau); len(ch) != 0 {
		t.Fatalf("history after a refused replacement: %+v", ch)
	}
	if err := s.ReplaceReceiptKey(ctx, bureau, keyA, keyB, app.ReceiptKeyChange{OldKeyID: "a", NewKeyID: "b", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceReceiptKey(ctx, bureau, keyB, keyC, app.ReceiptKeyChange{OldKeyID: "b", NewKeyID: "c", At: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// PinReceiptKey still keeps what is pinned.
	if got, _ := s.PinReceiptKey(ctx, bureau, keyA); string(got) != string(keyC) {
		t.Fatalf("pin after a replacement returned %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenDir(t, dir)
	if got, err := s.ReceiptKey(ctx, bureau); err != nil || string(got) != string(keyC) {
		t.Fatalf("pinned after reopen: %q, %v", got, err)
	}
	if got, _ := s.ReceiptKey(ctx, other); string(got) != string(keyA) {
		t.Fatalf("the other bureau's key: %q", got)
	}
	ch, err := s.ReceiptKeyChanges(ctx, bureau)
	if err != nil {
		t.Fatal(err)
	}
	want := []app.ReceiptKeyChange{
		{Bureau: bureau, OldKeyID: "a", NewKeyID: "b", At: at},
		{Bureau: bureau, OldKeyID: "b", NewKeyID: "c", At: at.Add(time.Hour)},
	}
	if len(ch) != len(want) {
		t.Fatalf("history %+v", ch)
	}
	for i := range want {
		if ch[i].Bureau != want[i].Bureau || ch[i].OldKeyID != want[i].OldKeyID || ch[i].NewKeyID != want[i].NewKeyID || !ch[i].At.Equal(want[i].At) {
			t.Errorf("change %d: %+v, want %+v", i, ch[i], want[i])
		}
	}
	// The other bureau (whose URL extends this one's) has no history.
	if ch, _ := s.ReceiptKeyChanges(ctx, other); len(ch) != 0 {
		t.Fatalf("history of the other bureau: %+v", ch)
	}
}
