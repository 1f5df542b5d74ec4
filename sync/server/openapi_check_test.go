package server_test

import (
	"encoding/json"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"egovdesk/sync/protocol"
)

// The fixture checks every answer it reads against openapi.json: the
// status must be one the operation documents, the media type one the
// document gives for it, and a JSON object must have the properties its
// schema requires. A path or method the document does not have (404, 405
// answers) is not checked.

type apiSchema struct {
	Ref        string                     `json:"$ref"`
	Type       string                     `json:"type"`
	Required   []string                   `json:"required"`
	Items      *apiSchema                 `json:"items"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type apiResponse struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema apiSchema `json:"schema"`
	} `json:"content"`
}

type apiOperation struct {
	method string
	path   *regexp.Regexp
	resp   map[string]apiResponse
}

type apiDoc struct {
	ops       []apiOperation
	responses map[string]apiResponse
	schemas   map[string]apiSchema
}

var loadAPIDoc = sync.OnceValues(func() (*apiDoc, error) {
	var raw struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Responses map[string]apiResponse `json:"responses"`
			Schemas   map[string]apiSchema   `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(protocol.OpenAPI, &raw); err != nil {
		return nil, err
	}
	doc := &apiDoc{responses: raw.Components.Responses, schemas: raw.Components.Schemas}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for p, item := range raw.Paths {
		re := regexp.MustCompile("^" + param.ReplaceAllString(strings.ReplaceAll(regexp.QuoteMeta(p), `\{`, "{"), "[^/]+") + "$")
		for m, opRaw := range item {
			var op struct {
				Responses map[string]apiResponse `json:"responses"`
			}
			if json.Unmarshal(opRaw, &op) != nil || op.Responses == nil {
				continue
			}
			doc.ops = append(doc.ops, apiOperation{method: strings.ToUpper(m), path: re, resp: op.Responses})
		}
	}
	return doc, nil
})

func (d *apiDoc) schema(s apiSchema) apiSchema {
	for i := 0; s.Ref != "" && i < 8; i++ {
		s = d.schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// checkAnswer checks one answer against the document.
func checkAnswer(tb testing.TB, method, target string, status int, h http.Header, body []byte) {
	tb.Helper()
	doc, err := loadAPIDoc()
	if err != nil {
		tb.Fatalf("openapi.json: %v", err)
	}
	path, _, _ := strings.Cut(target, "?")
	if method == http.MethodHead {
		method = http.MethodGet // documented with GET where not on its own
		for _, op := range doc.ops {
			if op.method == http.MethodHead && op.path.MatchString(path) {
				method = http.MethodHead
			}
		}
	}
	var op *apiOperation
	for i := range doc.ops {
		if doc.ops[i].method == method && doc.ops[i].path.MatchString(path) {
			op = &doc.ops[i]
			break
		}
	}
	if op == nil {
		return
	}
	r, ok := op.resp[strconv.Itoa(status)]
	if !ok {
		r, ok = op.resp["default"]
	}
	if !ok {
		tb.Errorf("openapi.json: %s %s answered %d, which the operation does not document: %.300s", method, path, status, body)
		return
	}
	for i := 0; r.Ref != "" && i < 8; i++ {
		r = doc.responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	if len(body) == 0 || len(r.Content) == 0 || method == http.MethodHead {
		return
	}
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	c, ok := r.Content[mt]
	if !ok {
		c, ok = r.Content["*/*"]
	}
	if !ok {
		tb.Errorf("openapi.json: %s %s answered %d as %q, documented as %v", method, path, status, mt, keys(r.Content))
		return
	}
	if !strings.HasSuffix(mt, "json") {
		return
	}
	s := doc.schema(c.Schema)
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		tb.Errorf("openapi.json: %s %s answered %d with JSON that does not parse: %v", method, path, status, err)
		return
	}
	objs := []any{v}
	if s.Type == "array" && s.Items != nil {
		arr, _ := v.([]any)
		objs, s = arr, doc.schema(*s.Items)
	}
	for _, o := range objs {
		m, ok := o.(map[string]any)
		if !ok {
			continue
		}
		for _, req := range s.Required {
			if _, ok := m[req]; !ok {
				tb.Errorf("openapi.json: %s %s answered %d without the required %q: %.300s", method, path, status, req, body)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
