package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// pprofDelays are when, after start, EGOVDESK_PPROF writes heap profiles.
var pprofDelays = []time.Duration{4 * time.Second, 10 * time.Second}

// With EGOVDESK_PPROF=DIR (a debugging aid, off by default; see
// scripts/memory/run) the client profiles its start: the CPU from start to
// the first heap profile (cpu-start.pprof), and the heap 4 and 10 seconds
// after start (heap-4s.pprof, heap-10s.pprof, each after a garbage
// collection), for `go tool pprof`. It prints the runtime's memory
// statistics with each heap profile on stderr.
func init() {
	if dir := os.Getenv("EGOVDESK_PPROF"); dir != "" {
		go profileStart(dir, pprofDelays)
	}
}

func profileStart(dir string, heapDelays []time.Duration) {
	start := time.Now()
	cpu, err := startCPUProfile(filepath.Join(dir, "cpu-start.pprof"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "EGOVDESK_PPROF:", err)
	}
	for i, d := range heapDelays {
		time.Sleep(time.Until(start.Add(d)))
		if i == 0 && cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if err := writeHeapProfile(filepath.Join(dir, fmt.Sprintf("heap-%s.pprof", d))); err != nil {
			fmt.Fprintln(os.Stderr, "EGOVDESK_PPROF:", err)
			return
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "EGOVDESK_PPROF at %v: heap in use %.1f MB, heap goal %.1f MB, heap idle %.1f MB (released %.1f MB), stacks %.1f MB, Go runtime total %.1f MB\n",
			d, mib(ms.HeapInuse), mib(ms.NextGC), mib(ms.HeapIdle), mib(ms.HeapReleased), mib(ms.StackSys), mib(ms.Sys))
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

func startCPUProfile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return f, nil
}

// writeHeapProfile writes the heap profile into path, after a GC so that
// the in-use figures are up to date.
func writeHeapProfile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("heap profile %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("heap profile %s: %w", path, err)
	}
	return nil
}
