package server

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads everything whatever the announced size.
func TestReadAll(t *testing.T) {
	data := []byte(strings.Repeat("申报书", 1000))
	for _, size := range []int64{-1, 0, 1, 100, int64(len(data)) - 1, int64(len(data)), int64(len(data)) + 100} {
		for name, r := range map[string]io.Reader{
			"whole":    bytes.NewReader(data),
			"one byte": iotest.OneByteReader(bytes.NewReader(data)),
			"half":     iotest.HalfReader(bytes.NewReader(data)),
			"data EOF": iotest.DataErrReader(bytes.NewReader(data)),
		} {
			got, err := readAll(r, size)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("size %d, %s: %d bytes, %v", size, name, len(got), err)
			}
		}
	}
	boom := errors.New("boom")
	if _, err := readAll(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)), 10); err != boom {
		t.Errorf("error %v, want %v", err, boom)
	}
}
