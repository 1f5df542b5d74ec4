package server

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// slowHash is a hash that takes its time, as SHA-256 and SM3 side by side
// do on a slow machine: the pipeline fills while it hashes.
type slowHash struct{ hash.Hash }

func (h slowHash) Write(p []byte) (int, error) {
	time.Sleep(20 * time.Millisecond)
	return h.Hash.Write(p)
}

// burstThenStall delivers n bytes at once, then nothing until stop closes.
type burstThenStall struct {
	r    io.Reader
	stop chan struct{}
}

func (b *burstThenStall) Read(p []byte) (int, error) {
	if n, err := b.r.Read(p); n > 0 || err != io.EOF {
		return n, err
	}
	<-b.stop
	return 0, io.ErrUnexpectedEOF
}

// TestTricklingChunkGivesBuffersBack (found from outside): a chunk sent
// fast, then a byte every ten seconds, kept its four buffers for
// MaxChunkTime. Once the burst is hashed and written, it keeps the one it
// reads into and one spare.
func TestTricklingChunkGivesBuffersBack(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "part"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pool := newChunkPool(16 << 20)
	if !pool.reserve() { // the caller's, for the first buffer
		t.Fatal("no room")
	}
	src := &burstThenStall{r: bytes.NewReader(make([]byte, 3*chunkBufSize+chunkBufSize/2)), stop: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		receiveChunk(f, slowHash{sha256.New()}, src, 0, func(*os.File) error { return nil }, func() {}, pool)
	}()
	peak := 0
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		peak = max(peak, pool.held())
		if fi, _ := f.Stat(); fi != nil && fi.Size() == 3*chunkBufSize && pool.held() <= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the burst the stalled chunk holds %d buffers (peak %d), want at most 2", pool.held(), peak)
		}
	}
	if peak < 3 {
		t.Fatalf("the burst took at most %d buffers: the test did not fill the pipeline", peak)
	}
	close(src.stop)
	<-done
	if pool.held() != 1 {
		t.Fatalf("after the chunk %d places are taken, want the caller's 1", pool.held())
	}
}
