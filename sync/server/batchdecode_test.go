package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
)

// decodedSubmission must have the fields of protocol.SubmitRequest, with
// the same names, tags and types but for the body.
func TestDecodedSubmissionMirrorsSubmitRequest(t *testing.T) {
	want, got := reflect.TypeFor[protocol.SubmitRequest](), reflect.TypeFor[decodedSubmission]()
	if want.NumField() != got.NumField() {
		t.Fatalf("%d fields, protocol.SubmitRequest has %d", got.NumField(), want.NumField())
	}
	for i := range want.NumField() {
		w, g := want.Field(i), got.Field(i)
		if w.Name != g.Name || w.Tag != g.Tag || (w.Type != g.Type && w.Name != "Body") {
			t.Errorf("field %d: %s %s %s, protocol.SubmitRequest has %s %s %s", i, g.Name, g.Type, g.Tag, w.Name, w.Type, w.Tag)
		}
	}
	if f, _ := got.FieldByName("Body"); f.Type != reflect.TypeFor[app.Body]() {
		t.Errorf("Body is %s", f.Type)
	}
}

// oldDecodeBatch is how the bureau decoded a batch before decodeBatch: each
// body kept as a json.RawMessage.
func oldDecodeBatch(data []byte) ([]protocol.SubmitRequest, error) {
	var req protocol.BatchSubmitRequest
	if err := decodeBytes(data, &req); err != nil {
		return nil, batchDecodeError(data, err)
	}
	return req.Submissions, nil
}

// checkDecodeBatch fails unless decodeBatch answers data as the old way
// does: the same error, or the same submissions with the same body bytes,
// and bodies that app.DecodeBody of those bytes gives (with the same shape
// problems). It returns whether the one-pass way was taken.
func checkDecodeBatch(t *testing.T, data []byte) bool {
	t.Helper()
	fast := false
	for _, workers := range []int{1, 2, 3} {
		fast = checkDecodeBatchWith(t, data, workers)
	}
	return fast
}

func checkDecodeBatchWith(t *testing.T, data []byte, workers int) bool {
	t.Helper()
	defer func(n int) { minShare = n }(minShare)
	minShare = 1
	reqs, bodies, err := decodeBatch(data, workers)
	old, oldErr := oldDecodeBatch(data)
	if fmt.Sprint(err) != fmt.Sprint(oldErr) {
		t.Fatalf("%s:\nerror %v\nwas   %v", data, err, oldErr)
	}
	if err != nil {
		return false
	}
	if len(old) == 0 && len(reqs) == 0 {
		return bodies != nil
	}
	if !reflect.DeepEqual(reqs, old) {
		t.Fatalf("%s:\ndecoded %+v\nwas     %+v", data, reqs, old)
	}
	if bodies == nil {
		return false
	}
	if len(bodies) != len(reqs) {
		t.Fatalf("%d bodies for %d submissions", len(bodies), len(reqs))
	}
	for i := range reqs {
		want, wantErr := app.DecodeBody(reqs[i].Body)
		if app.ErrorMessage(wantErr) != "" && len(app.FieldErrors(wantErr)) == 0 {
			t.Fatalf("%s: body %d decoded in one pass, but alone: %v", data, i, wantErr)
		}
		if !reflect.DeepEqual(bodies[i], want) {
			t.Fatalf("%s: body %d\ndecoded %+v\nalone   %+v", data, i, bodies[i], want)
		}
		if err := bodies[i].CheckShape(); fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(app.FieldErrors(err), app.FieldErrors(wantErr)) {
			t.Fatalf("%s: body %d: shape %v, alone %v", data, i, err, wantErr)
		}
	}
	return true
}

func batchSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var reqs []protocol.SubmitRequest
	for i, k := range []app.Kind{app.KindDeclaration, app.KindDeclaration, app.KindDeclaration, app.KindDeclaration} {
		f, err := app.NewFiling(k, fmt.Sprintf("f-%d", i), fmt.Sprintf("r-%d", i), "u", time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
		if err != nil {
			tb.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		f.Declaration.ProjectName = `含"引号"、\反斜杠、{括号}与[方括号]的项目` + fmt.Sprint(i)
		f.Attachments = []app.Attachment{{Material: "proposal", Name: "a.pdf", SHA256: strings.Repeat("a", 64), Size: 3}}
		r, err := protocol.NewSubmitRequest(f.Body())
		if err != nil {
			tb.Fatal(err)
		}
		reqs = append(reqs, r)
	}
	plain, err := json.Marshal(protocol.BatchSubmitRequest{Submissions: reqs})
	if err != nil {
		tb.Fatal(err)
	}
	indented, err := json.MarshalIndent(protocol.BatchSubmitRequest{Submissions: reqs}, " ", "\t")
	if err != nil {
		tb.Fatal(err)
	}
	body := string(reqs[0].Body)
	one := func(format string) []byte { return []byte(fmt.Sprintf(format, body)) }
	var edited [][]byte
	for _, e := range bodyEdits {
		if !strings.Contains(body, e[0]) {
			tb.Fatalf("body has no %s", e[0])
		}
		b := strings.Replace(body, e[0], e[1], 1)
		edited = append(edited, []byte(`{"submissions":[{"filing_id":"f-0","body":`+b+`},{"filing_id":"f-1","body":`+body+`}]}`))
	}
	return append([][]byte{
		plain,
		indented,
		[]byte(`{"submissions":[]}`),
		[]byte(`{"submissions":null}`),
		[]byte(`{}`),
		[]byte(`{"submissions":[null]}`),
		[]byte(`{"submissions":[{}]}`),
		[]byte(`{"submissions":[{"body":null}]}`),
		[]byte(`{"submissions":[{"body":"x"}]}`),
		[]byte(`{"submissions":[{"body":12}]}`),
		[]byte(`{"submissions":[{"body":[]}]}`),
		[]byte(`{"submissions":[{"body":{}}]}`),
		[]byte(`{"submissions":[{"body":{"unknown":1}}]}`),
		[]byte(`{"submissions":[{"body":{"id":"x","kind":"declaration","revision":1,"revision_id":"y","declaration":{"total_investment":1.5}}}]}`),
		[]byte(`{"submissions":[{"body":{"id":"x","kind":"declaration","revision":1,"revision_id":"y","declaration":{"total_investment":"15"}}},{"body":{}}]}`),
		[]byte(`{"submissions":[{"body":{"id":"x","ID":"z","kind":"declaration","revision":1,"revision_id":"y","declaration":{},"declaration":{"plan_year":2027}}}]}`),
		one(`{"submissions":[{"filing_id":"f-0","body":%s,"body":{}}]}`),
		one(`{"submissions":[{"filing_id":"f-0","Body":%s}]}`),
		one(`{"submissions":[{"filing_id":"f-0","b\u006fdy":%s}]}`),
		one(`{"submissions":[{"filing_id":"f-0","BODY":{},"body":%s}]}`),
		one(`{"Submissions":[{"body":%s}]}`),
		one(`{"ſubmissions":[{"body":%s}]}`),
		one(`{"submissions":[{"body":%s}],"submissions":[]}`),
		one(`{"submissions":[{"body":%s,"extra":1}]}`),
		one(`{"submissions":[{"body":%s}]} `),
		one(`{"submissions":[{"body":%s}]}}`),
		one(`{"submissions":[{"body":%s}]} x`),
		one(`{"submissions":[{"body":%s}]`),
		one(` { "submissions" : [ { "body" : %s , "revision" : 1 } , { "body":{}} ] } `),
		one(`{"submissions":[{"body":%s},{"body":{}},{"body":{"id":"x"}},{"body":{}} ]}`),
		one("{\"submissions\":[{\"body\":%s,\"filing_id\":\"\xff\"}]}"),
		one(`{"submissions":[{"body":%s,"attachments":[{"sha256":"a","size":1,"name":"n","x":1}]}]}`),
		one(`{"submissions":[{"body":%s,"attachments":[{"sha256":"a","SIZE":1,"name":"n"}]}]}`),
		one(`{"submissions":[{"body":%s},{"body":{}},{"body":{"id":"x"}} {"body":{}} ]}`),
		one(`{"submissions":[{"body":%s},{"body":{}},{"body":{"id":"x"}},,{"body":{}} ]}`),
		one(`{"submissions":[{"body":%s},{"body":{}},{"body":{"id":"x"},{"body":{}} ]}`),
		one(`{"submissions":[{"body":%s},{"body":{}},{"body":{"id":"x"}}},{"body":{}} ]}`),
		one(`{"submissions":[{"body":%s},{"body":{}},{"body":{"id":"x\"}},{"body":{}} ]}`),
		one(`{"submissions":[{"body":%s},{"body":{}},{"body":{"id":"x}"}},{"body":{}} ]}`),
		one(`{"submissions":[{"filing_id":"f-0","revision_id":"r-0","revision":1,"body":%s,"body_sha256":"00","attachments":[{"sha256":"a","size":1,"name":"n"}]}]}`),
	}, edited...)
}

// bodyEdits change the client's body in ways the decoders could read
// differently: keys in other cases, escapes, invalid UTF-8 and UTF-16,
// numbers in other forms, nulls, repeated and unknown fields.
var bodyEdits = [][2]string{
	{`"kind":`, `"\u212aind":`}, // KELVIN SIGN folds to k
	{`"kind":`, `"KIND":`},
	{`"kind":`, `"\u006bind":`},
	{`"security":`, `"ſecurity":`}, // LATIN SMALL LETTER LONG S folds to s
	{`"declaration":`, `"Declaration":`},
	{`"project_name":"`, `"project_name":"\ud800`},
	{`"project_name":"`, `"project_name":"\udc00\ud800x`},
	{`"project_name":"`, `"project_name":"\ud83d\ude00`},
	{`"project_name":"`, "\"project_name\":\"\xff\xfe"},
	{`"project_name":"`, "\"project_name\":\"\xed\xa0\x80"},
	{`"project_name":"`, `"project_name":"\u0000\t\/\b\f`},
	{`"plan_year":2027`, `"plan_year":2027.0`},
	{`"plan_year":2027`, `"plan_year":-0`},
	{`"plan_year":2027`, `"plan_year":2e3`},
	{`"plan_year":2027`, `"plan_year":null`},
	{`"plan_year":2027`, `"plan_year":"2027"`},
	{`"plan_year":2027`, `"plan_year":99999999999999999999`},
	{`"plan_year":2027`, `"plan_year":2027,"plan_year":2028`},
	{`"revision":1`, `"revision":1e0`},
	{`"revision":1`, `"revision":1,"declaration":null`},
	{`"total_investment":`, `"total_investment":1.5,"x":`},
	{`"total_investment":`, `"total_investment":-9223372036854775808,"total_investment":`},
	{`"total_investment":`, `"total_investment":"1","total_investment":`},
	{`"security":{`, `"security":null,"security":{`},
	{`"security":{`, `"security":{"level":null,`},
	{`"modules":[`, `"modules":null,"modules":[`},
	{`"modules":[`, `"modules":[{"name":"a","x":1},`},
	{`"modules":[`, `"modules":[null,`},
	{`"integrated":true`, `"integrated":"true"`},
	{`"integrated":true`, `"integrated":1`},
	{`"integrated":true`, `"integrated":null`},
	{`"service_types":[`, `"service_types":{},"service_types":[`},
	{`"attachments":[{`, `"attachments":[{"size":1.5,`},
	{`"attachments":[{`, `"attachments":[{"size":-1,`},
	{`"attachments":[{`, `"attachments":[null,{`},
	{`"declaration":{`, `"declaration":{"budget":[{"amount":1}],`},
	{`"declaration":{`, `"declaration":{"Budget":[{"AMOUNT":1}],`},
}

func TestDecodeBatchAgrees(t *testing.T) {
	fast := 0
	for i, data := range batchSeeds(t) {
		if checkDecodeBatch(t, data) {
			fast++
		} else if i < 2 {
			t.Errorf("the client's request %s did not take the one pass", data)
		}
	}
	if fast < 5 {
		t.Errorf("only %d requests took the one pass", fast)
	}
}

func FuzzDecodeBatch(f *testing.F) {
	for _, data := range batchSeeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeBatch(t, data)
	})
}
