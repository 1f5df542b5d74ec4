package ui

import (
	"context"
	"testing"
	"time"

	"egovdesk/app"
)

// fullDisk is a store whose saves fail as on a full disk until freed.
type fullDisk struct {
	*memStore
	full bool
}

func (s *fullDisk) Save(ctx context.Context, f *app.Filing) error {
	if s.full {
		return app.Errorf(app.EUNAVAILABLE, "本机磁盘空间不足")
	}
	return s.memStore.Save(ctx, f)
}

// TestSaverKeepsAnEditTheDiskRefused: an edit the store refused for want
// of space stays queued, so the next flush (the next edit, or closing the
// editor) stores it once there is room; nothing typed is dropped.
func TestSaverKeepsAnEditTheDiskRefused(t *testing.T) {
	st := &fullDisk{memStore: newMemStore(), full: true}
	var errs []error
	s := &saver{store: st, delay: time.Millisecond, kick: make(chan struct{}, 1), saved: func(_ time.Time, err error) { errs = append(errs, err) }}
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration.ProjectName = "城关镇智慧停车管理平台"
	s.put(f)
	if err := s.flush(); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Fatalf("flush on a full disk: %v", err)
	}
	if st.stored("f1") != nil {
		t.Fatal("stored on a full disk")
	}
	st.full = false
	if err := s.flush(); err != nil {
		t.Fatal(err)
	}
	if g := st.stored("f1"); g == nil || g.Title() != "城关镇智慧停车管理平台" {
		t.Fatalf("the refused edit was not stored once there was room: %+v", g)
	}
	if len(errs) != 2 || errs[1] != nil {
		t.Errorf("saved callbacks: %v", errs)
	}
}
