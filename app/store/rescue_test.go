package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
)

// An edit the store refused while the client closed (rescue.go) is written
// beside it, encrypted like it, and the next Open saves it as the filing's
// working copy, once.
func TestRescuedEditIsAdoptedAtTheNextOpen(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
	}{{"plain", nil}, {"encrypted", []Option{WithEncryptionKey(testKey)}}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s, err := Open(dir, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			f := newDeclaration(t, "城关镇智慧社区管理平台", 2027)
			mustSave(t, s, f)
			f.Declaration.Goals = secretSentence // typed after the last save the disk took
			if err := s.Rescue(f); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			hits := grepDir(t, filepath.Join(dir, rescueDir), []byte(secretSentence))
			if encrypted := tc.opts != nil; encrypted && len(hits) > 0 {
				t.Errorf("the rescue of an encrypted store is plain text: %v", hits)
			} else if !encrypted && len(hits) != 1 {
				t.Errorf("no rescue file holds the edit: %v", hits)
			}

			s, err = Open(dir, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Declaration.Goals != secretSentence || !slices.Equal(s.Rescued(), []string{f.ID}) {
				t.Errorf("after the next Open: goals %q, rescued %v", got.Declaration.Goals, s.Rescued())
			}
			if left, _ := os.ReadDir(filepath.Join(dir, rescueDir)); len(left) > 0 {
				t.Errorf("the adopted rescue is still there: %v", left)
			}
			s.Close()
			s, err = Open(dir, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if len(s.Rescued()) > 0 {
				t.Errorf("adopted again: %v", s.Rescued())
			}
		})
	}
}

// A rescue names a file by its filing's ID: anything but a UUID is refused.
func TestRescueRefusesANameThatIsNoID(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"", "../../x", "urn:uuid:" + uuid.NewString(), "{" + uuid.NewString() + "}"} {
		if err := s.Rescue(&app.Filing{ID: id, Kind: app.KindDeclaration}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("Rescue(%q): %v", id, err)
		}
	}
}

// A rescue never comes back over what was saved after it, nor brings back
// a draft deleted since (found by a clerk on a full disk: the rescue
// overwrote the goals typed and saved once space was back).
func TestRescueNeverOverwritesLaterWork(t *testing.T) {
	for _, later := range []string{"saved", "deleted"} {
		t.Run(later, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			f := newDeclaration(t, "城关镇智慧社区管理平台", 2027)
			mustSave(t, s, f)
			rescued := *f
			d := *f.Declaration
			d.Goals = "旧的目标"
			rescued.Declaration = &d
			if err := s.Rescue(&rescued); err != nil {
				t.Fatal(err)
			}
			if got := s.PendingRescue(f.ID); got == nil || got.Declaration.Goals != "旧的目标" {
				t.Fatalf("PendingRescue: %+v", got)
			}
			time.Sleep(2 * time.Millisecond)
			switch later {
			case "saved":
				f.Declaration.Goals = "后来保存的目标"
				if err := s.Save(ctx, f); err != nil {
					t.Fatal(err)
				}
			case "deleted":
				if err := s.DeleteDraft(ctx, f.ID); err != nil {
					t.Fatal(err)
				}
			}
			if got := s.PendingRescue(f.ID); got != nil {
				t.Errorf("PendingRescue after the filing was %s: %q", later, got.Declaration.Goals)
			}
			s.Close()
			s, err = Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if len(s.Rescued()) > 0 {
				t.Errorf("adopted over a filing %s since: %v", later, s.Rescued())
			}
			if a := s.SetAsideRescues(); len(a) != 1 || a[0] != f.ID {
				t.Errorf("the rescue kept aside is not reported: %v", a)
			}
			g, err := s.Get(ctx, f.ID)
			switch {
			case later == "saved" && (err != nil || g.Declaration.Goals != "后来保存的目标"):
				t.Errorf("the later save: %v %+v", err, g)
			case later == "deleted" && err == nil:
				t.Errorf("the deleted draft came back: %q", g.Title())
			}
			left, _ := os.ReadDir(filepath.Join(dir, rescueDir))
			if len(left) != 1 || !strings.HasSuffix(left[0].Name(), map[string]string{"saved": ".stale", "deleted": ".deleted"}[later]) {
				t.Errorf("the outdated rescue is not kept aside: %v", left)
			}
		})
	}
}
