package protocol_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// TestSchemasMatchTypes fails when a wire type and its schema in openapi.json
// name different fields, so the document cannot drift from the Go types.
func TestSchemasMatchTypes(t *testing.T) {
	types := map[string]reflect.Type{
		"Health":                reflect.TypeFor[protocol.Health](),
		"Limits":                reflect.TypeFor[protocol.Limits](),
		"ReceiptKey":            reflect.TypeFor[protocol.ReceiptKey](),
		"LoginRequest":          reflect.TypeFor[protocol.LoginRequest](),
		"PasswordChangeRequest": reflect.TypeFor[protocol.PasswordChangeRequest](),
		"AuditRecord":           reflect.TypeFor[protocol.AuditRecord](),
		"AuditPage":             reflect.TypeFor[protocol.AuditPage](),
		"LoginResponse":         reflect.TypeFor[protocol.LoginResponse](),
		"Account":               reflect.TypeFor[protocol.Account](),
		"SubmitRequest":         reflect.TypeFor[protocol.SubmitRequest](),
		"AttachmentRef":         reflect.TypeFor[protocol.AttachmentRef](),
		"Receipt":               reflect.TypeFor[protocol.Receipt](),
		"BatchSubmitRequest":    reflect.TypeFor[protocol.BatchSubmitRequest](),
		"BatchSubmitResponse":   reflect.TypeFor[protocol.BatchSubmitResponse](),
		"BatchResult":           reflect.TypeFor[protocol.BatchResult](),
		"FilingSummary":         reflect.TypeFor[protocol.FilingSummary](),
		"FilingList":            reflect.TypeFor[protocol.FilingList](),
		"QueuePage":             reflect.TypeFor[protocol.QueuePage](),
		"QueueCounts":           reflect.TypeFor[protocol.QueueCounts](),
		"AdminDisableRequest":   reflect.TypeFor[protocol.AdminDisableRequest](),
		"AdminPasswordRequest":  reflect.TypeFor[protocol.AdminPasswordRequest](),
		"AdminAccount":          reflect.TypeFor[protocol.AdminAccount](),
		"AdminToken":            reflect.TypeFor[protocol.AdminToken](),
		"FilingDetail":          reflect.TypeFor[protocol.FilingDetail](),
		"AttachmentInfo":        reflect.TypeFor[protocol.AttachmentInfo](),
		"Transition":            reflect.TypeFor[app.Transition](),
		"DecisionRequest":       reflect.TypeFor[protocol.DecisionRequest](),
		"DecisionResponse":      reflect.TypeFor[protocol.DecisionResponse](),
		"UploadStatus":          reflect.TypeFor[protocol.UploadStatus](),
		"Change":                reflect.TypeFor[protocol.Change](),
		"ChangesResponse":       reflect.TypeFor[protocol.ChangesResponse](),
		"NoticeRequest":         reflect.TypeFor[protocol.NoticeRequest](),
		"NoticeResponse":        reflect.TypeFor[protocol.NoticeResponse](),
		"ProfileDocument":       reflect.TypeFor[protocol.ProfileDocument](),
		"FieldError":            reflect.TypeFor[app.FieldError](),
		"Problem":               reflect.TypeFor[protocol.Problem](),
		"Verification":          reflect.TypeFor[protocol.Verification](),
		"AdminUnitRequest":      reflect.TypeFor[protocol.AdminUnitRequest](),
		"Unit":                  reflect.TypeFor[protocol.Unit](),
		"AdminAccountRequest":   reflect.TypeFor[protocol.AdminAccountRequest](),
		"AdminTokenRequest":     reflect.TypeFor[protocol.AdminTokenRequest](),
		"AdminTokenResponse":    reflect.TypeFor[protocol.AdminTokenResponse](),
		"AdminRevokeRequest":    reflect.TypeFor[protocol.AdminRevokeRequest](),
		"AdminPruneRequest":     reflect.TypeFor[protocol.AdminPruneRequest](),
		"AdminCount":            reflect.TypeFor[protocol.AdminCount](),
		"RestorePage":           reflect.TypeFor[protocol.RestorePage](),
		"RestoreFiling":         reflect.TypeFor[protocol.RestoreFiling](),
		"RestoreRevision":       reflect.TypeFor[protocol.RestoreRevision](),
		"Draft":                 reflect.TypeFor[protocol.Draft](),
		"DraftPut":              reflect.TypeFor[protocol.DraftPut](),
		"DraftPage":             reflect.TypeFor[protocol.DraftPage](),
		"WithdrawRequest":       reflect.TypeFor[protocol.WithdrawRequest](),
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
				Required   []string                   `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(protocol.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for name, typ := range types {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s missing from openapi.json", name)
			continue
		}
		want := jsonFields(typ)
		var got []string
		for p := range s.Properties {
			got = append(got, p)
		}
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("schema %s has properties %v, Go type %s has %v", name, got, typ, want)
		}
		for _, r := range s.Required {
			if !slices.Contains(want, r) {
				t.Errorf("schema %s requires %q, which %s does not have", name, r, typ)
			}
		}
	}
	for name := range doc.Components.Schemas {
		if _, ok := types[name]; !ok && name != "Body" {
			t.Errorf("schema %s in openapi.json has no Go type in this test", name)
		}
	}
}

func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestOperations(t *testing.T) {
	ops, err := protocol.Operations()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"POST " + protocol.PathLogin, "PATCH " + protocol.PathAttachment, "GET " + protocol.PathHealth} {
		if !slices.Contains(ops, want) {
			t.Errorf("Operations() lacks %s", want)
		}
	}
}

func TestPath(t *testing.T) {
	got := protocol.Path(protocol.PathRevision, "f 1", "r/2")
	if want := "/api/v1/filings/f%201/revisions/r%2F2"; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("Path with too few arguments did not panic")
		}
	}()
	protocol.Path(protocol.PathRevision, "only-one")
}

func TestProblemRoundTrip(t *testing.T) {
	err := &app.Error{Code: app.EINVALID, Message: "有 1 处需要修改", Fields: []app.FieldError{{Field: "comment", Message: "请填写意见"}}}
	p := protocol.ProblemOf(err)
	if p.Status != http.StatusUnprocessableEntity || p.Code != app.EINVALID || len(p.Errors) != 1 {
		t.Fatalf("ProblemOf = %+v", p)
	}
	back := p.AppError()
	if back.Code != app.EINVALID || back.Message != err.Message || back.Fields[0].Field != err.Fields[0].Field || back.Fields[0].Message != err.Fields[0].Message {
		t.Errorf("AppError = %+v", back)
	}
	internal := protocol.ProblemOf(errors.New("badger: disk on fire"))
	if internal.Status != 500 || strings.Contains(internal.Detail, "badger") {
		t.Errorf("internal problem leaks: %+v", internal)
	}
	if c := protocol.NewProblem(protocol.CodeStaleBase, "x").AppError().Code; c != app.ECONFLICT {
		t.Errorf("stale_base maps to %s", c)
	}
}

func TestNewSubmitRequest(t *testing.T) {
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", testTime)
	if err != nil {
		t.Fatal(err)
	}
	f.Attachments = []app.Attachment{{Material: "proposal", Name: "建议书.pdf", SHA256: strings.Repeat("a", 64), Size: 10}}
	r, err := protocol.NewSubmitRequest(f.Body())
	if err != nil {
		t.Fatal(err)
	}
	data, sum, _ := f.Body().Encode()
	if string(r.Body) != string(data) || r.BodySHA256 != sum || r.Revision != 1 || len(r.Attachments) != 1 {
		t.Errorf("NewSubmitRequest = %+v", r)
	}
}

var testTime = time.Date(2027, 3, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// TestOpenAPIStatesTheLimits fails when a limit the server enforces and
// the client checks differs from what openapi.json states.
func TestOpenAPIStatesTheLimits(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					MaxLength int    `json:"maxLength"`
					Pattern   string `json:"pattern"`
				} `json:"properties"`
				TextLimits struct {
					Short          int      `json:"short"`
					Long           int      `json:"long"`
					AttachmentName int      `json:"attachment_name"`
					MaxDepth       int      `json:"max_depth"`
					MaxAmount      int64    `json:"max_amount"`
					ShortFields    []string `json:"short_fields"`
					MediaTypes     []string `json:"media_types"`
				} `json:"x-egovdesk-text-limits"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(protocol.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	tl := s["Body"].TextLimits
	short := app.ShortTextFields()
	sort.Strings(short)
	sort.Strings(tl.ShortFields)
	if tl.Short != app.MaxShortText || tl.Long != app.MaxLongText || tl.AttachmentName != app.MaxAttachmentName ||
		tl.MaxDepth != protocol.MaxJSONDepth || tl.MaxAmount != int64(app.MaxAmount) || !slices.Equal(tl.ShortFields, short) || !slices.Equal(tl.MediaTypes, app.AllowedMediaTypes()) {
		t.Errorf("x-egovdesk-text-limits = %+v\nwant short %d long %d name %d depth %d amount %d fields %v types %v", tl, app.MaxShortText,
			app.MaxLongText, app.MaxAttachmentName, protocol.MaxJSONDepth, app.MaxAmount, short, app.AllowedMediaTypes())
	}
	for _, c := range []struct {
		schema, prop string
		max          int
	}{
		{"SubmitRequest", "filing_id", protocol.MaxID},
		{"SubmitRequest", "revision_id", protocol.MaxID},
		{"SubmitRequest", "base_revision_id", protocol.MaxID},
		{"NoticeRequest", "unit_id", protocol.MaxID},
		{"LoginRequest", "login", protocol.MaxLogin},
		{"DecisionRequest", "comment", protocol.MaxComment},
		{"WithdrawRequest", "comment", app.MaxWithdrawReason},
		{"WithdrawRequest", "revision_id", protocol.MaxID},
		{"DecisionRequest", "revision_id", protocol.MaxID},
		{"NoticeRequest", "title", protocol.MaxNoticeTitle},
		{"NoticeRequest", "text", protocol.MaxNoticeText},
		{"AttachmentRef", "name", app.MaxAttachmentName},
	} {
		if got := s[c.schema].Properties[c.prop].MaxLength; got != c.max {
			t.Errorf("%s.%s maxLength = %d, want %d", c.schema, c.prop, got, c.max)
		}
	}
	// The attachment downloads state the bound on ranges in words.
	var ops struct {
		Paths map[string]struct {
			Get struct {
				Responses map[string]struct {
					Description string `json:"description"`
				} `json:"responses"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(protocol.OpenAPI, &ops); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{protocol.PathReviewAttachment, protocol.PathFilingAttachment} {
		want := fmt.Sprintf("Range 请求至多 %d 段", protocol.MaxRanges)
		if d := ops.Paths[p].Get.Responses["200"].Description; !strings.Contains(d, want) {
			t.Errorf("GET %s: 200 says %q, want %q", p, d, want)
		}
	}
}
