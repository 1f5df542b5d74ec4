package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
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

// run saves queued edits until ctx is done, then saves the last one.
func (s *saver) run(ctx context.Context) {
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if s.flush() != nil && s.pending() {
				s.rescue() // the window is closing (退出, a logout, a shutdown)
			}
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

func (s *saver) retryDelay() time.Duration {
	if s.retry > 0 {
		return s.retry
	}
	return 15 * time.Second
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
	if app.ErrorCode(err) == app.EUNAVAILABLE {
		// The disk is full or the store is busy: keep the edit queued, so
		// the next edit, or closing the editor, tries it again.
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
