package server

import (
	"context"
	"crypto/sha256"
	"encoding"
)

// SetSHA256OnlyUploadHash replaces the hash state in the record of unit's
// upload of sum by a SHA-256 state alone over hashed (the bytes the record
// counts), as a bureau before SM3 kept it.
func SetSHA256OnlyUploadHash(tb interface{ Fatal(...any) }, s *Server, unit, sum string, hashed []byte) {
	ctx := context.Background()
	up, err := s.store.Upload(ctx, unit, sum)
	if err != nil {
		tb.Fatal(err)
	}
	h := sha256.New()
	h.Write(hashed)
	if up.Hash, err = h.(encoding.BinaryMarshaler).MarshalBinary(); err != nil {
		tb.Fatal(err)
	}
	up.HashedTo = int64(len(hashed))
	if err := s.store.PutUpload(ctx, unit, sum, up); err != nil {
		tb.Fatal(err)
	}
}
