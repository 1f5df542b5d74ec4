package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/assets"
)

// Switching the language back and forth at run time gives every string of
// translations/en.json in the language chosen, through Fyne's lang package,
// Fyne's own words included; no key keeps the other language's text.
func TestLanguageSwitchesAtRunTime(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	var en map[string]any
	data, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &en); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		if err := SetupLanguage(LangEnglish); err != nil {
			t.Fatal(err)
		}
		for k, v := range en {
			if s, ok := v.(string); ok && T(k) != s {
				t.Errorf("round %d, English: T(%q) = %q, want %q", round, k, T(k), s)
			}
		}
		if got := lang.L("OK"); got != "OK" {
			t.Errorf("round %d, English: Fyne's OK is %q", round, got)
		}
		if err := SetupLanguage(LangChinese); err != nil {
			t.Fatal(err)
		}
		for k, v := range en {
			if _, ok := v.(string); ok && hasHan(k) && T(k) != k {
				t.Errorf("round %d, Chinese: T(%q) = %q", round, k, T(k))
			}
		}
		if got := lang.L("OK"); got != "确定" {
			t.Errorf("round %d, Chinese: Fyne's OK is %q", round, got)
		}
	}
}

// Every format string of translations/en.json keeps the verbs of its
// Chinese source in order, so fmt.Sprintf(T(format), args...) never prints
// %!d(string=…).
func TestTranslationsKeepFormatVerbs(t *testing.T) {
	data, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]any
	if err := json.Unmarshal(data, &en); err != nil {
		t.Fatal(err)
	}
	for k, v := range en {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if a, b := verbs(k), verbs(s); a != b {
			t.Errorf("%q has verbs %q, its translation %q has %q", k, a, s, b)
		}
		if hasHan(s) {
			t.Errorf("the English of %q is %q", k, s)
		}
	}
}

// verbs returns the fmt verbs of s in order.
func verbs(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 >= len(s) {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == '.' || s[j] == '+' || s[j] == '-' || (s[j] >= '0' && s[j] <= '9')) {
			j++
		}
		if j < len(s) && (s[j] == '%' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
			out = append(out, s[i:j+1]...)
		}
		i = j
	}
	return string(out)
}

// App's messages show in English from their format and arguments; a
// Chinese message from the server without a translation shows as what its
// code means, never mixed into an English sentence; Chinese stays as app
// wrote it.
func TestErrorsInEnglish(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	var p app.Problems
	p.Add("project_name", "项目名称不能超过 100 个字（现有 %d 个字）", 120)
	local := p.Err()
	server := &app.Error{Code: app.EUNAUTHORIZED, Message: "登录名或密码不正确，还可尝试 3 次"}
	wrapped := fmt.Errorf("connect: %w", server)
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	if got := fieldText(p[0]); got != "The project name may have at most 100 characters (it has 120)" {
		t.Errorf("field problem in English: %q", got)
	}
	var q app.Problems
	q.Add("items", "请选择信息项“%s”的数据类型", "救助类别")
	if got := fieldText(q[0]); got != "Choose the data type of data item \"救助类别\"" {
		t.Errorf("field problem about user data in English: %q", got)
	}
	if got := T("请填写“建设目标”"); got != "Fill in \"Goals\"" {
		t.Errorf("composed message in English: %q", got)
	}
	if got := errorText(local); got != "1 thing(s) need correcting" {
		t.Errorf("problems in English: %q", got)
	}
	if got := errorText(wrapped); hasHan(got) || got != codeMessages[app.EUNAUTHORIZED] {
		t.Errorf("server message in English: %q", got)
	}
	if got := errorText(errors.New("disk full")); hasHan(got) {
		t.Errorf("internal error in English: %q", got)
	}
	if err := SetupLanguage(LangChinese); err != nil {
		t.Fatal(err)
	}
	if got := errorText(wrapped); got != server.Message {
		t.Errorf("server message in Chinese: %q", got)
	}
	if got := T("请填写“建设目标”"); got != "请填写“建设目标”" {
		t.Errorf("composed message in Chinese: %q", got)
	}
	if got := fieldText(p[0]); got != p[0].Message {
		t.Errorf("field problem in Chinese: %q", got)
	}
}

