package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"egovdesk/app"
)

// saver stores the latest edit of one filing off the Fyne thread, at most
// delay after the first unsaved edit (continuous typing still saves every
// delay). The editor hands it deep copies, so the saving goroutine never
// shares memory with the widgets.
type saver struct {
	// dependencies
	store Store
	delay time.Duration
	// saved is called on the saver's goroutine after each save
	saved func(at time.Time, err error)
	// retry is how soon an edit the store could not take (a full disk)
	// is tried again with no edit after it; 15 s when 0. It said "有空间后
	// 会自动保存" and waited for the next keystroke (found in a clerk's
	// walkthrough on a full disk).
	retry time.Duration

	kick chan struct{}

	mu     sync.Mutex // guards latest
	latest *app.Filing

	saveMu sync.Mutex // one save at a time

	// detached is set when the editor closed: the saver goes on trying an
	// edit the store refused until it is stored, then ends (run). quit is
	// closed when a new editor of the filing took that edit over (take).
	detached atomic.Bool
	quit     chan struct{}
	quitOnce sync.Once
	// rescueOf names the filing whose edit kept aside this saver goes on
	// from (Store.PendingRescue): the first save that stores it removes it.
	rescueOf string
}

// put queues f (the editor's copy) to be saved. It copies f and never blocks.
func (s *saver) put(f *app.Filing) {
	c, err := copyFiling(f)
	if err != nil {
		s.saved(time.Time{}, err)
		return
	}
	s.mu.Lock()
	s.latest = c
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// run saves queued edits until ctx (the window's) is done, then saves the
// last one, or keeps it aside when the store refuses it (Store.Rescue).
// After detach it ends once nothing waits to be stored: an edit the full
// disk refused when the clerk left the editor is still tried every
// retryDelay, and a new editor of the filing takes it over (take). It was
// lost with the editor, and then kept aside only to come back over what the
// clerk saved after it (found in a clerk's walkthrough on a full disk).
func (s *saver) run(ctx context.Context) {
	var timer <-chan time.Time
	for {
		if s.detached.Load() && s.settled() {
			return
		}
		select {
		case <-ctx.Done():
			if s.flush() != nil && s.pending() {
				s.rescue() // the window is closing (退出, a logout, a shutdown)
			}
			return
		case <-s.quitC():
			return
		case <-s.kick:
			if timer == nil {
				timer = time.After(s.delay)
			}
		case <-timer:
			timer = nil
			if s.flush() != nil && s.pending() {
				timer = time.After(s.retryDelay())
			}
		}
	}
}

func (s *saver) quitC() chan struct{} {
	s.quitOnce.Do(func() {
		if s.quit == nil {
			s.quit = make(chan struct{})
		}
	})
	return s.quit
}

// detach is called when the editor closes: the saver stores what waits
// (now, or by retrying) and then ends.
func (s *saver) detach() {
	s.detached.Store(true)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// take ends a detached saver and returns the edit it had not yet stored,
// nil if none, for a new editor of the filing to go on from.
func (s *saver) take() *app.Filing {
	s.saveMu.Lock() // a save under way ends first
	defer s.saveMu.Unlock()
	s.mu.Lock()
	f := s.latest
	s.latest = nil
	s.mu.Unlock()
	q := s.quitC()
	select {
	case <-q:
	default:
		close(q)
	}
	return f
}

func (s *saver) retryDelay() time.Duration {
	if s.retry > 0 {
		return s.retry
	}
	return 15 * time.Second
}

// settled reports whether no edit waits and no save is under way: a save
// another goroutine runs (deleteDraft's) takes the edit out while it
// tries, and puts it back when the store refuses it. A detached saver
// that ended in between lost that edit (found in CI: the draft reopened
// without what was typed).
func (s *saver) settled() bool {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	return !s.pending()
}

// pending reports whether an edit waits to be stored: one not yet
// saved, or one the store could not take.
func (s *saver) pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latest != nil
}

// flush saves the queued edit now, if there is one. It blocks; call it off
// the Fyne thread. It returns the save's error.
func (s *saver) flush() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	f := s.latest
	s.latest = nil
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	// Not the UI's context: the last edit must be stored even while the
	// window is closing.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.store.Save(ctx, f)
	if err == nil && s.rescueOf != "" {
		s.store.DropRescue(s.rescueOf)
		s.rescueOf = ""
	}
	if code := app.ErrorCode(err); err != nil && code != app.EINVALID && code != app.ECONFLICT {
		// The disk is full, the store busy or failing (a write refused by
		// the filesystem, a timeout): keep the edit queued, so that it is
		// tried again, and kept aside if the window closes first. Only an
		// edit the store can never take (not a filing, an out-of-date
		// copy) is not.
		s.mu.Lock()
		if s.latest == nil {
			s.latest = f
		}
		s.mu.Unlock()
	}
	s.saved(f.Updated, err)
	return err
}

// rescue hands the edit the store refused to Store.Rescue, to be stored at
// the next start, when the window is about to close with it. It returns
// Rescue's error; nil when no edit waits.
func (s *saver) rescue() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	f := s.latest
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	if err := s.store.Rescue(f); err != nil {
		return err
	}
	s.mu.Lock()
	if s.latest == f {
		s.latest = nil
	}
	s.mu.Unlock()
	return nil
}

// copyFiling returns a deep copy of f.
func copyFiling(f *app.Filing) (*app.Filing, error) {
	data, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("copy filing %s: %w", f.ID, err)
	}
	var c app.Filing
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("copy filing %s: %w", f.ID, err)
	}
	return &c, nil
}
