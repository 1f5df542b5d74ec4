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

// TestListsAreBounded (found from outside): a declaration of 60,000
// modules (2.7 MB) was received, and took 270 MB and 2.4 s to print each
// time. Every list of the content holds at most MaxListItems; the clerk is
// told which, in Chinese, before the submission is queued.
func TestListsAreBounded(t *testing.T) {
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	m := f.Declaration.Modules[0]
	for len(f.Declaration.Modules) < app.MaxListItems {
		f.Declaration.Modules = append(f.Declaration.Modules, m)
	}
	for _, fe := range app.FieldErrors(app.CheckBody(f.Body(), nil, time.Now())) {
		if fe.Field == "modules" {
			t.Fatalf("%d modules refused: %s", app.MaxListItems, fe.Message)
		}
	}
	f.Declaration.Modules = append(f.Declaration.Modules, m)
	for _, fe := range app.FieldErrors(app.CheckBody(f.Body(), nil, time.Now())) {
		if fe.Field == "modules" {
			if !strings.Contains(fe.Message, "最多 1000 项（现有 1001 项）") {
				t.Errorf("message: %s", fe.Message)
			}
			return
		}
	}
	t.Fatalf("%d modules accepted", app.MaxListItems+1)
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

// TestCheckTextControlCharacters (found from outside: a project name with
// an ANSI escape, a bell, a line break or U+202E was received): no text
// holds control characters other than tab and line breaks, nor the
// bidirectional overrides and isolates; a one-line field holds no line
// break or tab either, and FoldLines makes one line of it.
func TestCheckTextControlCharacters(t *testing.T) {
	check := func(mut func(d *app.Declaration)) map[string]string {
		t.Helper()
		f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		mut(f.Declaration)
		got := map[string]string{}
		for _, fe := range app.FieldErrors(app.CheckBody(f.Body(), nil, time.Now())) {
			got[fe.Field] = fe.Message
		}
		return got
	}
	for _, c := range []struct {
		name, text, says string
	}{
		{"escape", "项目\x1b[31m红", "U+001B"},
		{"bell", "项目\x07", "U+0007"},
		{"delete", "a\x7f", "U+007F"},
		{"C1", "项目\u0085", "U+0085"},
		{"override", "项目\u202e反转", "U+202E"},
		{"isolate", "项目\u2066甲\u2069", "U+2066"},
		{"line break", "项目\n名称", "单行"},
		{"carriage return", "项目\r", "单行"},
		{"tab", "项目\t名称", "单行"},
		{"line separator", "项目\u2028名称", "单行"},
	} {
		got := check(func(d *app.Declaration) { d.ProjectName = c.text })
		if !strings.Contains(got["project_name"], c.says) {
			t.Errorf("%s in project_name: %q, want it to say %q", c.name, got["project_name"], c.says)
		}
	}
	// Narrative text keeps its lines and tabs; the controls are refused.
	if got := check(func(d *app.Declaration) { d.Goals = "一、目标\n\t二、指标\r\n三、" }); got["goals"] != "" {
		t.Errorf("lines in goals refused: %q", got["goals"])
	}
	if got := check(func(d *app.Declaration) { d.Goals = "目标\u202e" }); !strings.Contains(got["goals"], "U+202E") {
		t.Errorf("an override in goals: %q", got["goals"])
	}
	// Where the invisible character is: a reviewer told of a U+202E
	// somewhere in a long text could not find it (a walkthrough).
	long := strings.Repeat("建设内容包括平台开发。", 30) + "与区级平台对接\u202e数据"
	if got := check(func(d *app.Declaration) { d.Goals = long }); !strings.Contains(got["goals"], "在第 338 个字处，“…。与区级平台对接”之后") {
		t.Errorf("the override's place is not said: %q", got["goals"])
	}
	if got := check(func(d *app.Declaration) { d.ProjectName = "\x07项目" }); !strings.Contains(got["project_name"], "在第 1 个字处，即开头") {
		t.Errorf("a bell at the start: %q", got["project_name"])
	}
	// Right-to-left text and the marks are text.
	if got := check(func(d *app.Declaration) { d.Contact.Person = "ئابدۇرېھىم\u200f" }); len(got) != 0 {
		t.Errorf("a Uyghur name: %v", got)
	}

	// An attachment's media type is served back as its Content-Type.
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	for _, mt := range []string{"application/pdf;\ncharset=utf-8", "application/pdf;\u0085", "application/pdf;\u2028", "application/pdf;\u00a0"} {
		f.Attachments = []app.Attachment{{Material: "proposal", Name: "a.pdf", SHA256: strings.Repeat("a", 64), Size: 1, MediaType: mt}}
		got := false
		for _, fe := range app.FieldErrors(app.CheckBody(f.Body(), nil, time.Now())) {
			got = got || fe.Field == "attachments[0].media_type"
		}
		if !got {
			t.Errorf("media type %q accepted", mt)
		}
	}

	d := apptest.Declaration()
	d.ProjectName = " 城关镇\r\n  智慧社区\t平台 "
	d.Goals = "一、\n二、"
	d.Modules = append(d.Modules, app.Module{Name: "事件\n上报", Description: "甲\n乙"})
	app.FoldLines(d)
	last := d.Modules[len(d.Modules)-1]
	if d.ProjectName != "城关镇 智慧社区 平台" || d.Goals != "一、\n二、" || last.Name != "事件 上报" || last.Description != "甲\n乙" {
		t.Errorf("FoldLines: %q %q %q %q", d.ProjectName, d.Goals, last.Name, last.Description)
	}
}

// TestOwnUnitComparesNamesAsAReaderWould: the own-unit rule compared the
// name as typed, so a clerk who typed the unit's name with a space in it,
// full-width brackets, or a zero-width space pasted from a web page was
// told it was not their unit. Names a reader cannot tell apart are one;
// another unit's name is still refused.
func TestOwnUnitComparesNamesAsAReaderWould(t *testing.T) {
	const unit, code = "安徽省霍邱县城关镇人民政府(城关镇便民服务中心)", "11341522003064951U"
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	f.Declaration.UnitCreditCode = code
	for _, typed := range []string{
		unit,
		" 安徽省霍邱县 城关镇人民政府（城关镇便民服务中心） ",
		"安徽省霍邱县城关镇\u200b人民政府(城关镇便民服务中心)",
	} {
		f.Declaration.UnitName = typed
		if p := app.CheckOwnUnit(f.Body(), nil, unit, code); len(p) != 0 {
			t.Errorf("%q refused as another unit's name: %v", typed, p)
		}
	}
	f.Declaration.UnitName = "安徽省霍邱县新店镇人民政府"
	if p := app.CheckOwnUnit(f.Body(), nil, unit, code); len(p) != 1 || !strings.Contains(p[0].Message, "不是本账号所属单位") {
		t.Errorf("another unit's name: %v", p)
	}
	// The bureau that registered the unit, as its rules name it: 郁南's
	// has no 数管局.
	p := app.CheckOwnUnit(f.Body(), loadProfile(t, "yunan"), unit, code)
	if len(p) != 1 || !strings.Contains(p[0].Message, "如县政务和数据局登记的单位名称有误，请联系县政务和数据局更正") {
		t.Errorf("another unit's name under 郁南's rules: %v", p)
	}
}
