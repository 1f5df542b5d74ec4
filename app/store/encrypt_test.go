package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

const secretSentence = "建设全县统一的城乡低保对象动态监测预警平台，覆盖十二个乡镇"

var testKey = bytes.Repeat([]byte{0x5a}, 32)

// envOptions are the options every test and benchmark store opens with:
// encrypted with testKey when EGOVDESK_STORE_ENCRYPTED=1, so that the whole
// suite and the benchmarks can run on an encrypted store.
func envOptions() []Option {
	if os.Getenv("EGOVDESK_STORE_ENCRYPTED") == "1" {
		return []Option{WithEncryptionKey(testKey)}
	}
	return nil
}

// grepDir returns the files under dir that contain any of needles.
func grepDir(t *testing.T, dir string, needles ...[]byte) []string {
	t.Helper()
	var hits []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range needles {
			if bytes.Contains(data, n) {
				hits = append(hits, p)
				break
			}
		}
		return nil
	})
	return hits
}

// fillStore saves and submits n filings whose goals hold secretSentence
// and returns each one as Get returns it, as JSON.
func fillStore(t *testing.T, s *Store, n int) map[string]string {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		f := newDeclaration(t, fmt.Sprintf("低保监测平台 %d", i), 2026)
		f.Declaration.Goals = strings.Repeat(secretSentence+"。", 1+i%40) // small and value-log sized
		mustSave(t, s, f)
		if i%3 == 0 {
			if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	return snapshot(t, s)
}

func snapshot(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.List(context.Background(), app.Query{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		f, err := s.Get(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(f)
		got[r.ID] = string(b)
	}
	return got
}

func sameFilings(t *testing.T, want, got map[string]string) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d filings, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("filing %s differs after encryption", id)
		}
	}
}

// The Done-when for the store: after a filing with a known
// sentence is written and the store closed, no file under the store's
// directory holds the sentence. Without the key the same grep finds it, so
// the test fails without encryption.
func TestEncryptedStoreHoldsNoPlaintext(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []Option
		wantHit bool
	}{
		{"plaintext", nil, true},
		{"encrypted", []Option{WithEncryptionKey(testKey)}, false},
	} {
		dir := filepath.Join(t.TempDir(), "store")
		s, err := Open(dir, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		fillStore(t, s, 30)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		hits := grepDir(t, filepath.Dir(dir), []byte(secretSentence), []byte("低保监测平台"))
		if got := len(hits) > 0; got != tc.wantHit {
			t.Errorf("%s: sentence found in %v, want found: %v", tc.name, hits, tc.wantHit)
		}
	}
	// And the encrypted store does not open without its key.
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, WithEncryptionKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir, WithEncryptionKey(bytes.Repeat([]byte{1}, 32))); err == nil {
		t.Error("the store opened with another key")
	}
}

// An existing plaintext store is migrated on the first Open with a key:
// every filing as it was, and no plaintext left on disk.
func TestEncryptExistingStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := fillStore(t, s, 120)
	s.Close()
	s, err = Open(dir, WithEncryptionKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	sameFilings(t, want, snapshot(t, s))
	mustCheck(t, s)
	s.Close()
	if hits := grepDir(t, filepath.Dir(dir), []byte(secretSentence)); len(hits) > 0 {
		t.Errorf("plaintext left after the migration: %v", hits)
	}
	ents, _ := os.ReadDir(filepath.Dir(dir))
	if len(ents) != 1 {
		t.Errorf("left beside the store: %v", ents)
	}
}

// migrateChild is the child of TestEncryptSurvivesSIGKILL: it opens the
// store with the key and kills itself with SIGKILL at step (or is killed
// by the parent after a delay when step is "").
func migrateChild(dir, step string) {
	if step != "" {
		migrateStep = func(s string) {
			if s == step {
				p, _ := os.FindProcess(os.Getpid())
				p.Kill() // SIGKILL on Unix
				time.Sleep(time.Minute)
			}
		}
	}
	s, err := Open(dir, WithEncryptionKey(testKey))
	if err != nil {
		fmt.Println("OPEN", err)
		os.Exit(1)
	}
	s.Close()
	fmt.Println("DONE")
	os.Exit(0)
}

// A migration killed with SIGKILL at any step, or at a random moment,
// leaves a store the next start opens with every filing.
func TestEncryptSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes; skipped with -short")
	}
	base := t.TempDir()
	src := filepath.Join(base, "seed")
	s, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	want := fillStore(t, s, 150)
	s.Close()
	steps := []string{"copied", "verified", "marked", "moved-old", "swapped", "", "", "", "", "", ""}
	killed := 0 // random kills that landed before the migration finished
	for i, step := range steps {
		dir := filepath.Join(base, fmt.Sprint(i), "store")
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "EGOVDESK_STORE_HELPER=encrypt", "EGOVDESK_STORE_DIR="+dir, "EGOVDESK_KILL_AT="+step)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if step == "" {
			time.Sleep(time.Duration(5+40*(i-5)) * time.Millisecond)
			cmd.Process.Kill() // SIGKILL
		}
		err := cmd.Wait()
		if step != "" && (err == nil || !strings.Contains(err.Error(), "killed")) {
			t.Fatalf("step %s: child was not killed: %v %s", step, err, out.String())
		}
		s, err := Open(dir, WithEncryptionKey(testKey))
		if err != nil {
			t.Fatalf("step %q: the next start fails: %v", step, err)
		}
		sameFilings(t, want, snapshot(t, s))
		s.Close()
		if !marked(dir) {
			t.Fatalf("step %q: the store is not marked encrypted", step)
		}
		if hits := grepDir(t, filepath.Dir(dir), []byte(secretSentence)); len(hits) > 0 {
			t.Fatalf("step %q: plaintext left: %v", step, hits)
		}
		if step == "" && !strings.Contains(out.String(), "DONE") {
			killed++
		}
		t.Logf("killed at %q (%s): recovered", step, strings.TrimSpace(out.String()))
	}
	t.Logf("%d of 6 random kills landed before the migration finished", killed)
}
