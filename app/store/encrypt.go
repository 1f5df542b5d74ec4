package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// WithEncryptionKey opens the store encrypted at rest with Badger's own
// encryption: key (16, 24 or 32 bytes; egovdesk uses the 32-byte data key,
// AES-256) is Badger's master key, which encrypts the data keys Badger
// keeps in its KEYREGISTRY file; those encrypt every table, value-log and
// memtable file, and Badger makes a new one every EncryptionRotation.
// Badger only does AES (CTR mode on each block).
//
// A store written without encryption (every client before this) is
// migrated by Open: see encryptExisting.
func WithEncryptionKey(key []byte) Option { return func(c *config) { c.key = key } }

// EncryptionRotation is how often Badger makes a new data key of an
// encrypted store (its default, stated here).
const EncryptionRotation = 10 * 24 * time.Hour

// encryptedMark is the file in an encrypted store's directory that says it
// is encrypted and, during a migration, that the copy was verified.
const encryptedMark = "EGOVDESK-ENCRYPTED"

// migrateStep is called at each step of encryptExisting (the crash test
// kills the process there).
var migrateStep = func(string) {}

func marked(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, encryptedMark))
	return err == nil
}

func exists(dir string) bool {
	_, err := os.Stat(dir)
	return err == nil
}

func emptyDir(dir string) bool {
	ents, err := os.ReadDir(dir)
	return err == nil && len(ents) == 0
}

// writeMark writes the mark into dir and syncs it and dir.
func writeMark(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, encryptedMark), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString("This Badger store is encrypted with egovdesk's data key (keys.json beside it).\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return SyncDir(dir)
}

// prepareEncrypted makes dir ready to open with c.key: a new store is
// marked encrypted, a plaintext store is migrated (encryptExisting), and a
// migration a crash interrupted is finished or undone.
func prepareEncrypted(dir string, c *config) error {
	if c.inMemory || len(c.key) == 0 {
		return nil
	}
	enc, old := dir+".encrypting", dir+".plaintext"
	parent := filepath.Dir(dir)
	if !exists(dir) {
		// Killed between the two renames of the swap.
		switch {
		case exists(enc) && marked(enc):
			if err := os.Rename(enc, dir); err != nil {
				return err
			}
		case exists(old):
			if err := os.Rename(old, dir); err != nil {
				return err
			}
		}
		if err := SyncDir(parent); err != nil {
			return err
		}
	}
	if marked(dir) {
		return errors.Join(os.RemoveAll(enc), os.RemoveAll(old))
	}
	if !exists(dir) || emptyDir(dir) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		return writeMark(dir)
	}
	return encryptExisting(dir, enc, old, c)
}

// encryptExisting migrates the plaintext store dir: a consistent copy
// through Badger's backup stream into a new encrypted store enc, verified
// key by key (the count and every value's bytes, so every filing), marked,
// and swapped in with two renames (dir → old, enc → dir). A crash leaves
// either the old store (the copy is discarded and made again) or the
// verified new one (prepareEncrypted finishes the swap).
func encryptExisting(dir, enc, old string, c *config) error {
	if err := os.RemoveAll(enc); err != nil {
		return err
	}
	plain := *c
	plain.key = nil
	src, err := OpenBadger(badgerOptions(dir, &plain))
	if err != nil {
		return fmt.Errorf("encrypt store: open the old store: %w", err)
	}
	defer func() {
		if src != nil {
			src.Close()
		}
	}()
	dst, err := OpenBadger(badgerOptions(enc, c))
	if err != nil {
		return fmt.Errorf("encrypt store: %w", err)
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := src.Backup(pw, 0)
		pw.CloseWithError(err)
	}()
	err = dst.Load(pr, 256)
	pr.CloseWithError(errors.New("load ended")) // unblocks Backup if Load failed
	if err == nil {
		err = dst.Sync()
	}
	migrateStep("copied")
	if err == nil {
		err = sameContents(src, dst)
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(enc)
		return fmt.Errorf("encrypt store: %w", err)
	}
	migrateStep("verified")
	if err := writeMark(enc); err != nil {
		return fmt.Errorf("encrypt store: %w", err)
	}
	migrateStep("marked")
	err = src.Close()
	src = nil
	if err != nil {
		return fmt.Errorf("encrypt store: close the old store: %w", err)
	}
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("encrypt store: %w", err)
	}
	if err := SyncDir(filepath.Dir(dir)); err != nil {
		return err
	}
	migrateStep("moved-old")
	if err := os.Rename(enc, dir); err != nil {
		return fmt.Errorf("encrypt store: %w", err)
	}
	if err := SyncDir(filepath.Dir(dir)); err != nil {
		return err
	}
	migrateStep("swapped")
	return os.RemoveAll(old)
}

// sameContents checks that a and b hold the same keys with the same values.
func sameContents(a, b *badger.DB) error {
	ta, tb := a.NewTransaction(false), b.NewTransaction(false)
	defer ta.Discard()
	defer tb.Discard()
	ia, ib := ta.NewIterator(badger.DefaultIteratorOptions), tb.NewIterator(badger.DefaultIteratorOptions)
	defer ia.Close()
	defer ib.Close()
	n := 0
	ia.Rewind()
	ib.Rewind()
	for ; ia.Valid(); ia.Next() {
		if !ib.Valid() {
			return fmt.Errorf("the copy has %d keys, the store more", n)
		}
		ka, kb := ia.Item().Key(), ib.Item().Key()
		if !bytes.Equal(ka, kb) {
			return fmt.Errorf("key %d differs: %q in the store, %q in the copy", n, ka, kb)
		}
		va, err := ia.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		vb, err := ib.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if !bytes.Equal(va, vb) {
			return fmt.Errorf("the value of %q differs in the copy", ka)
		}
		n++
		ib.Next()
	}
	if ib.Valid() {
		return fmt.Errorf("the copy has more keys than the store's %d", n)
	}
	return nil
}
