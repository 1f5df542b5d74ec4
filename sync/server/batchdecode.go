package server

import (
	"bytes"
	"encoding/json"
	"sync"
	"sync/atomic"

	gojson "github.com/goccy/go-json"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// decodedSubmission is protocol.SubmitRequest with its body decoded in the
// same pass as the request (TestDecodedSubmissionMirrorsSubmitRequest keeps
// the two in step). Its raw bytes, which the hash covers and the bureau
// stores, are found by bodySpans.
type decodedSubmission struct {
	FilingID       string                   `json:"filing_id"`
	RevisionID     string                   `json:"revision_id"`
	BaseRevisionID string                   `json:"base_revision_id,omitempty"`
	Revision       int                      `json:"revision"`
	Body           app.Body                 `json:"body"`
	BodySHA256     string                   `json:"body_sha256"`
	Attachments    []protocol.AttachmentRef `json:"attachments,omitempty"`
}

// decodeBatch decodes a POST /submissions request. It returns the
// submissions and, when it could decode them in one pass, their bodies
// decoded (bodies[i] is the body of reqs[i], its keys checked by
// checkBodyKeys, its shape still to be checked); else bodies is nil and each body is to be decoded on its own
// with app.DecodeBody. It fails with an EINVALID *app.Error as
// decodeBytes and batchDecodeError do.
//
// The one pass decodes every body straight into an app.Body while the
// request is decoded, instead of keeping each as a json.RawMessage (one
// scan to skip it) and decoding it again (a scan to validate, one to
// decode): about a third of the bureau's CPU per filing. The submissions
// are split among up to workers goroutines, each decoding its share as a
// JSON array (see decodeFast). The one pass is taken only for a request in the plain form
// the client sends (see batchSpans); anything else (an unknown field in a
// body, which only the request refuses; a field named in another case or
// with escapes; a repeated "body"; a body that is not an object; any
// error) goes the way it always went, so that answers and stored bytes do
// not depend on which way a request took.
func decodeBatch(data []byte, workers int) (reqs []protocol.SubmitRequest, bodies []app.Body, err error) {
	if subs, ok := decodeBatchFast(data, workers); ok {
		reqs = make([]protocol.SubmitRequest, len(subs))
		bodies = make([]app.Body, len(subs))
		for i := range subs {
			d := &subs[i]
			reqs[i] = protocol.SubmitRequest{FilingID: d.FilingID, RevisionID: d.RevisionID,
				BaseRevisionID: d.BaseRevisionID, Revision: d.Revision, BodySHA256: d.BodySHA256,
				Attachments: d.Attachments, Body: d.raw}
			bodies[i] = d.Body
		}
		return reqs, bodies, nil
	}
	var req protocol.BatchSubmitRequest
	if err := decodeBytes(data, &req); err != nil {
		return nil, nil, batchDecodeError(data, err)
	}
	return req.Submissions, nil, nil
}

// fastSubmission is a decodedSubmission with its body's bytes.
type fastSubmission struct {
	decodedSubmission
	raw []byte
}

// decodeBatchFast is the one pass of decodeBatch. It reports false when the
// request is not in plain form or does not decode without error.
func decodeBatchFast(data []byte, workers int) ([]fastSubmission, bool) {
	elems, ok := batchSpans(data)
	if !ok {
		return nil, false
	}
	n := len(elems)
	subs := make([]decodedSubmission, n)
	workers = max(1, min(workers, (n+minShare-1)/minShare))
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		a, b := w*n/workers, (w+1)*n/workers
		decode := func() {
			if a == b {
				return
			}
			// Each body's text, keys and lists first, as checkRequest
			// would: decoded, a body of a million empty list items takes
			// gigabytes (found from outside). One that fails sends the
			// batch the way that refuses only that submission.
			for k := a; k < b; k++ {
				if checkBodyKeys(data[elems[k].body[0]:elems[k].body[1]]) != nil {
					failed.Store(true)
					return
				}
			}
			// The share as one JSON array, so that it is validated and
			// decoded in one go; its bodies are read from data.
			part := data[elems[a].start:elems[b-1].end]
			arr := make([]byte, 0, len(part)+2)
			arr = append(append(append(arr, '['), part...), ']')
			var out []decodedSubmission
			if !decodeFast(arr, &out) || len(out) != b-a {
				failed.Store(true)
				return
			}
			copy(subs[a:b], out)
		}
		if w == workers-1 {
			decode()
		} else {
			wg.Go(decode)
		}
	}
	wg.Wait()
	if failed.Load() {
		return nil, false
	}
	out := make([]fastSubmission, n)
	for i, e := range elems {
		out[i] = fastSubmission{subs[i], data[e.body[0]:e.body[1]:e.body[1]]}
	}
	return out, true
}

