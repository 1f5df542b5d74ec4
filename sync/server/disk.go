package server

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"

	"egovdesk/sync/protocol"
)

// diskGuard refuses writes while the data directory's filesystem is short
// of space. Badger writes its memtable log and its tables through memory
// maps: on a full filesystem a page of them cannot be had and the process
// dies of SIGBUS, with no error to answer. So the bureau stops writing
// while it still has Config.MinFreeBytes left, answers 507 with a problem,
// keeps what it acknowledged, and writes again once space is freed.
type diskGuard struct {
	dir     string
	reserve int64
	free    func(dir string) (int64, error)

	avail atomic.Int64 // free bytes last seen
	short atomic.Bool  // last seen below the reserve (for the log)
}

// room reports whether a write of n more bytes leaves the reserve free. It
// asks the filesystem each time (a statfs, about a microsecond): a cached
// answer would let writes through for a while after the disk filled.
func (g *diskGuard) room(n int64) bool {
	if g == nil || g.reserve <= 0 {
		return true
	}
	free, err := g.free(g.dir)
	if err != nil {
		return true // cannot tell: let the write find out
	}
	g.avail.Store(free)
	return free-n >= g.reserve
}

// checkDisk answers 507 for a request that writes while the disk is short
// of space. Requests that only read pass.
func (s *Server) checkDisk(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	// A body larger than any the bureau reads is refused by its route
	// (413), not taken for a full disk:
	// found from outside, an unauthenticated Content-Length of 100 GB was
	// answered 507 "存储空间不足" and logged the disk full, then free again,
	// at ERROR, once a request.
	n := min(max(r.ContentLength, 0), s.largestBody())
	if s.disk.room(n) {
		if s.disk != nil && s.disk.short.CompareAndSwap(true, false) {
			s.log.Warn("disk space is back: accepting writes again", "dir", s.cfg.DataDir, "free", s.disk.avail.Load())
		}
		return nil
	}
	if s.disk.short.CompareAndSwap(false, true) {
		s.log.Error("disk almost full: refusing writes until space is freed", "dir", s.cfg.DataDir,
			"free", s.disk.avail.Load(), "reserve", s.cfg.MinFreeBytes)
	}
	return diskFull()
}

// largestBody is the largest request body a route of the API reads: an
// upload chunk or a JSON request (a public route's is smaller still).
func (s *Server) largestBody() int64 {
	return max(s.cfg.ChunkBytes, s.cfg.MaxBodyBytes)
}

func diskFull() error {
	p := protocol.NewProblem(protocol.CodeInsufficientStorage, "数管局服务器存储空间不足，暂时无法接收；已收到的材料不受影响，请稍后重试（请通知数管局管理员清理磁盘）")
	return p
}

// noSpace reports whether err is a write that failed for want of space.
// Badger flattens OS errors into text, hence the second test.
func noSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "no space left on device")
}
