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
		if d, _ := b.wait("u1", t0.Add(time.Duration(h)*time.Hour)); d != 0 {
			t.Fatalf("hour %d: waits %v below the limit", h, d)
		}
		b.add("u1", t0.Add(time.Duration(h)*time.Hour), 400<<10)
	}
	now := t0.Add(10*time.Hour + 30*time.Minute)
	d, reached := b.wait("u1", now)
	if want := 13*time.Hour + 30*time.Minute; d != want || !reached { // hour 0 leaves at 24:00
		t.Fatalf("past the limit: waits %v (reached %v), want %v", d, reached, want)
	}
	if _, reached := b.wait("u1", now.Add(time.Minute)); reached {
		t.Error("the limit reported twice in one hour")
	}
	if d, _ := b.wait("u1", now.Add(d)); d != 0 {
		t.Errorf("after the wait: waits %v more", d)
	}
	if d, _ := b.wait("u2", now); d != 0 {
		t.Errorf("another unit waits %v", d)
	}
	free := newUploadBudget(-1)
	free.add("u1", now, 1<<40)
	if d, _ := free.wait("u1", now); d != 0 {
		t.Errorf("no limit: waits %v", d)
	}
}
