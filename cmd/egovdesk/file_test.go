package main

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A write that fails half-way (a full disk) must leave the old file as it
// was: the truncated temporary file is never renamed over it.
func TestWriteFileKeepsOldOnFailedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session.json")
	if err := writeFile(path, []byte(`{"old":true}`)); err != nil {
		t.Fatal(err)
	}
	writeTemp = func(f *os.File, b []byte) (int, error) {
		n, _ := f.Write(b[:len(b)/2])
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	t.Cleanup(func() { writeTemp = (*os.File).Write })
	err := writeFile(path, []byte(`{"new":"a longer content that will be cut"}`))
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("writeFile = %v, want ENOSPC from the write", err)
	}
	got, rerr := os.ReadFile(path)
	if rerr != nil || string(got) != `{"old":true}` {
		t.Fatalf("after a failed write the file holds %q (%v), want the old content", got, rerr)
	}
	left, _ := filepath.Glob(path + ".*")
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}
