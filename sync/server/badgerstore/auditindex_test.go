package badgerstore_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
)

// A trail kept before the index by operation gets it when the store opens,
// and a search of one operation then finds what a read of the whole trail
// finds.
func TestAuditIndexByOperationOfAnOlderTrail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *badgerstore.Store {
		t.Helper()
		st, err := badgerstore.Open(ctx, dir, badgerstore.Options{MemTable: 4 << 20})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 60 {
		action := "login"
		if i%20 == 7 {
			action = "notice.send"
		}
		if _, err := st.AppendAudit(ctx, bureaustore.AuditEvent{Time: at.Add(time.Duration(i) * time.Minute), Actor: "admin",
			Action: action, Target: fmt.Sprint("t", i), Outcome: bureaustore.AuditOK}); err != nil {
			t.Fatal(err)
		}
	}
	// What a bureau of the release before left: no index by operation.
	if err := st.DB().DropPrefix([]byte("aa/"), []byte("m/auditbyaction")); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = open()
	defer st.Close()
	keys := 0
	st.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("aa/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			keys++
		}
		return nil
	})
	if keys != 60 {
		t.Fatalf("%d keys by operation after the upgrade, want 60", keys)
	}
	p, err := st.AuditEvents(ctx, bureaustore.AuditQuery{Action: "notice.send", Newest: true, Limit: 2})
	if err != nil || len(p.Events) != 2 || p.Events[0].Target != "t47" || p.Events[1].Target != "t27" || !p.More {
		t.Fatalf("the latest notices: %+v, more %v, %v", p.Events, p.More, err)
	}
	p, _ = st.AuditEvents(ctx, bureaustore.AuditQuery{Action: "notice.send", Newest: true, Before: p.Events[1].Seq})
	if len(p.Events) != 1 || p.Events[0].Target != "t7" || p.More {
		t.Fatalf("the notices before: %+v", p.Events)
	}
	p, _ = st.AuditEvents(ctx, bureaustore.AuditQuery{Action: "login", From: at.Add(50 * time.Minute)})
	if len(p.Events) != 10 || p.Events[0].Target != "t50" {
		t.Fatalf("the logins from t50: %d, first %+v", len(p.Events), p.Events)
	}
}

// A bureau of the release before, run on the store again (a rollback),
// appends records without keys by operation: the index is no longer whole,
// a search of one operation reads the trail until the next start of this
// release indexes what it appended.
func TestAuditIndexAfterAnOlderBureauAppended(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := badgerstore.Open(ctx, dir, badgerstore.Options{MemTable: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	e1, err := st.AppendAudit(ctx, bureaustore.AuditEvent{Time: at, Actor: "admin", Action: "notice.send", Target: "first", Outcome: bureaustore.AuditOK})
	if err != nil {
		t.Fatal(err)
	}
	// What the release before's AppendAudit writes: the record and the head.
	e2 := bureaustore.ChainAudit(bureaustore.AuditHead{Seq: e1.Seq, Digest: e1.Digest},
		bureaustore.AuditEvent{Time: at.Add(time.Minute), Actor: "admin", Action: "notice.send", Target: "older release", Outcome: bureaustore.AuditOK})
	rec, _ := json.Marshal(e2)
	head, _ := json.Marshal(bureaustore.AuditHead{Seq: e2.Seq, Digest: e2.Digest})
	if err := st.DB().Update(func(txn *badger.Txn) error {
		if err := txn.Set(binary.BigEndian.AppendUint64([]byte("au/"), e2.Seq), rec); err != nil {
			return err
		}
		return txn.Set([]byte("m/audithead"), head)
	}); err != nil {
		t.Fatal(err)
	}
	search := func(when string) {
		t.Helper()
		p, err := st.AuditEvents(ctx, bureaustore.AuditQuery{Action: "notice.send", Newest: true})
		if err != nil || len(p.Events) != 2 || p.Events[0].Target != "older release" {
			t.Fatalf("%s: %+v, %v", when, p.Events, err)
		}
	}
	search("before a restart")
	if _, err := st.AppendAudit(ctx, bureaustore.AuditEvent{Time: at.Add(2 * time.Minute), Actor: "admin", Action: "login", Outcome: bureaustore.AuditOK}); err != nil {
		t.Fatal(err)
	}
	search("after this release appended again")
	st.Close()
	if st, err = badgerstore.Open(ctx, dir, badgerstore.Options{MemTable: 4 << 20}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	search("after a restart")
	n := 0
	st.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("aa/notice.send\x00")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if n != 2 {
		t.Errorf("%d keys of notice.send after the restart, want 2", n)
	}
}
