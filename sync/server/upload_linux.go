//go:build linux

package server

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback starts writing bytes [off, off+n) of f to disk without
// waiting for it, so that the sync at the end of the chunk only waits for
// the last of them. It is a hint: errors are ignored, syncData reports them.
func startWriteback(f *os.File, off, n int64) {
	if n > 0 {
		_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
	}
}

// syncData makes f's bytes, and the size that reaches them, durable:
// fdatasync, as the timestamps are not needed to read the bytes back.
func syncData(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		switch err {
		case nil:
			return nil
		case unix.EINTR:
			continue
		}
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
	}
}

// dropCache evicts bytes [off, off+n) of f, synced already, from the page
// cache. The bureau does not read an attachment back soon, and the next
// chunk then reuses the pages just freed instead of taking fresh ones, which
// in a VM cost the host a fault each (writing 8 MiB to a file took 22 ms
// with fresh pages, 1.5 ms with reused ones). It is a hint: errors are
// ignored.
func dropCache(f *os.File, off, n int64) {
	if n > 0 {
		_ = unix.Fadvise(int(f.Fd()), off, n, unix.FADV_DONTNEED)
	}
}
