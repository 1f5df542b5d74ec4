package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"egovdesk/app"
	"egovdesk/assets"
)

// Languages the client offers, by preference value.
const (
	LangChinese = "zh" // 简体中文, the default
	LangEnglish = "en"
)

// PrefLanguage is the preference key of the chosen language.
const PrefLanguage = "language"

// PrefGroupByProject is the preference key of the home list's 按项目分组.
const PrefGroupByProject = "home.group_by_project"

// The client's strings are written in Chinese and translated by Fyne's lang
// package: translations/en.json maps each Chinese source string (and Fyne's
// own keys: OK, Cancel, the file dialog's words) to English;
// translations/zh_Hans.json holds Chinese for Fyne's own keys.
//
// Fyne 2.8.1 has no API to choose the language: it matches the system's
// locales (LANGUAGE, LC_ALL, LC_MESSAGES, LANG on Linux; the user's UI
// languages on Windows) against the files it was given. So SetupLanguage
// registers the chosen language's messages under the name of the system's
// own locale, which then matches exactly (the trick supersonic uses), and
// re-registers on every switch: a registration overwrites the messages of
// that locale key by key, so each one carries every key of both files (the
// Chinese one maps the client's strings to themselves). T calls lang.L only
// for keys the files hold, so strings without a translation (a term of a
// profile the bureau added) show as they are instead of logging a
// translation failure at every frame.
var (
	langMu  sync.RWMutex
	current = LangChinese
	known   map[string]bool // keys of translations/en.json
)

// SetupLanguage makes language (LangChinese or LangEnglish; anything else is
// Chinese) the language of T and of Fyne's own words. Call it before
// building a window, or through UI.SetLanguage, which rebuilds the window.
// It fails when an embedded file is missing or malformed.
func SetupLanguage(language string) error {
	en, err := readTranslations("translations/en.json")
	if err != nil {
		return err
	}
	zh, err := readTranslations("translations/zh_Hans.json")
	if err != nil {
		return err
	}
	msgs := en
	if language != LangEnglish {
		language = LangChinese
		msgs = make(map[string]json.RawMessage, len(en))
		for k := range en {
			if v, ok := zh[k]; ok {
				msgs[k] = v
			} else if q, err := json.Marshal(k); err == nil {
				msgs[k] = q
			}
		}
	}
	for k := range zh {
		if _, ok := msgs[k]; !ok {
			return fmt.Errorf("translations/en.json lacks Fyne's key %q", k)
		}
	}
	data, err := json.Marshal(msgs)
	if err != nil {
		return fmt.Errorf("encode %s messages: %w", language, err)
	}
	keys := make(map[string]bool, len(en))
	for k := range en {
		keys[k] = true
	}
	langMu.Lock()
	defer langMu.Unlock()
	name := lang.SystemLocale().LanguageString() + ".json"
	if err := lang.AddTranslations(fyne.NewStaticResource(name, data)); err != nil {
		return fmt.Errorf("load %s messages as %s: %w", language, name, err)
	}
	current, known = language, keys
	return nil
}

// readTranslations reads an embedded translation file as key → message.
func readTranslations(file string) (map[string]json.RawMessage, error) {
	data, err := assets.Translations.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return m, nil
}

// Language returns the language T translates to (LangChinese or LangEnglish).
func Language() string {
	langMu.RLock()
	defer langMu.RUnlock()
	return current
}

// T translates a source string of the user interface (Chinese). Strings
// without a translation, and every string in Chinese, are returned as they
// are, so T may be given user data and server text too.
func T(s string) string {
	langMu.RLock()
	ok, english := known[s], current == LangEnglish
	if ok {
		// Still under the lock: SetupLanguage changes Fyne's bundle, which
		// is not safe to read meanwhile, and T runs off the Fyne thread too
		// (notifications, file dialogs).
		defer langMu.RUnlock()
		return lang.L(s)
	}
	langMu.RUnlock()
	if english {
		for _, c := range composed {
			// inner is shorter than s: the recursion ends.
			if inner, ok := c.match(s); ok {
				return fmt.Sprintf(T(c.format), T(inner))
			}
		}
	}
	return s
}

// composition is a message app builds by concatenation rather than a
// format (a prefix, a term, a suffix): T translates it as format with the
// term translated.
type composition struct {
	format, prefix, suffix string
	number                 bool // the term is a number
}

func (c composition) match(s string) (string, bool) {
	if len(s) <= len(c.prefix)+len(c.suffix) || !strings.HasPrefix(s, c.prefix) || !strings.HasSuffix(s, c.suffix) {
		return "", false
	}
	inner := s[len(c.prefix) : len(s)-len(c.suffix)]
	if c.number && strings.Trim(inner, "-0123456789.,") != "" {
		return "", false
	}
	return inner, true
}

