package app

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestBodyEncodeIsStableAndDecodes(t *testing.T) {
	f, err := NewFiling(KindDeclaration, "f1", "r1", "u1", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = declFixture()
	f.Attachments = []Attachment{{Material: "feasibility", Name: "可研报告.pdf", SHA256: strings.Repeat("ab", 32), Size: 1024}}
	data1, sum1, err := f.Body().Encode()
	if err != nil {
		t.Fatal(err)
	}
	f.Status = StatusSubmitted // workflow state is not part of the body
	f.History = append(f.History, Transition{Action: ActionSubmit})
	data2, sum2, _ := f.Body().Encode()
	if sum1 != sum2 || string(data1) != string(data2) {
		t.Fatal("body hash depends on workflow state")
	}
	f.Declaration.Goals += "。"
	if _, sum3, _ := f.Body().Encode(); sum3 == sum1 {
		t.Fatal("body hash does not change with content")
	}
	b, err := DecodeBody(data1)
	if err != nil {
		t.Fatal(err)
	}
	if b.Declaration.ProjectName != "霍邱县城关镇智慧社区管理平台" || b.Declaration.TotalInvestment != Wans(180) {
		t.Fatalf("decoded body = %+v", b.Declaration)
	}
}

func TestDecodeBodyRejects(t *testing.T) {
	tests := []struct{ name, in, says string }{
		{"not json", `{`, "无法解析"},
		{"wrong type", `{"id":"f","kind":"declaration","revision":"one"}`, "revision"},
		{"no body", `{"id":"f","kind":"declaration","revision":1,"revision_id":"r"}`, "只能有一份"},
		{"two bodies", `{"id":"f","kind":"declaration","revision":1,"revision_id":"r","declaration":{},"catalogue":{}}`, "只能有一份"},
		{"kind mismatch", `{"id":"f","kind":"catalogue","revision":1,"revision_id":"r","declaration":{}}`, "不符"},
		{"unknown kind", `{"id":"f","kind":"memo","revision":1,"revision_id":"r","declaration":{}}`, "未知"},
		{"no ids", `{"kind":"declaration","declaration":{}}`, "编号"},
		{"bad hash", `{"id":"f","kind":"declaration","revision":1,"revision_id":"r","declaration":{},"attachments":[{"name":"a.pdf","sha256":"xyz"}]}`, "SHA-256"},
		{"money fraction", `{"id":"f","kind":"declaration","revision":1,"revision_id":"r","declaration":{"total_investment":1.5}}`, "total_investment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeBody([]byte(tt.in))
			if err == nil || ErrorCode(err) != EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("error %q does not mention %q", err.Error(), tt.says)
			}
		})
	}
}

// TestCanonicalBodiesHashTheSame decodes bodies encoded by earlier versions
// (testdata/canonical-bodies.txt: each body's canonical JSON, then its
// SHA-256) and encodes them again: the bytes and so the hashes that client
// and bureau agreed on must not change, whatever the decoder or the types
// behind the body (app.Money) do.
func TestCanonicalBodiesHashTheSame(t *testing.T) {
	data, err := os.ReadFile("testdata/canonical-bodies.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 8 || len(lines)%2 != 0 {
		t.Fatalf("%d lines, want body and hash pairs", len(lines))
	}
	kinds := map[Kind]bool{}
	for i := 0; i < len(lines); i += 2 {
		old, want := []byte(lines[i]), lines[i+1]
		if h := sha256.Sum256(old); hex.EncodeToString(h[:]) != want {
			t.Fatalf("line %d: testdata hash does not match its body", i+1)
		}
		b, err := DecodeBody(old)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		kinds[b.Kind] = true
		again, sum, err := b.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(old) || sum != want {
			t.Errorf("line %d: %s body encodes differently now:\n got %s\nwant %s", i+1, b.Kind, again, old)
		}
	}
	if len(kinds) != len(Kinds) {
		t.Errorf("testdata covers kinds %v, want all of %v", kinds, Kinds)
	}
}

// A project's trial report and its acceptance application read apart in a
// list: each is titled with the project and what it is.
func TestTitleNamesTheDocument(t *testing.T) {
	for _, tt := range []struct {
		f    Filing
		want string
	}{
		{Filing{TrialReport: &TrialReport{ProjectName: " 城关镇智慧社区管理平台 "}}, "城关镇智慧社区管理平台试运行报告"},
		{Filing{Acceptance: &Acceptance{ProjectName: "城关镇智慧社区管理平台"}}, "城关镇智慧社区管理平台竣工验收申请"},
		{Filing{TrialReport: &TrialReport{}}, ""},
		{Filing{Declaration: &Declaration{ProjectName: "城关镇智慧社区管理平台"}}, "城关镇智慧社区管理平台"},
	} {
		if got := tt.f.Title(); got != tt.want {
			t.Errorf("Title() = %q, want %q", got, tt.want)
		}
	}
}

// A printed copy is named by its title and revision, in a form every file
// system takes.
func TestPrintName(t *testing.T) {
	f, err := NewFiling(KindCatalogue, "id", "rev", "unit", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := PrintName(f); got != "共享资源目录-第1版" {
		t.Errorf("untitled: %q", got)
	}
	f.Catalogue.Title = "城关镇/智慧社区:目录?\t" + strings.Repeat("长", 100)
	f.Revision.Number = 3
	got := PrintName(f)
	if !strings.HasPrefix(got, "城关镇_智慧社区_目录__") || !strings.HasSuffix(got, "-第3版") || utf8.RuneCountInString(got) != 80+utf8.RuneCountInString("-第3版") {
		t.Errorf("PrintName = %q (%d runes)", got, utf8.RuneCountInString(got))
	}
}
