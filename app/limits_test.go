package app_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// TestCheckBodyHasTheTextLimits: the limits the bureau enforces are content
// rules the client runs before a submission is queued, with the same field
// paths.
func TestCheckBodyHasTheTextLimits(t *testing.T) {
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	if err := app.CheckBody(f.Body(), nil, time.Now()); err != nil {
		t.Fatalf("sample declaration: %v", err)
	}
	f.Declaration.Goals = strings.Repeat("目", app.MaxLongText+1)
	f.Declaration.Contact.Person = strings.Repeat("李", app.MaxShortText+1)
	f.Declaration.Modules = append(f.Declaration.Modules, app.Module{Name: "模块", Description: "含\x00字"})
	f.Declaration.Confirmations = []string{strings.Repeat("x", app.MaxShortText+1)}
	f.Attachments = []app.Attachment{
		{Material: "proposal", Name: strings.Repeat("名", app.MaxAttachmentName) + ".pdf", SHA256: strings.Repeat("a", 64), Size: 1},
		{Material: "proposal", Name: "a\r\nb.pdf", SHA256: strings.Repeat("b", 64), Size: 1, MediaType: "text/html"},
		{Material: "proposal", Name: "ok.PDF", SHA256: strings.Repeat("c", 64), Size: 1, MediaType: "Application/PDF"},
	}
	got := map[string]bool{}
	for _, fe := range app.FieldErrors(app.CheckBody(f.Body(), nil, time.Now())) {
		got[fe.Field] = true
	}
	for _, want := range []string{"goals", "contact.person", "modules[" + strconv.Itoa(len(f.Declaration.Modules)-1) + "].description",
		"confirmations[0]", "attachments[0].name", "attachments[1].name", "attachments[1].media_type"} {
		if !got[want] {
			t.Errorf("no problem at %s; got %v", want, got)
		}
	}
	if got["attachments[2].name"] || got["attachments[2].media_type"] {
		t.Errorf("a plain PDF refused: %v", got)
	}
	// Exactly at the limit is fine.
	f.Declaration = apptest.Declaration()
	f.Declaration.Goals = strings.Repeat("目", app.MaxLongText)
	f.Attachments = nil
	if err := app.CheckBody(f.Body(), nil, time.Now()); err != nil {
		t.Errorf("goals at the limit: %v", err)
	}
}

func TestMediaTypes(t *testing.T) {
	for mt, want := range map[string]bool{
		"application/pdf": true, "APPLICATION/PDF": true, "text/plain; charset=utf-8": true, "application/ofd": true,
		"text/html": false, "text/plain; boundary=x": false, "application/pdf\r\nSet-Cookie: a=b": false,
		"image/svg+xml": false, "": false, "application/x-zip-compressed": true,
	} {
		if got := app.AllowedMediaType(mt); got != want {
			t.Errorf("AllowedMediaType(%q) = %v", mt, got)
		}
	}
	for name, want := range map[string]string{"可研.PDF": "application/pdf", "a.docx": app.MediaTypes[".docx"], "page.html": "", "x": ""} {
		if got := app.AttachmentMediaType(name); got != want || got != "" && !app.AllowedMediaType(got) {
			t.Errorf("AttachmentMediaType(%q) = %q, want %q", name, got, want)
		}
	}
}
