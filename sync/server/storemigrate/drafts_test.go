package storemigrate

import (
	"bytes"
	"context"
	"testing"

	"egovdesk/sync/protocol"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgstore"
	"egovdesk/sync/server/pgtest"
)

// The drafts units keep at the bureau move to PostgreSQL with their
// versions and bodies, each still its unit's alone.
func TestDraftsMigrate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src, err := badgerstore.Open(ctx, dir, badgerstore.Options{MemTable: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"u1", "u2"} {
		if err := src.AddUnit(ctx, protocol.Unit{ID: u, Name: "单位" + u, Code: "CODE-" + u, Created: t0}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(unit, id, text string, expected int64) {
		t.Helper()
		if _, err := src.PutDraft(ctx, unit, bureaustore.Draft{ID: id, SHA256: sha(text), Updated: t0, Body: []byte(`"` + text + `"`)}, expected); err != nil {
			t.Fatal(err)
		}
	}
	put("u1", "d1", "甲", 0)
	put("u1", "d1", "甲改", 1)
	put("u1", "d2", "乙", 0)
	put("u2", "d1", "丙", 0)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	dst, err := pgstore.Open(ctx, pgtest.DB(t), pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	counts, err := BadgerToPostgres(ctx, dir, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	if counts["unit_drafts"] != 3 {
		t.Errorf("migrated %d drafts, want 3", counts["unit_drafts"])
	}
	for _, c := range []struct {
		unit, id, body string
		version        int64
	}{{"u1", "d1", `"甲改"`, 2}, {"u1", "d2", `"乙"`, 1}, {"u2", "d1", `"丙"`, 1}} {
		d, err := dst.Draft(ctx, c.unit, c.id)
		if err != nil || d.Version != c.version || !bytes.Equal(d.Body, []byte(c.body)) {
			t.Errorf("%s/%s on PostgreSQL: %+v, %v; want %s at version %d", c.unit, c.id, d, err, c.body, c.version)
		}
	}
	if _, err := dst.PutDraft(ctx, "u1", bureaustore.Draft{ID: "d1", SHA256: "x", Updated: t0, Body: []byte("1")}, 1); err == nil {
		t.Error("a stale version was taken after the migration")
	}
}
