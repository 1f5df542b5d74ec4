package badgerstore

import (
	"fmt"
	"sync/atomic"

	"egovdesk/sync/server/bureaustore"
)

// valueThreshold is the size from which a value goes to Badger's value log
// instead of its tree (openBadger): revision bodies and most filing records
// do; the review queue's entries, index entries and counters stay in the
// tree. At 256 bytes the queue's entries went too, and a title search over
// 10⁵ queued (which reads up to 10,000 of them) took 17 ms instead of 7.
const valueThreshold = 1024

// vlogSyncFailed is how Badger v4.9.6 begins what it logs when it cannot
// sync the value log after a write (valueLog.write); the write is reported
// done all the same. TestBadgerLogsValueLogSyncFailure pins the text.
const vlogSyncFailed = "Error while curlf sync"

// syncFault is a value log that could not be synced. Badger logs it from
// the write goroutine before it writes the memtable's log and lets the
// commit return, so a commit that returns after the failure sees it.
type syncFault struct{ msg atomic.Pointer[string] }

func (f *syncFault) set(msg string) { f.msg.CompareAndSwap(nil, &msg) }

// err is nil while every sync succeeded, and from the first failure on an
// error wrapping bureaustore.ErrUnavailable: what the value log holds may
// not be on disk, and the bureau must not acknowledge anything more until
// it is restarted on a sound disk (a failed fsync is not retried: the
// pages it could not write may be lost already).
func (f *syncFault) err() error {
	if f == nil {
		return nil
	}
	if m := f.msg.Load(); m != nil {
		return fmt.Errorf("%w: Badger 未能把值日志写入磁盘（%s），请检查磁盘后重启数管局服务", bureaustore.ErrUnavailable, *m)
	}
	return nil
}
