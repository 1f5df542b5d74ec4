package e2e

import (
	"os"
	"strconv"
	"testing"
)

// defaultSeed is the seed of every randomised schedule unless EGOV_E2E_SEED
// names another.
const defaultSeed = 20261122

// testSeed returns the seed of the test's random choices and, should the
// test fail, says how to run it again with the same seed.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(defaultSeed)
	if s := os.Getenv("EGOV_E2E_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("EGOV_E2E_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d", seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("failed with seed %d; run again with EGOV_E2E_SEED=%d go test -run '^%s$' ./sync/e2e", seed, seed, t.Name())
		}
	})
	return seed
}

// testingBig reports whether the slow variants (10^6 stored events) should
// run: EGOV_E2E_BIG=1.
func testingBig() bool { return os.Getenv("EGOV_E2E_BIG") == "1" }
