package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// EGOVDESK_PPROF's profiles are written where and when asked, in pprof's
// gzipped format.
func TestProfileStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	profileStart(dir, []time.Duration{20 * time.Millisecond, 40 * time.Millisecond})
	for _, name := range []string{"cpu-start.pprof", "heap-20ms.pprof", "heap-40ms.pprof"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			t.Errorf("%s is not a gzipped profile (%d bytes)", name, len(b))
		}
	}
}
