package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

type badgerTxn = badger.Txn

func readSummaryDirect(s *Store, id string) (*Summary, error) {
	var sum *Summary
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		sum, err = readSummary(txn, id)
		return err
	})
	return sum, err
}

func TestGrams(t *testing.T) {
	got := grams("ＡＰＰ 平台")
	want := []string{"a", "ap", "p", "pp", "台", "平", "平台"}
	if !slices.Equal(got, want) {
		t.Fatalf("grams = %q, want %q", got, want)
	}
	if app.SearchFold("Ａbc\x00Ｄ") != "abcd" {
		t.Fatalf("fold = %q", app.SearchFold("Ａbc\x00Ｄ"))
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	in := Summary{FilingRow: app.FilingRow{ID: "id", Kind: app.KindCatalogue, Status: app.StatusReturned,
		Title: "目录", PlanYear: 2026, Created: time.Unix(100, 5), Updated: time.Unix(200, 7), RevisionID: "r",
		RevisionNumber: 3, Send: app.Send{State: app.SendFailed, Reason: "网络不通"}, ReceiptID: "R", Unread: 2}}
	out, err := decodeSummary(in.encode())
	if err != nil || !slices.Equal(out.encode(), in.encode()) || out.Title != "目录" || out.Unread != 2 {
		t.Fatalf("round trip: %v %+v", err, out)
	}
	if _, err := decodeSummary(in.encode()[:10]); err == nil {
		t.Fatal("truncated summary decoded")
	}
	if out.Send != (app.Send{State: app.SendFailed, Reason: "网络不通"}) {
		t.Fatalf("send = %+v", out.Send)
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 1, 8, 0, 0, 0, time.Local)
	s := MustOpen(t, WithClock(func() time.Time { clock = clock.Add(time.Minute); return clock }))
	titles := []string{"霍邱县智慧社区管理平台", "金寨县数字乡村平台", "舒城县政务服务一体化平台",
		"霍山县应急指挥系统", "叶集区智慧教育云", "裕安区12345热线升级", "金安区APP建设"}
	ids := map[string]string{}
	for i, title := range titles {
		f := newDeclaration(t, title, 2025+i%2)
		mustSave(t, s, f)
		ids[title] = f.ID
	}
	// Renaming must move the n-gram postings.
	f, _ := s.Get(ctx, ids["叶集区智慧教育云"])
	f.Declaration.ProjectName = "叶集区智慧教育平台"
	mustSave(t, s, f)
	if _, err := s.Submit(ctx, ids["霍山县应急指挥系统"], "张三", clock.Add(-270*time.Second)); err != nil {
		t.Fatal(err)
	}

	names := func(q app.Query) []string {
		t.Helper()
		got, err := s.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range got {
			out = append(out, s.Title)
		}
		return out
	}
	for _, c := range []struct {
		q    app.Query
		want []string
	}{
		{app.Query{Limit: 2}, []string{"叶集区智慧教育平台", "金安区APP建设"}},
		{app.Query{Text: "平台"}, []string{"叶集区智慧教育平台", "舒城县政务服务一体化平台", "金寨县数字乡村平台", "霍邱县智慧社区管理平台"}},
		{app.Query{Text: "平台", Offset: 1, Limit: 2}, []string{"舒城县政务服务一体化平台", "金寨县数字乡村平台"}},
		{app.Query{Text: "智慧 平台"}, []string{"叶集区智慧教育平台", "霍邱县智慧社区管理平台"}},
		{app.Query{Text: "教育云"}, nil},
		{app.Query{Text: "ａｐｐ"}, []string{"金安区APP建设"}},
		{app.Query{Text: "县"}, []string{"霍山县应急指挥系统", "舒城县政务服务一体化平台", "金寨县数字乡村平台", "霍邱县智慧社区管理平台"}},
		{app.Query{Text: "社区管理平台"}, []string{"霍邱县智慧社区管理平台"}},
		// Words typed without a space, when nothing has them as typed.
		{app.Query{Text: "社区平台"}, []string{"霍邱县智慧社区管理平台"}},
		{app.Query{Text: "智慧平台"}, []string{"叶集区智慧教育平台", "霍邱县智慧社区管理平台"}},
		{app.Query{Text: "乡村平台的"}, nil}, // 乡村, 平台的: no title has 平台的
		{app.Query{Text: "应急系统"}, []string{"霍山县应急指挥系统"}},
		{app.Query{Status: app.StatusSubmitted}, []string{"霍山县应急指挥系统"}},
		{app.Query{Status: app.StatusDraft, PlanYear: 2026, Text: "平台"}, []string{"金寨县数字乡村平台"}},
		{app.Query{PlanYear: 2026}, []string{"裕安区12345热线升级", "霍山县应急指挥系统", "金寨县数字乡村平台"}},
		{app.Query{Kind: app.KindCatalogue}, nil},
	} {
		if got := names(c.q); !slices.Equal(got, c.want) {
			t.Errorf("List(%+v) = %q, want %q", c.q, got, c.want)
		}
	}

	cs, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Total != 7 || cs.ByKind[app.KindDeclaration] != 7 || cs.Drafts != 6 ||
		cs.ByStatus[app.StatusSubmitted] != 1 || cs.Outbox != 1 || cs.Unread != 0 {
		t.Fatalf("counts = %+v", cs)
	}
	mustCheck(t, s)
}

// The scan path (many candidates) and the lookup path (few) agree.
func TestSearchManyCandidates(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	for i := range pointLookupMax + 50 {
		mustSave(t, s, newDeclaration(t, fmt.Sprintf("第%d号智慧平台", i), 2026))
	}
	got, err := s.List(ctx, app.Query{Text: "智慧平台", Limit: 10, Offset: 5})
	if err != nil || len(got) != 10 {
		t.Fatalf("%v, %d results", err, len(got))
	}
	all, _ := s.List(ctx, app.Query{Text: "智慧平台"})
	if len(all) != pointLookupMax+50 {
		t.Fatalf("%d results, want %d", len(all), pointLookupMax+50)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Updated.After(all[i-1].Updated) {
			t.Fatal("not newest first")
		}
	}
	if one, _ := s.List(ctx, app.Query{Text: "第17号"}); len(one) != 1 || one[0].Title != "第17号智慧平台" {
		t.Fatalf("第17号: %+v", one)
	}
}

// Autosaves within listGranularity leave the index entries in place unless
// something a list shows changes; Get and Check stay exact.
func TestListGranularity(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.Local)
	s := MustOpen(t, WithClock(func() time.Time { return clock }))
	f := newDeclaration(t, "霍邱县智慧社区管理平台", 2026)
	other := newDeclaration(t, "金寨县数字乡村平台", 2026)
	mustSave(t, s, f)
	clock = clock.Add(10 * time.Second)
	mustSave(t, s, other)
	first := func() app.FilingRow {
		t.Helper()
		got, err := s.List(ctx, app.Query{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return got[0]
	}
	clock = clock.Add(20 * time.Second)
	f.Declaration.Goals = "改了内容"
	mustSave(t, s, f) // 30 s after it moved: stays behind other
	if got := first(); got.ID != other.ID {
		t.Fatalf("content-only autosave moved the filing: first is %s", got.Title)
	}
	mustCheck(t, s)
	if g, _ := s.Get(ctx, f.ID); !g.Updated.Equal(clock) {
		t.Fatalf("Get.Updated = %v, want %v", g.Updated, clock)
	}
	clock = clock.Add(time.Second)
	f.Declaration.ProjectName = "霍邱县智慧社区综合管理平台"
	mustSave(t, s, f) // a new title shows at once
	if got := first(); got.ID != f.ID || got.Title != "霍邱县智慧社区综合管理平台" {
		t.Fatalf("rename not listed first: %+v", got)
	}
	clock = clock.Add(2 * time.Minute)
	mustSave(t, s, other) // a minute later the time moves it again
	if got := first(); got.ID != other.ID || !got.Updated.Equal(clock) {
		t.Fatalf("after a minute: %+v", got)
	}
	mustCheck(t, s)
}
