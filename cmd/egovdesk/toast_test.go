package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf16"

	"egovdesk/ui"
)

// The toast Windows is given: a click and the 打开 button start the link of
// the notice's filing; the title and comment arrive as text whatever they
// hold; a long comment is cut.
func TestToastXML(t *testing.T) {
	n := ui.Notice{FilingID: "0b6f3c1e-8d2a-4c55-9a1e-3f0a5c7d9e21",
		Title: `《"智慧"社区 & <平台>》第 2 版：退回修改`,
		Body:  "请补充密码应用方案'\n'@\n" + strings.Repeat("长", 300)}
	var doc struct {
		XMLName        xml.Name `xml:"toast"`
		ActivationType string   `xml:"activationType,attr"`
		Launch         string   `xml:"launch,attr"`
		Texts          []string `xml:"visual>binding>text"`
		Image          struct {
			Src string `xml:"src,attr"`
		} `xml:"visual>binding>image"`
		Actions []struct {
			Content        string `xml:"content,attr"`
			ActivationType string `xml:"activationType,attr"`
			Arguments      string `xml:"arguments,attr"`
		} `xml:"actions>action"`
	}
	x := toastXML(n, `C:\Users\张三\AppData\Local\egovdesk\icon.png`)
	if err := xml.Unmarshal([]byte(x), &doc); err != nil {
		t.Fatalf("toast XML does not parse: %v\n%s", err, x)
	}
	link := "egovdesk://notice/" + n.FilingID
	if doc.ActivationType != "protocol" || doc.Launch != link {
		t.Fatalf("toast activation %q %q, want protocol %q", doc.ActivationType, doc.Launch, link)
	}
	if len(doc.Actions) != 1 || doc.Actions[0].Content != "打开" || doc.Actions[0].ActivationType != "protocol" || doc.Actions[0].Arguments != link {
		t.Fatalf("actions %+v", doc.Actions)
	}
	if len(doc.Texts) != 2 || doc.Texts[0] != n.Title {
		t.Fatalf("texts %q", doc.Texts)
	}
	if body := []rune(doc.Texts[1]); len(body) != toastBodyMax || body[len(body)-1] != '…' || !strings.HasPrefix(doc.Texts[1], "请补充密码应用方案'\n'@\n") {
		t.Fatalf("body %d runes: %.40q", len(body), doc.Texts[1])
	}
	if doc.Image.Src != `C:\Users\张三\AppData\Local\egovdesk\icon.png` {
		t.Fatalf("icon %q", doc.Image.Src)
	}
	if got, err := parseLink(doc.Launch); err != nil || got != "notice:"+n.FilingID {
		t.Fatalf("the toast's link parses to %q, %v", got, err)
	}

	// A notice to the unit opens the inbox.
	if err := xml.Unmarshal([]byte(toastXML(ui.Notice{Title: "通知", Body: "请在收件箱查看。"}, "")), &doc); err != nil {
		t.Fatal(err)
	}
	if got, _ := parseLink(doc.Launch); got != "notice:" {
		t.Fatalf("a notice to the unit opens %q", got)
	}
}

// The PowerShell: the XML sits in a literal here-string that nothing in a
// title or comment can end, and travels UTF-16LE in base64.
func TestToastScript(t *testing.T) {
	n := ui.Notice{FilingID: "f1", Title: "《平台》第 1 版：受理", Body: "a'\n'@\n$(Remove-Item C:\\)"}
	s := toastScript(n, "")
	lines := strings.Split(s, "\n")
	opens, closes := 0, 0
	for _, l := range lines {
		if strings.HasSuffix(l, "@'") {
			opens++
		}
		if strings.HasPrefix(l, "'@") {
			closes++
		}
	}
	if opens != 1 || closes != 1 {
		t.Fatalf("here-string opened %d and closed %d times:\n%s", opens, closes, s)
	}
	if !strings.Contains(s, "CreateToastNotifier('cn.egovdesk.client')") || !strings.Contains(s, "$toast.Tag = '"+toastTag("f1")+"'") {
		t.Fatalf("script:\n%s", s)
	}
	if len(toastTag(strings.Repeat("x", 64))) != 16 {
		t.Fatal("toast tags must be 16 characters for older Windows 10 builds")
	}

	raw, err := base64.StdEncoding.DecodeString(encodedCommand(s))
	if err != nil || len(raw)%2 != 0 {
		t.Fatalf("encoded command: %v", err)
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
	if string(utf16.Decode(u)) != s {
		t.Fatal("the encoded command does not decode to the script")
	}
	if len(encodedCommand(toastScript(ui.Notice{Title: strings.Repeat("长", 200), Body: strings.Repeat("长", 5000)}, strings.Repeat("p", 260)))) > 30000 {
		t.Fatal("the longest toast does not fit Windows' 32,767-character command line")
	}
}
