package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
)

func TestCheckJSONText(t *testing.T) {
	for _, tc := range []struct {
		in, field string // field "" when the text is acceptable
	}{
		{`{"a":"plain 中文 \"quoted\" \\ \n"}`, ""},
		{`{"a":"\\u0000 is text, not an escape"}`, ""},
		{`{"a":"pair \ud83d\ude00 ok"}`, ""},
		{`{"a":"\u0000"}`, "a"},
		{`{"a":{"b":[1,"x","\u0000"]}}`, "a.b[2]"},
		{`{"a":"\uDC00"}`, "a"},
		{`{"a":"\ud83d"}`, "a"},
		{`{"a":"\ud83d\u0041"}`, "a"},
		{"{\"a\":\"\xff\"}", "a"},
		{"{\"k\xc3\":1}", "（字段名）"},
		{`{"a":"unterminated`, ""},
		{`{"a":"\u00`, ""},
		{`]]]}}}`, ""},
		{strings.Repeat("[", protocol.MaxJSONDepth) + strings.Repeat("]", protocol.MaxJSONDepth), ""},
		{strings.Repeat("[", protocol.MaxJSONDepth+1) + strings.Repeat("]", protocol.MaxJSONDepth+1), "[0]"},
	} {
		err := checkJSONText([]byte(tc.in))
		fields := app.FieldErrors(err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%.40q: %v", tc.in, err)
		case tc.field != "" && (len(fields) != 1 || !strings.HasPrefix(fields[0].Field, tc.field) && !strings.HasSuffix(fields[0].Field, tc.field)):
			t.Errorf("%.40q: %v (%+v), want field %s", tc.in, err, fields, tc.field)
		}
	}
}

// TestJSONDepthFitsTheAPI: the deepest request the API defines, a batch
// of bodies, nests within protocol.MaxJSONDepth.
func TestJSONDepthFitsTheAPI(t *testing.T) {
	var depth func(reflect.Type, int) int
	depth = func(t reflect.Type, seen int) int {
		if seen > 40 {
			return seen
		}
		switch t.Kind() {
		case reflect.Pointer:
			return depth(t.Elem(), seen)
		case reflect.Slice, reflect.Array, reflect.Map:
			if t.Elem().Kind() == reflect.Uint8 {
				return 0
			}
			return 1 + depth(t.Elem(), seen+1)
		case reflect.Struct:
			if t.PkgPath() == "time" {
				return 0
			}
			d := 0
			for i := range t.NumField() {
				if t.Field(i).IsExported() {
					d = max(d, depth(t.Field(i).Type, seen+1))
				}
			}
			return 1 + d
		}
		return 0
	}
	// {"submissions":[{ "body": <Body> }]}: three levels around the body.
	if d := 3 + depth(reflect.TypeFor[app.Body](), 0); d > protocol.MaxJSONDepth {
		t.Fatalf("a batch of bodies nests %d deep, more than MaxJSONDepth %d", d, protocol.MaxJSONDepth)
	} else {
		t.Logf("a batch of bodies nests %d deep", d)
	}
}

// TestNoSpaceIsA507: a write that fails for want of space (the guard's
// reserve passed, or another process filled the disk) answers 507, not a
// 500.
func TestNoSpaceIsA507(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("write part: %w", &os.PathError{Op: "write", Path: "x.part", Err: syscall.ENOSPC}),
		errors.New("submit: While appending to memtable: write /data/badger/00001.mem: no space left on device"),
	} {
		s := &Server{log: slog.New(slog.DiscardHandler)}
		w := httptest.NewRecorder()
		s.fail(w, httptest.NewRequest("POST", "/x", nil), err)
		if w.Code != http.StatusInsufficientStorage || !strings.Contains(w.Body.String(), protocol.CodeInsufficientStorage) {
			t.Errorf("%v: %d %s", err, w.Code, w.Body)
		}
	}
}

// BenchmarkCheckJSONText measures the text check on a batch of 200
// declarations, the largest request a client sends.
func BenchmarkCheckJSONText(b *testing.B) {
	d := apptest.Declaration()
	body, _, err := (app.Body{ID: "f", Kind: app.KindDeclaration, Revision: 1, RevisionID: "r", Declaration: d}).Encode()
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString(`{"submissions":[`)
	for i := range 200 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"filing_id":"f","revision_id":"r","revision":1,"body":%s,"body_sha256":"x"}`, body)
	}
	sb.WriteString(`]}`)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	t := reflect.TypeFor[protocol.BatchSubmitRequest]()
	for b.Loop() {
		// As the bureau checks a batch: the request, then each body.
		if err := checkJSON(data, t); err != nil {
			b.Fatal(err)
		}
		for range 200 {
			if err := checkBodyKeys(body); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestCheckJSONKeys(t *testing.T) {
	req := reflect.TypeFor[protocol.SubmitRequest]()
	for _, tc := range []struct {
		in, field string
	}{
		{`{"filing_id":"f","body":{"Anything":[1,{"x":"\u0000"}]},"body_sha256":"x"}`, ""}, // the body is checkBodyKeys' job
		{`{"filing_\u0069d":"f"}`, ""},
		{`{"Filing_ID":"f"}`, "Filing_ID"},
		{`{"filing_id":"f","filing_id":"g"}`, "filing_id"},
		{`{"nope":1}`, "nope"},
		{`{"attachments":[{"sha256":"a","SHA256":"b"}]}`, "attachments[0].SHA256"},
	} {
		err := checkJSON([]byte(tc.in), req)
		fields := app.FieldErrors(err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.field != "" && (len(fields) != 1 || fields[0].Field != tc.field):
			t.Errorf("%s: %v, want field %s", tc.in, err, tc.field)
		}
	}
	if err := checkBodyKeys([]byte(`{"declaration":{"Goals":"x"}}`)); len(app.FieldErrors(err)) != 1 || app.FieldErrors(err)[0].Field != "body.declaration.Goals" {
		t.Errorf("body key: %v", err)
	}
}
