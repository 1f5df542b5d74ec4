//go:build unix

package apptest

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user and system) this process has used so
// far, every goroutine and Badger's included, or 0 where it cannot be had:
// benchmarks report it per item next to their throughput, which it moves
// much less than when the machine is shared.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
