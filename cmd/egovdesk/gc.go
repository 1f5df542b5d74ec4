package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// gcPercent is the client's GOGC. Most of the client's heap is long-lived
// (the parsed fonts, ~35 MB with the bundled CJK faces; Badger's memtable),
// and at Go's default of 100 the heap may grow to twice that before a
// collection, so the process held about as much garbage as live data.
// At 50, measured under Xvfb with 10,000 filings (make memory,
// docs/benchmarks.md), RSS is ~30–40 MB lower and the first frame no later.
const gcPercent = 50

// The start-up's burst of allocations (the fonts parsed, the first list
// and the deadlines reading every filing's summary) is over when less than
// settledBytes were allocated in the last settledFor; releaseAfterStart
// looks every settledPoll and gives up after settledMax.
const (
	settledBytes = 2 << 20
	settledFor   = time.Second
	settledPoll  = 250 * time.Millisecond
	settledMax   = time.Minute
)

// init sets gcPercent unless GOGC in the environment says otherwise, and
// returns the start-up's garbage to the system once the start has settled.
func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	go releaseAfterStart(heapAllocated, time.Tick(settledPoll), debug.FreeOSMemory)
}

// releaseAfterStart calls release once, when the bytes allocated (read
// from allocated at every tick) grew by less than settledBytes over the
// last settledFor, or after settledMax. It returns the number of ticks it
// waited.
//
// Why: the start allocates several times the live heap (with 10,000
// filings ~100 MB for ~55 MB live), and at GOGC 50 the next collection
// only comes when the client is used again, so the dead pages stay
// resident; the runtime's scavenger returns free pages slowly. One
// collection with debug.FreeOSMemory once the start has settled gives them
// back at once: ~20 MB less RSS for a client left open at the list
// (docs/benchmarks.md). It costs one collection (a few ms of CPU, off the
// UI's goroutine, pauses under a millisecond).
func releaseAfterStart(allocated func() uint64, tick <-chan time.Time, release func()) int {
	window := int(settledFor / settledPoll)
	seen := []uint64{allocated()}
	n := 0
	for range tick {
		n++
		seen = append(seen, allocated())
		if len(seen) > window+1 {
			seen = seen[1:]
		}
		if len(seen) == window+1 && seen[window]-seen[0] < settledBytes || n >= int(settledMax/settledPoll) {
			release()
			return n
		}
	}
	return n
}

// heapAllocated returns the bytes the program has allocated on the heap
// since it started (without stopping the world, unlike ReadMemStats).
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