// composed are the concatenations of app.Profile.Evaluate (blockers of
// unfilled sections and unconfirmed statements), of the catalogue checks
// (第 1 项) and of amounts (app.Money's 8万元).
var composed = []composition{
	{"缺少%s", "缺少", "", false},
	{"尚未确认：%s", "尚未确认：", "", false},
	{"请核实并勾选确认：%s", "请核实并勾选确认：", "", false},
	{"请填写“%s”", "请填写“", "”", false},
	{"资源“%s”", "资源“", "”", false},
	{"问题“%s”", "问题“", "”", false},
	{"第 %s 项", "第 ", " 项", true},
	{"%s万元", "", "万元", true},
	{"%s 万元", "", " 万元", true},
}

// Tf formats the translation of format with args, translating the string
// args too (terms such as 监理 or a field's label; user data without a
// translation stays as it is).
func Tf(format string, args ...any) string {
	targs := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			targs[i] = T(v)
		case app.List: // rules' labels: each translated, not the joined text
			items := make([]string, len(v.Items))
			for j, it := range v.Items {
				items[j] = T(it)
			}
			targs[i] = strings.Join(items, T(v.Sep))
		case fmt.Stringer: // an amount: 8万元
			if s := v.String(); hasHan(s) {
				targs[i] = T(s)
			} else {
				targs[i] = a
			}
		default:
			targs[i] = a
		}
	}
	f := T(format)
	s := fmt.Sprintf(f, targs...)
	if a, ok := firstArg(args); ok && strings.HasPrefix(f, "%s") && T(a) != a {
		// A translated term begins the sentence, such as the bureau's name,
		// written as it reads mid-sentence (the bureau): a capital. Not
		// what the clerk typed (iPad采购项目), which T leaves as it is.
		s = sentence(s)
	}
	return s
}

// firstArg returns args' first, when it is a string.
func firstArg(args []any) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	s, ok := args[0].(string)
	return s, ok
}

// sentence starts English text with a capital letter; Chinese is left as
// it is.
func sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' && Language() == LangEnglish {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// codeMessages say in English what an error of each app code means, for
// messages that came as Chinese text only (from the bureau) and have no
// translation.
var codeMessages = map[string]string{
	app.ECONFLICT:     "This conflicts with what the bureau already holds.",
	app.EINTERNAL:     "Internal error; please try again later, or contact the administrator if it persists.",
	app.EINVALID:      "Some fields need correcting.",
	app.ENOTFOUND:     "Not found, or not visible to this account.",
	app.EUNAUTHORIZED: "Wrong login or password, or the session has expired; please log in again.",
	app.EFORBIDDEN:    "This account is not allowed to do this.",
	app.ETOOLARGE:     "Too large for the bureau's limit.",
	app.ETOOMANY:      "Too many attempts; please wait a moment and try again.",
	app.EUNAVAILABLE:  "The bureau cannot be reached; please check the network and try again.",
	app.ELOCKED:       "Another egovdesk is using these files; close it first.",
}

// translate renders a message of app in the UI's language: from its format
// and arguments when app kept them (checks run on this machine), else the
// message itself when it is a known string, else, in English, the meaning of
// code, so that a Chinese message from the server is never mixed into an
// English sentence.
func translate(code, msg, format string, args []any) string {
	if Language() != LangEnglish || !hasHan(msg) {
		return msg
	}
	// Only the template decides: the arguments may be user data, which stays
	// as typed.
	if format != "" && !hasHan(T(format)) {
		return Tf(format, args...)
	}
	if s := T(msg); s != msg {
		return s
	}
	if s, ok := codeMessages[code]; ok {
		return s
	}
	return codeMessages[app.EINTERNAL]
}

// errorText returns err's message in the UI's language (app.ErrorMessage
// in Chinese).
func errorText(err error) string {
	var ce *CertificateError
	if errors.As(err, &ce) && Language() == LangEnglish {
		return certProblemText[ce.Problem] // the Chinese message is composed, not a template
	}
	var e *app.Error
	if !errors.As(err, &e) {
		return translate(app.EINTERNAL, app.ErrorMessage(err), "", nil)
	}
	format, args := e.Template()
	return translate(e.Code, e.Message, format, args)
}

// problemText is the message of err's first field problem in the UI's
// language, or err's own message.
func problemText(err error) string {
	if fs := app.FieldErrors(err); len(fs) > 0 {
		return fieldText(fs[0])
	}
	return errorText(err)
}

// fieldText returns a field problem's message in the UI's language.
func fieldText(f app.FieldError) string {
	format, args := f.Template()
	return translate(app.EINVALID, f.Message, format, args)
}

// wrapping returns how multi-line entries wrap in the UI's language: at
// spaces in English, so words are not cut; anywhere in Chinese, where Fyne's
// word wrapping would break at the few spaces (around numbers) and leave
// lines half empty. Labels are paragraphs, which follow the rules of both.
func wrapping() fyne.TextWrap {
	if Language() == LangEnglish {
		return fyne.TextWrapWord
	}
	return fyne.TextWrapBreak
}

