package pgstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
)

// Schema is the layout version of the store, written in backups: the
// backend and the number of the last migration step.
func (s *Store) Schema() string {
	steps, err := loadMigrations(migrations)
	if err != nil {
		return "postgres"
	}
	return "postgres/" + strconv.Itoa(len(steps))
}

// Maintain does nothing: PostgreSQL's autovacuum keeps the tables. It
// returns when stop closes or ctx ends.
func (s *Store) Maintain(ctx context.Context, stop <-chan struct{}) error {
	select {
	case <-ctx.Done():
	case <-stop:
	}
	return nil
}

// Backup writes a consistent snapshot of the database to w while the
// bureau serves: pg_dump's custom format (restore it with pg_restore into
// an empty database; see docs/bureau.md). pg_dump comes with PostgreSQL's
// client programs (Debian: postgresql-client) and must be of the server's
// major version or newer.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	prog, err := pgDump()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, prog, "--format=custom", "--no-owner", "--dbname="+s.url)
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

// filesLock is the key of the session advisory lock LockFiles takes
// ("files" in ASCII).
const filesLock = 0x66696c6573

// LockFiles takes a session advisory lock on a connection of its own,
// held until release: pg_advisory_lock_shared for a backup,
// pg_try_advisory_lock for a deletion. The lock goes with the connection
// if the process dies.
func (s *Store) LockFiles(ctx context.Context, exclusive bool) (func(), bool, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock files: %w", err)
	}
	take, give := "SELECT true FROM pg_advisory_lock_shared($1)", "SELECT pg_advisory_unlock_shared($1)"
	if exclusive {
		take, give = "SELECT pg_try_advisory_lock($1)", "SELECT pg_advisory_unlock($1)"
	}
	var ok bool
	if err := conn.QueryRow(ctx, take, int64(filesLock)).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("lock files: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		// the lock must not stay with a pooled connection
		if _, err := conn.Exec(context.Background(), give, int64(filesLock)); err != nil {
			conn.Conn().Close(context.Background())
		}
		conn.Release()
	}, true, nil
}

// pgDump finds pg_dump: on PATH, else the newest under /usr/lib/postgresql.
func pgDump() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) > major(dirs[j]) })
	if len(dirs) > 0 {
		return dirs[0], nil
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("备份 PostgreSQL 上的数管局需要 pg_dump（Debian/UOS：apt install postgresql-client），或由数据库管理员用 pg_dump 备份")
}

// major is the version in /usr/lib/postgresql/<major>/bin/pg_dump.
func major(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}
