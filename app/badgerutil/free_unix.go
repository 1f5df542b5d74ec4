//go:build unix

package badgerutil

import "golang.org/x/sys/unix"

// FreeBytes returns the bytes of dir's filesystem available to this user
// (not to root alone).
func FreeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
