//go:build unix

package store

import "golang.org/x/sys/unix"

// freeBytes returns the bytes of dir's filesystem available to this user.
func freeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
