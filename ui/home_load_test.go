package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"egovdesk/app"
	"egovdesk/assets"
)

// slowGetStore lists its rows at once but reads no filing until released,
// as a store of 10,000 filings whose declarations the deadlines decode.
type slowGetStore struct {
	*fakeStore
	rows    []Row
	release chan struct{}
}

func (s *slowGetStore) List(_ context.Context, q Query) ([]Row, error) {
	var out []Row
	for _, r := range s.rows {
		if q.Kind == "" || r.Kind == q.Kind {
			out = append(out, r)
		}
	}
	return out, nil
}
func (s *slowGetStore) Get(ctx context.Context, id string) (*app.Filing, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.fakeStore.Get(ctx, id)
}

// profileLink is fakeLink with a rule profile, so that the home screen
// counts the projects' deadlines.
type profileLink struct {
	*fakeLink
	prof *app.Profile
}

func (l *profileLink) Profile() *app.Profile { return l.prof }

// The home list shows the rows as soon as they are listed; the projects'
// deadlines, which read every declaration, follow when they are counted.
func TestHomeRowsDoNotWaitForDeadlines(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	st := &slowGetStore{fakeStore: &fakeStore{filings: map[string]*app.Filing{}}, release: make(chan struct{})}
	f := st.add(t, "霍邱县城关镇智慧社区管理平台")
	st.rows = []Row{{ID: f.ID, Kind: f.Kind, Status: f.Status, Title: f.Title(), Revision: 1, Updated: time.Now()}}
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
			t.Fatal("the list waited for the deadlines: no row shown while the declarations are being read")
		}
	}
	if u.home.dlStale == false {
		t.Error("the deadlines were applied before the declarations were read")
	}
	release()
	deadline = time.After(5 * time.Second)
	for u.home.dlStale {
		select {
		case f := <-queue:
			f()
		case <-deadline:
			t.Fatal("the deadlines were never applied after the declarations were read")
		}
	}
}
