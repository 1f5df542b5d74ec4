package main

import (
	"os"
	"runtime/debug"
	"testing"
	"time"
)

// The client collects garbage at gcPercent unless GOGC says otherwise.
func TestGCPercent(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set in the environment")
	}
	got := debug.SetGCPercent(gcPercent)
	if got != gcPercent {
		t.Errorf("GOGC is %d, want %d", got, gcPercent)
	}
}

// The start-up's garbage is released once, as soon as allocations have
// been quiet for settledFor, and not while the start is still allocating.
func TestReleaseAfterStartWaitsForQuiet(t *testing.T) {
	window := int(settledFor / settledPoll)
	busy := 6 // ticks of heavy allocation (the start)
	var total uint64
	calls := 0
	allocated := func() uint64 {
		calls++
		if calls <= busy+1 {
			total += 10 << 20
		} else {
			total += 100 << 10 // a blinking cursor
		}
		return total
	}
	tick := make(chan time.Time)
	released := 0
	done := make(chan int)
	go func() { done <- releaseAfterStart(allocated, tick, func() { released++ }) }()
	for i := 0; ; i++ {
		select {
		case n := <-done:
			if released != 1 {
				t.Fatalf("released %d times, want once", released)
			}
			if want := busy + window; n != want {
				t.Fatalf("released after %d ticks, want %d (%d busy, then %d quiet)", n, want, busy, window)
			}
			return
		case tick <- time.Time{}:
			if i > 1000 {
				t.Fatal("never released")
			}
		}
	}
}

// A client that keeps allocating (a sync at start) is released after
// settledMax all the same.
func TestReleaseAfterStartGivesUp(t *testing.T) {
	var total uint64
	allocated := func() uint64 { total += 10 << 20; return total }
	tick := make(chan time.Time)
	released := 0
	done := make(chan int)
	go func() { done <- releaseAfterStart(allocated, tick, func() { released++ }) }()
	for {
		select {
		case n := <-done:
			if released != 1 || n != int(settledMax/settledPoll) {
				t.Fatalf("released %d times after %d ticks, want once after %d", released, n, int(settledMax/settledPoll))
			}
			return
		case tick <- time.Time{}:
		}
	}
}

// heapAllocated reads a counter that grows with allocation.
func TestHeapAllocatedGrows(t *testing.T) {
	before := heapAllocated()
	buf := make([][]byte, 0, 64)
	for range 64 {
		buf = append(buf, make([]byte, 64<<10))
	}
	if after := heapAllocated(); after < before+4<<20 || len(buf) != 64 {
		t.Fatalf("heap allocated %d → %d after 4 MB of allocations", before, after)
	}
}
