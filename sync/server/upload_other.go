//go:build !linux

package server

import "os"

// startWriteback is a no-op where sync_file_range(2) is not available: the
// sync at the end of the chunk writes everything.
func startWriteback(*os.File, int64, int64) {}

// syncData makes f's bytes durable: fsync, F_FULLFSYNC on macOS,
// FlushFileBuffers on Windows (os.File.Sync).
func syncData(f *os.File) error { return f.Sync() }

// dropCache is a no-op where posix_fadvise(2) is not available.
func dropCache(*os.File, int64, int64) {}
