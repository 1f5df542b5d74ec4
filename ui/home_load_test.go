package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"egovdesk/app"
	"egovdesk/assets"
)

// slowAnchorsStore lists its rows at once but reads no deadline anchors
// until released, as a store stalled by a compaction or a slow disk.
type slowAnchorsStore struct {
	*fakeStore
	rows    []app.FilingRow
	release chan struct{}
}

func (s *slowAnchorsStore) List(_ context.Context, q app.Query) ([]app.FilingRow, error) {
	var out []app.FilingRow
	for _, r := range s.rows {
		if q.Kind == "" || r.Kind == q.Kind {
			out = append(out, r)
		}
	}
	return out, nil
}
func (s *slowAnchorsStore) Anchors(ctx context.Context) ([]app.FilingAnchors, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.fakeStore.Anchors(ctx)
}

// profileLink is fakeLink with a rule profile, so that the home screen
// counts the projects' deadlines.
type profileLink struct {
	*fakeLink
	prof *app.Profile
}

func (l *profileLink) Profile() *app.Profile { return l.prof }

// The home list shows the rows as soon as they are listed; the projects'
// deadlines follow when their anchors are read and counted.
func TestHomeRowsDoNotWaitForDeadlines(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	st := &slowAnchorsStore{fakeStore: &fakeStore{filings: map[string]*app.Filing{}}, release: make(chan struct{})}
	f := st.add(t, "霍邱县城关镇智慧社区管理平台")
	st.rows = []app.FilingRow{{ID: f.ID, Kind: f.Kind, Status: f.Status, Title: f.Title(), RevisionNumber: 1, Updated: time.Now()}}
	a := test.NewTempApp(t)
	queue := make(chan func(), 64)
	u := New(a, a.NewWindow("t"), Options{Store: st, Link: &profileLink{fakeLink: &fakeLink{decisions: make(chan Decision)}, prof: profs["huoqiu"]},
		Do: func(f func()) { queue <- f }})
	released := false
	release := func() {
		if !released {
			released = true
			close(st.release)
		}
	}
	t.Cleanup(func() { release(); u.Stop() })
	u.Start()

	deadline := time.After(5 * time.Second)
	for len(u.home.rows) == 0 {
		select {
		case f := <-queue:
			f()
		case <-deadline:
			t.Fatal("the list waited for the deadlines: no row shown while the anchors are being read")
		}
	}
	if u.home.dlStale == false {
		t.Error("the deadlines were applied before the anchors were read")
	}
	release()
	deadline = time.After(5 * time.Second)
	for u.home.dlStale {
		select {
		case f := <-queue:
			f()
		case <-deadline:
			t.Fatal("the deadlines were never applied after the anchors were read")
		}
	}
}
