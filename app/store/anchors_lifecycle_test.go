package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
)

// A later filing's anchors carry what the home screen's deadlines need
// without a document: a go-live's date, and only once it is sent; a
// performance report's type and year; and a declaration's plan year. The bureau's decision keeps them.
func TestAnchorsOfLaterFilings(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	d := newDeclaration(t, "武汉城市大脑", 2027)
	d.Declaration.PeriodStart, d.Declaration.PeriodEnd = "2027-03", "2028-06"
	mustSave(t, s, d)
	if got := anchorsOf(t, s, app.KindDeclaration, d.ID); got.PlanYear != 2027 {
		t.Fatalf("declaration's plan year: %+v", got)
	}

	live, err := app.NewFiling(app.KindGoLive, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	live.ProjectID = d.ID
	live.GoLive.ProjectName, live.GoLive.GoLiveOn = "武汉城市大脑", "2028-03-15"
	mustSave(t, s, live)
	got := anchorsOf(t, s, app.KindGoLive, d.ID)
	if got.ID != live.ID || got.On != "2028-03-15" || got.Sent || got.Name != "武汉城市大脑" {
		t.Fatalf("go-live draft: %+v", got)
	}
	if _, err := s.Submit(ctx, live.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := anchorsOf(t, s, app.KindGoLive, d.ID); !got.Sent {
		t.Errorf("submitted go-live not sent: %+v", got)
	}
	live, _ = s.Get(ctx, live.ID)
	if err := s.ApplyChanges(ctx, "c1", []Change{decision(live, app.ActionReturn, app.StatusSubmitted, app.StatusReturned, time.Now(), "日期有误")}); err != nil {
		t.Fatal(err)
	}
	if got := anchorsOf(t, s, app.KindGoLive, d.ID); got.Sent || got.On != "2028-03-15" {
		t.Errorf("a returned go-live records no go-live: %+v", got)
	}

	perf, _ := app.NewFiling(app.KindPerformance, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
	perf.ProjectID = d.ID
	perf.Performance.Type, perf.Performance.Year = app.PerformanceAnnual, 2027
	mustSave(t, s, perf)
	if got := anchorsOf(t, s, app.KindPerformance, d.ID); got.Type != string(app.PerformanceAnnual) || got.Year != 2027 || got.ID != perf.ID {
		t.Errorf("performance report: %+v", got)
	}
	mustCheck(t, s)
}