// SetLanguage switches the client to language (LangChinese or LangEnglish)
// without a restart: it stores the choice, loads the translations, rebuilds
// the window's content and the tray menu and shows the same screen again
// (an open filing at the same section, with its edits). Call it on the Fyne
// thread.
func (u *UI) SetLanguage(language string) error {
	if err := SetupLanguage(language); err != nil {
		return err
	}
	u.app.Preferences().SetString(PrefLanguage, Language())
	var reopen func()
	switch {
	case u.editor != nil:
		f, err := copyFiling(u.editor.f)
		if err != nil {
			return err
		}
		sec := u.editor.current
		reopen = func() {
			u.openEditor(f, false)
			u.editor.secList.Select(sec)
		}
	case u.home.shown:
		reopen = u.ShowHome
	case u.inbox.shown:
		reopen = u.ShowInbox
	case u.timeline.shown:
		id := u.timeline.id
		reopen = func() { u.OpenTimeline(id) }
	case u.dossier != nil:
		project := u.dossier.project
		reopen = func() { u.OpenDossier(project) }
	default: // the first-run screen or the settings
		first := !u.link.Session().Configured
		reopen = func() { u.show(newSetupScreen(u, first).object()) }
	}
	u.leaveEditor()
	u.build()
	u.win.SetTitle(T("政务信息化项目申报"))
	reopen()
	u.refresh()
	return nil
}

// checklistText is app.ChecklistItem.String in the UI's language: "×
// 合同（必需）", marked when the item is the bureau's own addition.
func checklistText(c app.ChecklistItem, addition bool) string {
	mark := "×"
	if c.Present {
		mark = "✓"
	}
	req := ""
	if c.Required {
		req = T("（必需）")
	}
	return mark + " " + own(sentence(T(c.Label))+req, addition) // a kind's label begins it: trial-operation report
}

// certProblemText says in English what is wrong with a refused certificate
// and what to do; the Chinese message gives the details (dates, names).
var certProblemText = map[CertProblem]string{
	CertUntrusted: "This computer cannot confirm that the server is the bureau's: its certificate was issued by an authority this computer does not know, or by the server itself. Import the certificate file the bureau gives you, or confirm the certificate's fingerprint with the bureau by phone and trust it.",
	CertChanged:   "The bureau's certificate is not the one confirmed earlier. The bureau may have changed it, or someone may be posing as the bureau: confirm the new fingerprint with the bureau by phone before connecting.",
	CertUnusable:  "The bureau's certificate cannot be used: it has expired, is not valid yet (check this computer's date and time) or was issued for another address. Check the address, or ask the bureau to renew the certificate.",
}

// shownTitle is a filing's title as prof's regulation and the screen's
// language read it. A later filing's title is composed in Chinese by
// app.Filing.Title (…平台验收后备案, …平台 2027 年度运维备案) with the kind's
// own name: where the regulation names the kind otherwise (郁南's
// 验收前置审核申请) its name is put in, and on an English screen what the
// filing is is translated after the project's name, which is the unit's own
// words.
func shownTitle(prof *app.Profile, k app.Kind, title string) string {
	project, what, year, ok := app.SplitTitle(k, title)
	switch {
	case !ok:
		return title
	case Language() != LangEnglish:
		return prof.ShownTitle(k, title)
	case year != 0:
		return fmt.Sprintf("%s — %s %d", project, T(what), year)
	case what == k.Label():
		what = prof.KindName(k) // the regulation's name
	case k == app.KindAdjustment:
		what = prof.ShownAdjustment(what) // as the Chinese title says it: 天宁's 重大变更申请
	}
	return fmt.Sprintf("%s — %s", project, T(what))
}

// kindName is what the regulation in force calls filings of kind k (see
// app.Profile.KindName), in Chinese.
func (u *UI) kindName(k app.Kind) string { return u.link.Profile().KindName(k) }

// bureau is what the rules in force call the bureau in a sentence (天宁区数据局,
// 县数管局; app.Profile.BureauShort), in Chinese: Tf translates it. Without
// rules chosen yet it is 数管局. A 天宁 clerk read 已连接数管局 above rules
// that name no 数管局 at all.
func (u *UI) bureau() string { return u.link.Profile().BureauShort() }

// named returns s, a message written with the bureau's generic name 数管局
// (the sync layer's, the connection's and the certificate's: they do not
// know the rules in force), with the bureau named as the rules name it
// (bureau()) when the client is in Chinese: a 天宁 clerk read 无法连接数管局服务器
// beside 已连接天宁区数据局, two offices. A 数管局 that a place's name begins
// (市数管局, 县数管局: the rules' own words, quoted by the bureau) stays as it
// is, so does s in English, where T said "the bureau".
func (u *UI) named(s string) string {
	b := u.bureau()
	if b == genericBureau || Language() != LangChinese || !strings.Contains(s, genericBureau) {
		return s
	}
	var out strings.Builder
	for {
		i := strings.Index(s, genericBureau)
		if i < 0 {
			break
		}
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		out.WriteString(s[:i])
		if strings.ContainsRune("省市州县区镇乡", r) {
			out.WriteString(genericBureau)
		} else {
			out.WriteString(b)
		}
		s = s[i+len(genericBureau):]
	}
	out.WriteString(s)
	return out.String()
}

// genericBureau is what a message says of the bureau when it does not know
// the rules in force (app.Profile.BureauShort without a profile).
const genericBureau = "数管局"
