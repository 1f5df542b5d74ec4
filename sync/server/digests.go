package server

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/emmansun/gmsm/sm3"
)

// digests hashes an attachment's bytes with SHA-256 (its name) and SM3
// (GB/T 32905, the 商用密码 digest the bureau records beside it) at once.
// As a hash.Hash its Sum is the SHA-256; sums returns both. Large writes
// hash the two in parallel, so that the receiving pipeline's hashing stage
// takes about as long as SHA-256 alone did. Its MarshalBinary state holds
// both hashes' states; a state of another form (a SHA-256 state alone,
// kept by a bureau before SM3) does not unmarshal, and the caller then
// hashes the part file again.
type digests struct {
	sha, sm hash.Hash
}

func newDigests() *digests { return &digests{sha: sha256.New(), sm: sm3.New()} }

// parallelFrom is the write size from which the two hashes run in parallel.
const parallelFrom = 64 << 10

func (d *digests) Write(p []byte) (int, error) {
	if len(p) < parallelFrom {
		d.sha.Write(p)
		d.sm.Write(p)
		return len(p), nil
	}
	var wg sync.WaitGroup
	wg.Go(func() { d.sm.Write(p) })
	d.sha.Write(p)
	wg.Wait()
	return len(p), nil
}

func (d *digests) Sum(b []byte) []byte { return d.sha.Sum(b) }
func (d *digests) Reset()              { d.sha.Reset(); d.sm.Reset() }
func (d *digests) Size() int           { return d.sha.Size() }
func (d *digests) BlockSize() int      { return d.sha.BlockSize() }

// sums returns the SHA-256 and the SM3 of what was written, lowercase hex.
func (d *digests) sums() (sha, sm string) {
	return hex.EncodeToString(d.sha.Sum(nil)), hex.EncodeToString(d.sm.Sum(nil))
}

// digestsMagic starts a digests state.
const digestsMagic = "egd2"

// MarshalBinary returns digestsMagic, the SHA-256 state's length
// (uint32, big endian), the SHA-256 state and the SM3 state.
func (d *digests) MarshalBinary() ([]byte, error) {
	a, err := d.sha.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	b, err := d.sm.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	out := append([]byte(digestsMagic), binary.BigEndian.AppendUint32(nil, uint32(len(a)))...)
	return append(append(out, a...), b...), nil
}

var errDigestsState = errors.New("not a SHA-256+SM3 hash state")

// UnmarshalBinary restores what MarshalBinary returned.
func (d *digests) UnmarshalBinary(data []byte) error {
	if len(data) < len(digestsMagic)+4 || string(data[:len(digestsMagic)]) != digestsMagic {
		return errDigestsState
	}
	data = data[len(digestsMagic):]
	n := binary.BigEndian.Uint32(data)
	data = data[4:]
	if uint64(n) > uint64(len(data)) {
		return errDigestsState
	}
	if err := d.sha.(encoding.BinaryUnmarshaler).UnmarshalBinary(data[:n]); err != nil {
		return fmt.Errorf("%w: %w", errDigestsState, err)
	}
	if err := d.sm.(encoding.BinaryUnmarshaler).UnmarshalBinary(data[n:]); err != nil {
		return fmt.Errorf("%w: %w", errDigestsState, err)
	}
	return nil
}

// fileDigests returns the SHA-256 and SM3 of a file, lowercase hex.
func fileDigests(path string) (sha, sm string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	d := newDigests()
	buf := make([]byte, 1<<20)
	if _, err := io.CopyBuffer(d, f, buf); err != nil {
		return "", "", fmt.Errorf("hash %s: %w", path, err)
	}
	sha, sm = d.sums()
	return sha, sm, nil
}
