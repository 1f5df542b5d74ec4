package server_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"egovdesk/sync/bureautest"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
)

// With a key, no file of the bureau's Badger store holds a submitted
// filing's text; without one the same grep finds it (so the test fails
// without encryption). The store then opens only with its key.
func TestBureauStoreEncryptedAtRest(t *testing.T) {
	if bureautest.Postgres() {
		t.Skip("Badger only")
	}
	const sentence = "建设全县统一的城乡低保对象动态监测预警平台并接入省一体化政务服务平台"
	key := bytes.Repeat([]byte{0x6b}, 32)
	for _, tc := range []struct {
		key     []byte
		wantHit bool
	}{{nil, true}, {key, false}} {
		fx := MustBureau(t, func(c *server.Config) { c.EncryptionKey = tc.key })
		f := newFiling(t, fx.unitA.ID)
		f.Declaration.Goals = sentence
		f.Declaration.ProjectName = sentence // the queue's summaries hold it as text; the body is base64 in its record
		fx.submit(fx.clerkA, f, http.StatusCreated)
		if err := fx.srv.Close(); err != nil {
			t.Fatal(err)
		}
		var hits []string
		filepath.WalkDir(filepath.Join(fx.dir, "badger"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if data, _ := os.ReadFile(p); bytes.Contains(data, []byte(sentence)) {
					hits = append(hits, p)
				}
			}
			return err
		})
		if got := len(hits) > 0; got != tc.wantHit {
			t.Errorf("key %v: sentence in %v, want found: %v", tc.key != nil, hits, tc.wantHit)
		}
		ctx := context.Background()
		dir := filepath.Join(fx.dir, "badger")
		if tc.key != nil {
			if _, err := badgerstore.Open(ctx, dir, badgerstore.Options{}); !errors.Is(err, badgerstore.ErrWrongKey) {
				t.Errorf("encrypted store opened without its key: %v", err)
			}
			if _, err := badgerstore.Open(ctx, dir, badgerstore.Options{EncryptionKey: bytes.Repeat([]byte{1}, 32)}); !errors.Is(err, badgerstore.ErrWrongKey) {
				t.Errorf("encrypted store with another key: %v", err)
			}
			st, err := badgerstore.Open(ctx, dir, badgerstore.Options{EncryptionKey: key})
			if err != nil {
				t.Fatalf("with its key: %v", err)
			}
			st.Close()
		} else if _, err := badgerstore.Open(ctx, dir, badgerstore.Options{EncryptionKey: key}); !errors.Is(err, badgerstore.ErrNotEncrypted) {
			t.Errorf("plaintext store opened with a key: %v, want ErrNotEncrypted", err)
		}
	}
}
