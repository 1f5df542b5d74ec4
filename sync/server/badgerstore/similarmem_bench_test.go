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
	n := 100_000
	if v := os.Getenv("SIMILAR_LOAD_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	s, err := Open(context.Background(), b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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
