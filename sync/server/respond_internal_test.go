package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
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

// A request the client gave up on (a slow upload's chunk it resumes later)
// fails with the request's context cancelled: that is logged at Info, not
// as an ERROR with status 500 that sends an administrator looking (found
// on a bad link). A store's own failure still is an error.
func TestAbandonedRequestIsNoError(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("PATCH", "/api/v1/attachments/x", nil).WithContext(ctx)
	s.fail(httptest.NewRecorder(), r, fmt.Errorf("complete upload x: %w", context.Canceled))
	if strings.Contains(logs.String(), "level=ERROR") || strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "abandoned by the client") {
		t.Errorf("an abandoned request logged:\n%s", logs.String())
	}
	logs.Reset()
	r = httptest.NewRequest("PATCH", "/api/v1/attachments/x", nil)
	s.fail(httptest.NewRecorder(), r, fmt.Errorf("complete upload x: %w", context.Canceled)) // not the client's
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a store's cancelled operation, the client still there:\n%s", logs.String())
	}
}
