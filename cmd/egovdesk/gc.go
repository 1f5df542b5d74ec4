package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the client's GOGC. Most of the client's heap is long-lived
// (the parsed fonts, ~50 MB with the bundled CJK face; Badger's memtable),
// and at Go's default of 100 the heap may grow to twice that before a
// collection, so the process held about as much garbage as live data.
// At 50, measured under Xvfb with 10,000 filings (make memory,
// docs/benchmarks.md), RSS is ~30–40 MB lower and the first frame no later.
const gcPercent = 50

// init sets gcPercent unless GOGC in the environment says otherwise.
func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
