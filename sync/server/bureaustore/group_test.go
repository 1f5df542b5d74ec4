package bureaustore

import (
	"sync"
	"testing"
	"time"
)

// TestGroupBatchesWaitingCallers: while one batch runs, the callers that
// queue meanwhile form the next batches, at most Max each, in the order
// they queued; every caller returns only after its own batch has run.
func TestGroupBatchesWaitingCallers(t *testing.T) {
	type item struct {
		n   int
		ran bool
	}
	g := Group[*item]{Max: 4}
	var mu sync.Mutex
	var batches [][]int
	release, running := make(chan struct{}), make(chan struct{})
	run := func(b []*item) {
		if b[0].n == 0 {
			close(running)
			<-release
		}
		mu.Lock()
		var ns []int
		for _, it := range b {
			it.ran = true
			ns = append(ns, it.n)
		}
		batches = append(batches, ns)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	lead := &item{n: 0}
	wg.Go(func() { g.Do(lead, run) })
	<-running
	items := make([]*item, 10)
	for i := range items {
		items[i] = &item{n: i + 1}
		wg.Go(func() {
			g.Do(items[i], run)
			if !items[i].ran {
				t.Errorf("caller %d returned before its batch ran", i+1)
			}
		})
		for deadline := time.Now().Add(5 * time.Second); g.Queued() < i+1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d callers queued, want %d", g.Queued(), i+1)
			}
		}
	}
	close(release)
	wg.Wait()
	want := [][]int{{0}, {1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10}}
	if len(batches) != len(want) {
		t.Fatalf("batches %v, want %v", batches, want)
	}
	for i := range want {
		if len(batches[i]) != len(want[i]) {
			t.Fatalf("batches %v, want %v", batches, want)
		}
		for j := range want[i] {
			if batches[i][j] != want[i][j] {
				t.Fatalf("batches %v, want %v", batches, want)
			}
		}
	}
	if b, n := g.Stats(); b != 4 || n != 11 {
		t.Fatalf("Stats: %d batches of %d items, want 4 of 11", b, n)
	}
}