// Multi-line entries wrap at spaces in English and anywhere in Chinese.
// (Labels are paragraphs, which break lines by the rules of both.)
func TestWrappingFollowsTheLanguage(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	if wrapping() != fyne.TextWrapWord {
		t.Error("English entries do not wrap at words")
	}
	if err := SetupLanguage(LangChinese); err != nil {
		t.Fatal(err)
	}
	if wrapping() != fyne.TextWrapBreak {
		t.Error("Chinese entries do not wrap anywhere")
	}
}

// Every text of the embedded rule profiles has an English translation: the
// assessment panel, the deadlines and the settings show them.
func TestProfileTermsTranslated(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	files, err := assets.Profiles.ReadDir("profiles")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := assets.Profiles.ReadFile("profiles/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			case string:
				if hasHan(T(x)) {
					t.Errorf("%s: no English for %q", f.Name(), x)
				}
			}
		}
		walk(v)
	}
}

// Every message the client passes to T or Tf as a literal has an English
// translation: the change-password dialog had none, and a clerk who chose
// English met it in Chinese.
func TestEveryMessageHasAnEnglishTranslation(t *testing.T) {
	en, err := readTranslations("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	eachSource(t, func(fset *token.FileSet, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "T" && id.Name != "Tf" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			if _, ok := en[s]; !ok {
				t.Errorf("%s: %q has no English translation", fset.Position(lit.Pos()), s)
			}
			return true
		})
	})
	if checked < 500 {
		t.Errorf("only %d messages found: is the parse right?", checked)
	}
}

// eachSource parses every non-test Go file of the package and calls fn
// with it, for tests that read the source (messages, dialogs).
func eachSource(t *testing.T, fn func(fset *token.FileSet, f *ast.File)) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		fn(fset, f)
	}
}

// Fyne's file dialog (used where the desktop has no picker of its own)
// names its places in the window's language: "Home" and "Computer" showed
// in English beside 打开 and 取消 (found in the real window).
func TestFileDialogPlacesInTheWindowsLanguage(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	if err := SetupLanguage(LangChinese); err != nil { // as the client does at its start
		t.Fatal(err)
	}
	x := newScreens(t, "yunan", nil)
	x.u.fyneOpen("添加附件", FileFilter{Exts: []string{".pdf"}}, func(string) {})
	x.pump()
	var labels []string
	walkRendered(x.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			labels = append(labels, l.Text)
		}
	})
	got := strings.Join(labels, " ")
	if !strings.Contains(got, "主目录") || !strings.Contains(got, "父目录") || strings.Contains(got, "Home") || strings.Contains(got, "Computer") {
		t.Errorf("the file dialog's labels: %s", got)
	}
}

// A later filing's title, composed in Chinese by app.Filing.Title, reads in
// English on an English screen, every kind, type and year of it; the
// project's name is kept as the unit wrote it, and a Chinese screen shows
// the title as it is.
func TestLaterFilingTitlesInEnglish(t *testing.T) {
	var fs []*app.Filing
	name := "Chengguan Platform"
	fs = append(fs, &app.Filing{Kind: app.KindTrialReport, TrialReport: &app.TrialReport{ProjectName: name}},
		&app.Filing{Kind: app.KindAcceptance, Acceptance: &app.Acceptance{ProjectName: name}},
		&app.Filing{Kind: app.KindGoLive, GoLive: &app.GoLive{ProjectName: name}},
		&app.Filing{Kind: app.KindAcceptanceFiling, AcceptanceFiling: &app.AcceptanceFiling{ProjectName: name}},
		&app.Filing{Kind: app.KindOMFiling, OMFiling: &app.OMFiling{ProjectName: name, Year: 2027}},
		&app.Filing{Kind: app.KindOMFiling, OMFiling: &app.OMFiling{ProjectName: name}})
	for _, c := range app.AdjustTypeChoices {
		fs = append(fs, &app.Filing{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{ProjectName: name, Type: app.AdjustType(c.Code)}})
	}
	for _, c := range append(app.PerformanceTypeChoices, app.Choice{}) {
		for _, y := range []int{0, 2027} {
			fs = append(fs, &app.Filing{Kind: app.KindPerformance, Performance: &app.Performance{ProjectName: name, Type: app.PerformanceType(c.Code), Year: y}})
		}
	}
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	for _, f := range fs {
		got := shownTitle(nil, f.Kind, f.Title())
		if hasHan(got) || !strings.HasPrefix(got, name+" — ") {
			t.Errorf("%s %q reads %q in English", f.Kind, f.Title(), got)
		}
	}
	if got := shownTitle(nil, app.KindDeclaration, "城关镇智慧社区平台"); got != "城关镇智慧社区平台" {
		t.Errorf("a declaration's title reads %q", got)
	}
	if err := SetupLanguage(LangChinese); err != nil {
		t.Fatal(err)
	}
	if f := fs[0]; shownTitle(nil, f.Kind, f.Title()) != f.Title() {
		t.Errorf("in Chinese %q reads %q", f.Title(), shownTitle(nil, f.Kind, f.Title()))
	}
}

