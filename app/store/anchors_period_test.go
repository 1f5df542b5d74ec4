package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/assets"
)

// asSchema4 rewrites the summaries of ids as the schema-4 code wrote them:
// a declaration's anchors end with its facts, without the construction
// period and the approved amount.
func asSchema4(tb testing.TB, s *Store, ids ...string) {
	tb.Helper()
	err := s.update(context.Background(), false, func(txn *badger.Txn) error {
		for _, id := range ids {
			sum, err := readStoredSummary(txn, id)
			if err != nil {
				return err
			}
			a := &sum.anchors
			b := sum.encode()
			b = appendString(b, a.Project)
			b = appendString(b, a.Name)
			b = appendZonedTime(b, a.ApprovedAt)
			b = appendString(b, a.CompletedOn)
			b = appendZonedTime(b, a.AcceptedAt)
			facts, _ := a.Facts.AppendBinary(nil)
			b = appendString(b, string(facts))
			if err := txn.Set([]byte("s/"+id), b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// 武汉 第二十条: "在建设期内每年年末之前" a 绩效评价报告 is due, so the
// home screen, which counts from the store's anchors alone, needs the
// construction period (period_start..period_end); 武汉's 3000万 line
// applies to the approved (核定) amount once a decision carries it. Since
// schema 5 a declaration's summary keeps both; opening a schema-4 store
// fills them in from the documents, and the yearly report appears.
func TestOpenFillsConstructionPeriod(t *testing.T) {
	ctx := context.Background()
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	wuhan := profs["wuhan"]
	dir := t.TempDir()
	s, err := Open(dir, withMigrations(migrations[:4]))
	if err != nil {
		t.Fatal(err)
	}
	d := newDeclaration(t, "武汉城市大脑", 2027)
	d.Declaration.TotalInvestment = app.Wans(3200)
	d.Declaration.PeriodStart, d.Declaration.PeriodEnd = "2027-03", "2029-12"
	mustSave(t, s, d)
	if _, err := s.Submit(ctx, d.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	d, _ = s.Get(ctx, d.ID)
	approve := decision(d, app.ActionApprove, app.StatusPreliminary, app.StatusApproved,
		time.Date(2027, 2, 20, 10, 0, 0, 0, time.Local), "核定总投资 2800 万元")
	approve.Transition.Approved = app.Wans(2800)
	err = s.ApplyChanges(ctx, "c1", []Change{
		decision(d, app.ActionAccept, app.StatusSubmitted, app.StatusPreliminary, time.Date(2027, 2, 1, 10, 0, 0, 0, time.Local), ""),
		approve,
	})
	if err != nil {
		t.Fatal(err)
	}
	asSchema4(t, s, d.ID)
	due := func(now time.Time) []string {
		t.Helper()
		all, err := s.Anchors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, pd := range wuhan.ProjectDeadlines(all, now) {
			out = append(out, pd.ID+" "+pd.Due.Format("2006-01-02"))
		}
		return out
	}
	if got := anchorsOf(t, s, app.KindDeclaration, d.ID); got.PeriodStart != "" || got.Approved != 0 {
		t.Fatalf("a schema-4 summary: %+v", got)
	}
	if got := due(time.Date(2027, 5, 1, 9, 0, 0, 0, time.Local)); slices.Contains(got, "performance_report 2027-12-31") {
		t.Fatalf("without the period the schema-4 store already counts 第二十条: %v", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenDir(t, dir)
	got := anchorsOf(t, s, app.KindDeclaration, d.ID)
	if got.PeriodStart != "2027-03" || got.PeriodEnd != "2029-12" || got.Approved != app.Wans(2800) || got.PlanYear != 2027 ||
		got.Facts != app.FactsOf(d.Declaration) {
		t.Errorf("declaration after opening: %+v", got)
	}
	// 第二十条: the report of each year of the period is due by its last
	// day; none is sent here, so the first (2027's) stays owed, overdue,
	// after its year — and after the period — rather than dropping out.
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2027, 5, 1, 9, 0, 0, 0, time.Local), "performance_report 2027-12-31"},
		{time.Date(2028, 1, 1, 9, 0, 0, 0, time.Local), "performance_report 2027-12-31"},
		{time.Date(2030, 1, 1, 9, 0, 0, 0, time.Local), "performance_report 2027-12-31"},
	} {
		if got := due(c.now); !slices.Contains(got, c.want) {
			t.Errorf("第二十条 on %s: %v, want %s", c.now.Format("2006-01-02"), got, c.want)
		}
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

	asSchema4(t, s, d.ID)
	if err := s.Check(ctx); err == nil {
		t.Error("check of a declaration's summary without its period passed")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, withMigrations(migrations[:4])); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("a schema-4 binary opened the store: %v", err)
	}
}

// 武汉 第九条 routes a school's project to its sector only when it uses
// city funds, so since schema 7 a declaration's facts keep the kinds of its
// funding sources; opening a schema-6 store fills them in, and the home
// screen's route (which decides the deadlines) follows the funds.
func TestOpenFillsFundingKinds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, withMigrations(migrations[:6]))
	if err != nil {
		t.Fatal(err)
	}
	d := newDeclaration(t, "武汉市第一中学智慧校园平台", 2027)
	d.Declaration.UnitType = app.UnitSchool
	d.Declaration.Funding = []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(600)}}
	mustSave(t, s, d)
	// What the schema-6 code kept: every fact but the funding kinds.
	unfunded := *d.Declaration
	unfunded.Funding = nil
	err = s.update(ctx, false, func(txn *badger.Txn) error {
		sum, err := readStoredSummary(txn, d.ID)
		if err != nil {
			return err
		}
		sum.anchors.Facts = app.FactsOf(&unfunded)
		return txn.Set([]byte("s/"+d.ID), sum.encodeStored())
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := anchorsOf(t, s, app.KindDeclaration, d.ID); got.Facts != app.FactsOf(&unfunded) {
		t.Fatal("the schema-6 summary was not written")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenDir(t, dir)
	if got := anchorsOf(t, s, app.KindDeclaration, d.ID); got.Facts != app.FactsOf(d.Declaration) || got.Facts == app.FactsOf(&unfunded) {
		t.Error("the funding kinds are not filled in")
	}
	mustCheck(t, s)
}