// decodeFast decodes data, a JSON array of submissions, into v as
// decodeJSON would, or reports false. encoding/json validates data first:
// github.com/goccy/go-json, three times as fast as encoding/json at
// decoding a body into its structs, is trusted to decode only JSON known to
// be valid, and only when it decodes without error (TestDecodeBatchAgrees
// and FuzzDecodeBatch compare it with encoding/json).
func decodeFast(data []byte, v *[]decodedSubmission) bool {
	if !json.Valid(data) {
		return false
	}
	dec := gojson.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v) == nil
}

// minShare is the fewest submissions worth a goroutine of their own.
var minShare = 16

// submitFields are the keys of a protocol.SubmitRequest as the client
// writes them.
var submitFields = map[string]bool{"filing_id": true, "revision_id": true, "base_revision_id": true,
	"revision": true, "body": true, "body_sha256": true, "attachments": true}

// elemSpan is where a submission is in a batch request, and its body.
type elemSpan struct {
	start, end int
	body       [2]int
}

// batchSpans returns where each submission of a batch request is, and its
// "body" value, as the json.RawMessage of protocol.SubmitRequest would hold
// it. It reports false unless the request is in plain form: one object
// whose only key is "submissions", an array of objects whose keys are
// spelled exactly as submitFields (no escapes, and no other case, which
// encoding/json would also match) with exactly one "body" each, an object,
// and nothing after it but what decodeBytes lets pass. It checks the JSON
// between the submissions strictly, but not the submissions themselves:
// the spans hold only if each decodes as JSON.
func batchSpans(data []byte) (elems []elemSpan, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	key, i, ok := readKey(data, i)
	if !ok || key != "submissions" {
		return nil, false
	}
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		i++
	} else {
		for {
			if i >= len(data) || data[i] != '{' {
				return nil, false
			}
			e := elemSpan{start: i, body: [2]int{-1, -1}}
			i = skipSpace(data, i+1)
			for {
				var key string
				if key, i, ok = readKey(data, i); !ok || !submitFields[key] {
					return nil, false
				}
				end := skipValue(data, i)
				if key == "body" {
					if e.body[0] >= 0 || i >= len(data) || data[i] != '{' {
						return nil, false
					}
					e.body = [2]int{i, end}
				}
				i = skipSpace(data, end)
				if i >= len(data) {
					return nil, false
				}
				if data[i] == '}' {
					break
				}
				if data[i] != ',' {
					return nil, false
				}
				i = skipSpace(data, i+1)
			}
			if e.body[0] < 0 {
				return nil, false
			}
			e.end = i + 1
			elems = append(elems, e)
			i = skipSpace(data, i+1)
			if i >= len(data) {
				return nil, false
			}
			if data[i] == ']' {
				i++
				break
			}
			if data[i] != ',' {
				return nil, false
			}
			i = skipSpace(data, i+1)
		}
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != '}' {
		return nil, false // another key after "submissions"
	}
	// What json.Decoder.More lets pass after the value (see decodeJSON).
	if i = skipSpace(data, i+1); i < len(data) && data[i] != '}' && data[i] != ']' {
		return nil, false
	}
	return elems, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// readKey reads the object key at data[i] and the colon after it, and
// returns the key and the index of the value. It reports false for a key
// with escapes or anything but a key there.
func readKey(data []byte, i int) (string, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return "", i, false
	}
	start := i + 1
	for i = start; i < len(data) && data[i] != '"'; i++ {
		if data[i] == '\\' {
			return "", i, false
		}
	}
	if i >= len(data) {
		return "", i, false
	}
	key := string(data[start:i])
	i = skipSpace(data, i+1)
	if i >= len(data) || data[i] != ':' {
		return "", i, false
	}
	return key, skipSpace(data, i+1), true
}

// skipValue returns the index just after the JSON value that starts at
// data[i], which must be valid JSON.
func skipValue(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
			continue
		case '}', ']':
			depth--
		case ' ', '\t', '\n', '\r', ',', ':':
			if depth == 0 {
				return i // end of a literal
			}
			continue
		default: // a literal: true, false, null or a number
			if depth == 0 {
				for i < len(data) && !isDelim(data[i]) {
					i++
				}
				return i
			}
			continue
		}
		if depth == 0 {
			return i + 1
		}
	}
	return i
}

func isDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}