// An adjustment's title reads in English as its Chinese title says it
// under the profile (app.Profile.ShownTitle): 天宁's 重大设计变更 须经批准
// is an application, not a filing.
func TestAdjustmentTitleInEnglishAsRouted(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	f := &app.Filing{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{ProjectName: "Chengguan Platform", Type: app.AdjustMajorChange}}
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	for id, want := range map[string]string{"tianning": "Chengguan Platform — major change application", "yunan": "Chengguan Platform — major change filing",
		"wuhan": "Chengguan Platform — Major change"} {
		if got := shownTitle(profs[id], f.Kind, f.Title()); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}

// In English a sentence a translated term begins, such as the bureau's
// name, starts with a capital; one the clerk's own text begins is left as
// typed (iPad采购项目 read IPad采购项目).
func TestEnglishSentencesStartWithACapital(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	if got := Tf("%s已受理，正在审核；有结果会再通知您。", "数管局"); !strings.HasPrefix(got, "The bureau accepted it") {
		t.Errorf("the bureau beginning a sentence: %q", got)
	}
	if got := Tf("已连接%s", "县数管局"); got != "Connected to the county data bureau" {
		t.Errorf("the bureau within a sentence: %q", got)
	}
	if got := Tf("%s（%d 年度 · %s）", "iPad采购项目", 2027, "草稿"); !strings.HasPrefix(got, "iPad采购项目") {
		t.Errorf("the clerk's own title: %q", got)
	}
	// a checklist line a kind's label begins (it read "× trial-operation report")
	if got := checklistText(app.ChecklistItem{Label: "试运行报告", Required: true}, false); !strings.HasPrefix(got, "× Trial-operation report") {
		t.Errorf("an acceptance checklist line: %q", got)
	}
}

// The sync layer's messages, which do not know the rules, say 数管局; they
// are shown with the bureau named as the rules name it, a place's own
// 数管局 (the rules' 市数管局, quoted by the bureau) kept, and in English as
// T translated them.
func TestSyncMessagesNameTheBureau(t *testing.T) {
	x := newScreens(t, "tianning", nil)
	for in, want := range map[string]string{
		"无法连接数管局服务器（网络不通或服务器未启动）":          "无法连接天宁区数据局服务器（网络不通或服务器未启动）",
		"请向数管局核实新密钥编号，并告诉数管局":              "请向天宁区数据局核实新密钥编号，并告诉天宁区数据局",
		"数管局未接收第 2 版：总投资超过 200 万元的报市数管局审批": "天宁区数据局未接收第 2 版：总投资超过 200 万元的报市数管局审批",
		"已送达": "已送达",
	} {
		if got := x.u.named(in); got != want {
			t.Errorf("named(%q) = %q, want %q", in, got, want)
		}
	}
	b := newConnBar(x.u)
	b.update(SyncStatus{Connected: true, LastError: "无法连接数管局服务器（网络不通或服务器未启动）"}, app.Counts{})
	if b.reason.Text != "无法连接天宁区数据局服务器（网络不通或服务器未启动）" {
		t.Errorf("the bar's reason: %q", b.reason.Text)
	}

	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	if got := x.u.named(T("无法连接数管局服务器（网络不通或服务器未启动）")); strings.Contains(got, "天宁") || hasHan(got) {
		t.Errorf("in English: %q", got)
	}
	if (*app.Profile)(nil).BureauShort() != genericBureau {
		t.Error("without rules the bureau is not named as named expects")
	}
}
