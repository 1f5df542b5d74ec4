package server

import (
	"testing"
	"time"
)

// TestUploadBudgetWindow: the day slides by the hour: a unit past the
// limit waits until enough of its oldest hours have left the last 24.
func TestUploadBudgetWindow(t *testing.T) {
	b := newUploadBudget(1 << 20)
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, h := range []int{0, 5, 10} {
		at := t0.Add(time.Duration(h) * time.Hour)
		if d, _ := b.take("u1", at, 500<<10); d != 0 {
			t.Fatalf("hour %d: waits %v below the limit", h, d)
		}
		b.add("u1", at, -100<<10) // it brought less than it took
	}
	now := t0.Add(10*time.Hour + 30*time.Minute)
	d, reached := b.take("u1", now, 1)
	if want := 13*time.Hour + 30*time.Minute; d != want || !reached { // hour 0 leaves at 24:00
		t.Fatalf("past the limit: waits %v (reached %v), want %v", d, reached, want)
	}
	if _, reached := b.take("u1", now.Add(time.Minute), 1); reached {
		t.Error("the limit reported twice in one hour")
	}
	if d, _ := b.take("u1", now.Add(d), 1); d != 0 {
		t.Errorf("after the wait: waits %v more", d)
	}
	if d, _ := b.take("u2", now, 1); d != 0 {
		t.Errorf("another unit waits %v", d)
	}
	// Concurrent takers: the first past the limit is the last admitted.
	c := newUploadBudget(1 << 20)
	admitted := 0
	for range 40 {
		if d, _ := c.take("u1", now, 300<<10); d == 0 {
			admitted++
		}
	}
	if admitted != 4 {
		t.Errorf("%d chunks of 300 KiB admitted under 1 MiB, want 4", admitted)
	}
	free := newUploadBudget(-1)
	free.add("u1", now, 1<<40)
	if d, _ := free.take("u1", now, 1); d != 0 {
		t.Errorf("no limit: waits %v", d)
	}
}
