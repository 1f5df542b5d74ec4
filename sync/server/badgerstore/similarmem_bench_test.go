package badgerstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// BenchmarkSimilarIndexLoad loads the similar-projects index's lists into
// memory, as Open does, from SIMILAR_LOAD_N entries (100,000 by default)
// of realistic declarations (apptest.VariedDeclaration) written to the
// store directly: ms/load is how long a bureau's console waits for the
// similar-projects panel after a start, heap-MB and B/entry what the lists
// keep in memory (the heap after a GC, the loaded index alive, less the
// heap before the load).
func BenchmarkSimilarIndexLoad(b *testing.B) {
	n := envN(b, "SIMILAR_LOAD_N", 100_000)
	s := benchStore(b)
	rng := rand.New(rand.NewPCG(1, 2))
	wb := s.db.NewWriteBatch()
	for i := range n {
		d := apptest.VariedDeclaration(rng, i)
		rec := similarRecord{Fingerprint: app.DeclarationFingerprint(d), Year: d.PlanYear, Total: d.TotalInvestment}
		if err := setJSON(wb, key("sgp", fmt.Sprintf("%08d-0000-4000-8000-000000000000", i)), rec); err != nil {
			b.Fatal(err)
		}
	}
	if err := wb.Flush(); err != nil {
		b.Fatal(err)
	}
	var heap uint64
	grams := 0
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := loadIndex(b, s)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
		grams = len(m.lists)
		runtime.KeepAlive(m)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(heap)/float64(n), "B/entry")
	b.ReportMetric(float64(grams), "bigrams")
}

// envN returns the number in the environment variable name, def when it
// is not set.
func envN(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return n
}

// benchStore opens a store in a temporary directory, closed when b ends.
func benchStore(b *testing.B) *Store {
	s, err := Open(context.Background(), b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}
