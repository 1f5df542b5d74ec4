package badgerstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/storetest"
)

// A store a bureau wrote before filings were indexed by project and
// revisions by verification code (layout 2: no fp/ or rcd/ keys, no
// m/projectindex or m/verifyindex) is indexed when it opens, and marked
// layout 3, which older bureaus refuse: a project's page lists the filings
// it names, a printed code finds its revision.
func TestOpenIndexesFilingsByProjectAndCode(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := badgerstore.Options{MemTable: 4 << 20}
	st, err := badgerstore.Open(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := st.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "城关镇", Code: "CODE-u1", Created: t0}); err != nil {
		t.Fatal(err)
	}
	decl := storetest.Submission(t, "d1", "d1r", "", 1, "城关镇智慧社区")
	b := app.Body{ID: "g1", Kind: app.KindGoLive, Revision: 1, RevisionID: "g1r", ProjectID: "d1",
		GoLive: &app.GoLive{ProjectName: "城关镇智慧社区", GoLiveOn: "2027-03-01"}}
	data, sum, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	live := &bureaustore.Submission{Body: b, Request: protocol.SubmitRequest{FilingID: "g1", RevisionID: "g1r", Revision: 1, Body: data, BodySHA256: sum}}
	if _, err := st.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0, []*bureaustore.Submission{decl, live}); err != nil {
		t.Fatal(err)
	}
	// What the older bureau left: no project keys, no marker.
	if err := st.DB().Update(func(txn *badger.Txn) error {
		keys := []string{"m/projectindex", "fp/u1/d1/g1", "m/verifyindex"}
		for _, prefix := range []string{"rcd/g1r/1/", "rcd/d1r/1/"} {
			opts := badger.DefaultIteratorOptions
			opts.Prefix = []byte(prefix)
			it := txn.NewIterator(opts)
			for it.Rewind(); it.Valid(); it.Next() {
				keys = append(keys, string(it.Item().KeyCopy(nil)))
			}
			it.Close()
		}
		if len(keys) != 5 {
			return fmt.Errorf("keys to delete: %q", keys)
		}
		if err := txn.Set([]byte("m/schema"), []byte("2")); err != nil { // and its layout
			return err
		}
		for _, k := range keys {
			if _, err := txn.Get([]byte(k)); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			if err := txn.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fs, _ := st.ProjectFilings(ctx, "u1", "d1"); len(fs) != 1 {
		t.Fatalf("without its key the go-live is not found: %d filings", len(fs))
	}
	codeOf := func(sub *bureaustore.Submission) app.PrintCode {
		return app.PrintCode{RevisionID: app.CodeID(sub.Body.RevisionID), Revision: 1, BodySHA256: sub.Request.BodySHA256[:12]}
	}
	if vs, _ := st.RevisionsByCode(ctx, codeOf(live), 1); len(vs) != 0 {
		t.Fatalf("without its key the revision is found: %d", len(vs))
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err = badgerstore.Open(ctx, dir, opts); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fs, err := st.ProjectFilings(ctx, "u1", "d1")
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Filing.ID)
	}
	slices.Sort(ids)
	if err != nil || !slices.Equal(ids, []string{"d1", "g1"}) {
		t.Errorf("after opening: %v, %v", ids, err)
	}
	if err := st.DB().View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte("m/schema"))
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if string(v) != badgerstore.Schema || badgerstore.Schema != "3" {
				return fmt.Errorf("layout %s after opening, want 3 (an older bureau would write revisions without the indexes)", v)
			}
			return nil
		})
	}); err != nil {
		t.Error(err)
	}
	for _, sub := range []*bureaustore.Submission{decl, live} {
		vs, err := st.RevisionsByCode(ctx, codeOf(sub), 1)
		if err != nil || len(vs) != 1 || vs[0].RevisionID != sub.Body.RevisionID {
			t.Errorf("revision %s by its code after opening: %+v, %v", sub.Body.RevisionID, vs, err)
		}
	}
}
