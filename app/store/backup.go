package store

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the whole store to w in Badger's own
// backup format (one snapshot, whatever is being written meanwhile); Restore
// reads it back. Attachment files are not in the store: back them up beside
// it.
func (s *Store) Backup(w io.Writer) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if _, err := s.db.Backup(w, 0); err != nil {
		return fmt.Errorf("back up store: %w", err)
	}
	return nil
}

// Restore loads a backup written by Backup into dir, which must not exist
// or be empty, and leaves it ready for Open (which brings an older layout up
// to date). With WithEncryptionKey the restored store is encrypted. A failed restore removes what it wrote.
func Restore(dir string, r io.Reader, opts ...Option) (err error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("restore into %s: the directory is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restore into %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("restore into %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}()
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	db, err := OpenBadger(badgerOptions(dir, c))
	if err != nil {
		return fmt.Errorf("restore into %s: %w", dir, err)
	}
	if err := db.Load(r, 256); err != nil {
		db.Close()
		return fmt.Errorf("restore into %s: %w", dir, err)
	}
	if err := db.Sync(); err != nil {
		db.Close()
		return fmt.Errorf("restore into %s: %w", dir, err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	if len(c.key) > 0 {
		return writeMark(dir) // restored with WithEncryptionKey: encrypted
	}
	return nil
}
