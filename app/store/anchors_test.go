package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
)

// anchorsOf returns the anchors the store gives for the filing of kind
// about project, failing the test when it gives none.
func anchorsOf(tb testing.TB, s *Store, kind app.Kind, project string) app.FilingAnchors {
	tb.Helper()
	all, err := s.Anchors(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, a := range all {
		if a.Kind == kind && a.Project == project {
			return a
		}
	}
	tb.Fatalf("no anchors of a %s of %s in %+v", kind, project, all)
	return app.FilingAnchors{}
}

func newAcceptance(tb testing.TB, project, name, completed string) *app.Filing {
	tb.Helper()
	f, err := app.NewFiling(app.KindAcceptance, uuid.NewString(), uuid.NewString(), "unit-1",
		time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local))
	if err != nil {
		tb.Fatal(err)
	}
	f.ProjectID = project
	f.Acceptance.ProjectName, f.Acceptance.CompletedOn = name, completed
	return f
}

// The summary carries the deadline anchors from the first save on, follows
// the edits of a draft without moving it in the lists, and takes the date
// of a pulled decision, in the zone the bureau gave it in.
func TestAnchorsFollowSavesAndDecisions(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	d := newDeclaration(t, "郁南县智慧农业平台", 2026)
	d.Declaration.TotalInvestment = app.Wans(120)
	mustSave(t, s, d)
	got := anchorsOf(t, s, app.KindDeclaration, d.ID)
	if got.Kind != app.KindDeclaration || got.Name != "郁南县智慧农业平台" || got.Facts != app.FactsOf(d.Declaration) ||
		!got.ApprovedAt.IsZero() {
		t.Fatalf("after the first save: %+v", got)
	}
	listed, _ := s.Summary(ctx, d.ID)
	d.Declaration.TotalInvestment = app.Wans(30) // an autosave within the minute
	mustSave(t, s, d)
	if got := anchorsOf(t, s, app.KindDeclaration, d.ID); got.Facts != app.FactsOf(d.Declaration) {
		t.Fatalf("after an edit the facts are %+v, want those of 30 万元", got.Facts)
	}
	if now, _ := s.Summary(ctx, d.ID); !now.Listed.Equal(listed.Listed) {
		t.Errorf("an edit of the amounts moved the filing in the lists")
	}

	if _, err := s.Submit(ctx, d.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	d, _ = s.Get(ctx, d.ID)
	beijing := time.FixedZone("", 8*3600)
	approved := time.Date(2026, 5, 20, 23, 30, 0, 0, time.UTC) // 5月21日 07:30 北京时间
	if time.Now().In(time.Local).Format("-0700") == "+0000" {
		approved = approved.In(beijing) // so the zone differs from the local one
	}
	err := s.ApplyChanges(ctx, "c1", []Change{
		decision(d, app.ActionAccept, app.StatusSubmitted, app.StatusPreliminary, approved.Add(-time.Hour), ""),
		decision(d, app.ActionApprove, app.StatusPreliminary, app.StatusApproved, approved, "同意立项"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got = anchorsOf(t, s, app.KindDeclaration, d.ID)
	_, wantOff := approved.Zone()
	if _, off := got.ApprovedAt.Zone(); !got.ApprovedAt.Equal(approved) || off != wantOff {
		t.Errorf("approved at %v, want %v in its own zone", got.ApprovedAt, approved)
	}
	if got.Facts != app.FactsOf(d.Declaration) {
		t.Errorf("a decision lost the facts")
	}

	a := newAcceptance(t, d.ID, "郁南县智慧农业平台", "2026-09-30")
	mustSave(t, s, a)
	if got := anchorsOf(t, s, app.KindAcceptance, d.ID); got.Project != d.ID || got.CompletedOn != "2026-09-30" || !got.AcceptedAt.IsZero() {
		t.Fatalf("acceptance after save: %+v", got)
	}
	if _, err := s.Submit(ctx, a.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	a, _ = s.Get(ctx, a.ID)
	filed := time.Date(2026, 10, 9, 10, 0, 0, 0, time.Local)
	if err := s.ApplyChanges(ctx, "c2", []Change{decision(a, app.ActionFile, app.StatusSubmitted, app.StatusFiled, filed, "")}); err != nil {
		t.Fatal(err)
	}
	if got := anchorsOf(t, s, app.KindAcceptance, d.ID); !got.AcceptedAt.Equal(filed) || got.CompletedOn != "2026-09-30" {
		t.Errorf("acceptance after the bureau filed it: %+v", got)
	}
	if got := anchorsOf(t, s, app.KindDeclaration, d.ID); !got.ApprovedAt.Equal(approved) {
		t.Errorf("the declaration's approval changed: %+v", got)
	}

	// Lists and Summary return app.FilingRow, which has no anchors: only
	// Anchors gives them.
	mustCheck(t, s)
}

// Anchors lists declarations and acceptance applications only, newest
// first as lists do, and stops with its context.
func TestAnchorsNewestFirst(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.Local)
	s := MustOpen(t, WithClock(func() time.Time { now = now.Add(2 * listGranularity); return now }))
	var ids []string
	for i, f := range []*app.Filing{newDeclaration(t, "甲", 2026), newAcceptance(t, "", "乙", ""),
		newDeclaration(t, "丙", 2026)} {
		mustSave(t, s, f)
		ids = append(ids, f.ID)
		if i == 0 {
			c, _ := app.NewFiling(app.KindCatalogue, uuid.NewString(), uuid.NewString(), "unit-1", now)
			mustSave(t, s, c)
		}
	}
	all, err := s.Anchors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range all {
		got = append(got, a.Project)
	}
	if want := []string{ids[2], ids[1], ids[0]}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("anchors of %v, want %v", got, want)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Anchors(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// A store written before schema 4 has summaries without anchors: opening it
// fills them in once; an older binary is then kept out, and Check notices a
// summary whose anchors disagree with its document.
func TestOpenFillsAnchors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, withMigrations(migrations[:3]))
	if err != nil {
		t.Fatal(err)
	}
	d := newDeclaration(t, "天宁区智慧城管平台", 2026)
	mustSave(t, s, d)
	a := newAcceptance(t, d.ID, "天宁区智慧城管平台", "2026-09-01")
	mustSave(t, s, a)
	stripAnchors(t, s, d.ID, a.ID) // as schema 3 wrote them
	if all, _ := s.Anchors(ctx); len(all) != 2 || all[0].Kind != "" || all[1].Kind != "" {
		t.Fatalf("stripped anchors: %+v", all)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenDir(t, dir)
	if got := anchorsOf(t, s, app.KindDeclaration, d.ID); got.Name != "天宁区智慧城管平台" || got.Facts != app.FactsOf(d.Declaration) {
		t.Errorf("declaration after opening: %+v", got)
	}
	if got := anchorsOf(t, s, app.KindAcceptance, d.ID); got.Project != d.ID || got.CompletedOn != "2026-09-01" {
		t.Errorf("acceptance after opening: %+v", got)
	}
	s.db.View(func(txn *badger.Txn) error {
		if v, _ := readSchema(txn); v != len(migrations) || v != 8 {
			t.Errorf("schema %d, want 8", v)
		}
		if _, err := txn.Get([]byte(keyFillAnchors)); !errors.Is(err, badger.ErrKeyNotFound) {
			t.Errorf("the request to fill in anchors is left: %v", err)
		}
		return nil
	})
	mustCheck(t, s)

	stripAnchors(t, s, d.ID)
	if err := s.Check(ctx); err == nil || !strings.Contains(err.Error(), "摘要与内容不符") {
		t.Errorf("check of a summary without its anchors: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, withMigrations(migrations[:3])); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("a schema-3 binary opened the store: %v", err)
	}
}

// stripAnchors rewrites the summaries of ids without their anchors.
func stripAnchors(tb testing.TB, s *Store, ids ...string) {
	tb.Helper()
	err := s.update(context.Background(), false, func(txn *badger.Txn) error {
		for _, id := range ids {
			sum, err := readStoredSummary(txn, id)
			if err != nil {
				return err
			}
			if err := txn.Set([]byte("s/"+id), sum.encode()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// Reading the deadline anchors of 10,000 filings, as the home screen does
// on every change.
func BenchmarkAnchors(b *testing.B) {
	s := openSeeded(b)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		all, err := s.Anchors(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n = len(all)
	}
	b.ReportMetric(float64(n), "filings")
}

// Filling in the deadline anchors of 10,000 filings, which the first Open
// after the upgrade to schema 4 does once.
func BenchmarkFillAnchors(b *testing.B) {
	s := mustOpenDir(b, copySeed(b))
	for b.Loop() {
		if _, err := s.fillAnchors(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// Trial reports saved before they were titled "…试运行报告" get the new
// title in their summary and the indexes when the store is upgraded, so the
// list, the search and Check agree with the document; a filing whose
// document cannot be read does not keep the store from opening.
func TestOpenRetitlesAndSkipsUnreadable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, withMigrations(migrations[:3]))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := app.NewFiling(app.KindTrialReport, uuid.NewString(), uuid.NewString(), "unit-1", time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local))
	if err != nil {
		t.Fatal(err)
	}
	tr.TrialReport.ProjectName = "天宁区智慧城管平台"
	mustSave(t, s, tr)
	// As an older binary wrote it: titled with the project alone.
	err = s.update(ctx, false, func(txn *badger.Txn) error {
		old, err := readSummary(txn, tr.ID)
		if err != nil {
			return err
		}
		sum := *old
		sum.Title = "天宁区智慧城管平台"
		return writeSummary(txn, old, &sum)
	})
	if err != nil {
		t.Fatal(err)
	}
	broken := newAcceptance(t, uuid.NewString(), "坏了的项目", "2026-09-01")
	mustSave(t, s, broken)
	if err := s.update(ctx, false, func(txn *badger.Txn) error { return txn.Delete([]byte("d/" + broken.ID)) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenDir(t, dir) // schema 4: the fill runs, the broken filing is skipped
	rows, err := s.List(ctx, app.Query{Text: "试运行报告"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ID != tr.ID || rows[0].Title != "天宁区智慧城管平台试运行报告" {
		t.Fatalf("search for 试运行报告 after the upgrade: %+v", rows)
	}
}
