package store

import (
	"fmt"

	"egovdesk/app"
	"egovdesk/app/badgerutil"
)

// DefaultMinFree is the free space the store keeps on its filesystem: below
// it, writes are refused with a message instead of risking the crash of a
// full disk (see guardDisk).
const DefaultMinFree = 64 << 20

// guardDisk refuses a write while the store's filesystem has less than the
// reserve free. Badger writes its memtable log through a memory map: on a
// full filesystem a page of it cannot be had and the process dies of
// SIGBUS, losing the last edit and showing nothing. Refusing while there is
// still room keeps everything already stored and lets the clerk free space;
// writes go on once there is room again. A statfs costs about a
// microsecond, so it is asked at every write rather than cached.
func (s *Store) guardDisk() error {
	if s.minFree <= 0 || s.dir == "" {
		return nil
	}
	free, err := freeBytes(s.dir)
	if err != nil || free >= s.minFree {
		return nil // cannot tell: let the write find out
	}
	return app.DiskFull(app.Errorf(app.EUNAVAILABLE, "本机磁盘空间不足（剩余 %s，至少需要 %s）：为防止数据损坏已暂停保存。请删除不需要的文件或清空回收站，刚才输入的内容仍在窗口中，有空间后会自动保存",
		mib(free), mib(s.minFree)))
}

// DiskSpace returns the free space of the store's filesystem and whether it
// is low enough to warn the clerk: under eight times the reserve below which
// writes stop (512 MB by default), long before saving is refused. ok is
// false when the space cannot be known.
func (s *Store) DiskSpace() (free int64, low, ok bool) {
	if s.minFree <= 0 || s.dir == "" {
		return 0, false, false
	}
	free, err := freeBytes(s.dir)
	if err != nil {
		return 0, false, false
	}
	return free, free < 8*s.minFree, true
}

// DiskWarning is the clerk's warning for free bytes left, "" when there is
// no need for one.
func (s *Store) DiskWarning() string {
	free, low, ok := s.DiskSpace()
	if !ok || !low {
		return ""
	}
	if free < s.minFree {
		// Not "不足 64 MB 时将暂停保存" once it has (found in a clerk's
		// walkthrough on a full disk).
		// Short enough for the bar at 1366 px (the longer line was cut
		// mid-sentence; the editor's header says the text is still there).
		return fmt.Sprintf("本机磁盘只剩 %s，已暂停保存：请删除不需要的文件或清空回收站，有空间后自动保存", mib(free))
	}
	return fmt.Sprintf("本机磁盘只剩 %s：请尽快删除不需要的文件；不足 %s 时将暂停保存", mib(free), mib(s.minFree))
}

func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// freeBytes returns the bytes of dir's filesystem available to this user.
func freeBytes(dir string) (int64, error) { return badgerutil.FreeBytes(dir) }
