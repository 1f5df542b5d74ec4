package client

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"egovdesk/sync/protocol"
)

// TestEncodeBatch: the hand-built batch is the JSON encoding/json writes for
// protocol.BatchSubmitRequest, field for field, for bodies that hash to
// their BodySHA256 and for those that do not; a body that is not JSON fails
// before anything is sent.
func TestEncodeBatch(t *testing.T) {
	var head, full []string
	for f := range reflect.TypeFor[submissionHead]().Fields() {
		head = append(head, f.Name+" "+f.Tag.Get("json"))
	}
	for f := range reflect.TypeFor[protocol.SubmitRequest]().Fields() {
		if f.Name != "Body" {
			full = append(full, f.Name+" "+f.Tag.Get("json"))
		}
	}
	if !slices.Equal(head, full) {
		t.Fatalf("submissionHead has %q, SubmitRequest (but Body) %q", head, full)
	}
	hashOf := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	body := []byte(`{"id":"f1","kind":"declaration","title":"金寨县\u003c数字乡村\u003e平台 \"一期\""}`)
	reqs := []protocol.SubmitRequest{
		{FilingID: "f1", RevisionID: "r1", Revision: 1, Body: body, BodySHA256: hashOf(body)},
		{FilingID: "f2", RevisionID: "r2", BaseRevisionID: "r0", Revision: 2, Body: []byte(" {\n\"a\": [1, 2]}\n"),
			BodySHA256: "stale", Attachments: []protocol.AttachmentRef{{SHA256: strings.Repeat("a", 64), Size: 3, Name: "立项<批复>&\"扫描件\".pdf"}}},
		{FilingID: "f3", RevisionID: "r3", Revision: 1},
	}
	got, err := encodeBatch(reqs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(protocol.BatchSubmitRequest{Submissions: reqs})
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("encodeBatch:\n%s\nencoding/json:\n%s", got, want)
	}
	if !bytes.Contains(got, body) {
		t.Fatalf("the body was not copied as it is:\n%s", got)
	}
	bad := []protocol.SubmitRequest{reqs[0], {FilingID: "f4", RevisionID: "r4", Revision: 1, Body: []byte(`{"id":`), BodySHA256: "x"}}
	if _, err := encodeBatch(bad); err == nil || !strings.Contains(err.Error(), "submission 1") {
		t.Fatalf("a body that is not JSON: %v", err)
	}
}
