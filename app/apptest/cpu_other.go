//go:build !unix

package apptest

import "time"

// CPUTime returns 0: the CPU time of the process is not measured here.
func CPUTime() time.Duration { return 0 }
