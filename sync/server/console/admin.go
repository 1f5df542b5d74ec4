package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// AdminBackend is what the admin pages need of the bureau: the admin API's
// own operations on units, accounts, tokens and the rule profile. Every
// call takes the session token and fails with EFORBIDDEN unless it is an
// admin's; the rules (the credit-code check, the password rule, the
// profile loader) are the server's, so a page can never accept what the
// API refuses.
type AdminBackend interface {
	// AdminUnits lists every unit, disabled ones too, by name.
	AdminUnits(ctx context.Context, token string) ([]protocol.Unit, error)
	// AddUnit registers a unit, as POST /admin/units does.
	AddUnit(ctx context.Context, token, name, code string) (protocol.Unit, error)
	// UpdateUnit sets a unit's name and credit code under AddUnit's rules.
	UpdateUnit(ctx context.Context, token, id, name, code string) (protocol.Unit, error)
	// SetUnitDisabled disables a unit (its accounts cannot log in) or enables it.
	SetUnitDisabled(ctx context.Context, token, id string, disabled bool) error
	// Accounts lists every account.
	Accounts(ctx context.Context, token string) ([]AdminAccount, error)
	// AddAccount creates an account, as POST /admin/accounts does.
	AddAccount(ctx context.Context, token string, req protocol.AdminAccountRequest) (protocol.Account, error)
	// SetPassword resets an account's password and revokes its tokens.
	SetPassword(ctx context.Context, token, login, password string) error
	// SetAccountDisabled disables an account or enables it.
	SetAccountDisabled(ctx context.Context, token, login string, disabled bool) error
	// Tokens lists an account's tokens, newest first.
	Tokens(ctx context.Context, token, login string) ([]AdminToken, error)
	// RevokeToken revokes the token id of an account.
	RevokeToken(ctx context.Context, token, login, id string) error
	// RevokeTokens revokes every token of an account (a laptop lost) and
	// returns how many were live.
	RevokeTokens(ctx context.Context, token, login string) (int, error)
	// SetProfile makes a profile file the bureau's, checked by
	// app.LoadProfile, as PUT /admin/profile does; an empty data sets the
	// built-in profile whose id is name.
	SetProfile(ctx context.Context, token, name string, data []byte) (protocol.ProfileDocument, error)
	// BuiltinProfiles are the jurisdictions' profiles the bureau binary holds.
	BuiltinProfiles() []ProfileChoice
	// ProfileFile is the profile file in force, as GET /profile serves it;
	// ENOTFOUND when none is set.
	ProfileFile(ctx context.Context, token string) (protocol.ProfileDocument, error)
}

// AdminAccount is an account as the admin pages list it.
type AdminAccount = protocol.AdminAccount

// AdminToken is a token of an account; Current is the admin's own session.
type AdminToken struct {
	protocol.AdminToken
	Current bool
}

// ProfileChoice is a built-in rule profile.
type ProfileChoice struct {
	ID           string
	Jurisdiction string
	Bureau       string
	Version      string // as app.Profile.Version: tells an uploaded file from it
}

// adminNav is the admin pages' own menu.
var adminNav = []struct{ Href, Label string }{
	{"/console/admin/units", "建设单位"},
	{"/console/admin/accounts", "账号与令牌"},
	{"/console/admin/profile", "规则配置"},
	{"/console/admin/register", "已建系统登记"},
	{"/console/notices", "发布通知"},
}

// adminPages are the templates of the admin pages.
var adminPages = []string{"admin-units", "admin-unit", "admin-accounts", "admin-account", "admin-profile", "admin-register"}

// adminRoutes adds the admin pages to the console's mux; cop guards every POST.
func (c *Console) adminRoutes(cop *http.CrossOriginProtection) {
	post := func(pattern string, h sessionHandler) {
		c.mux.Handle("POST "+pattern, cop.Handler(c.authed(c.admin(h))))
	}
	get := func(pattern string, h sessionHandler) { c.mux.Handle("GET "+pattern, c.authed(c.admin(h))) }
	get("/console/admin/{$}", func(w http.ResponseWriter, r *http.Request, s *session) {
		http.Redirect(w, r, "/console/admin/units", http.StatusSeeOther)
	})
	get("/console/admin/units", c.units)
	post("/console/admin/units", c.addUnit)
	get("/console/admin/units/{id}", c.unitForm)
	post("/console/admin/units/{id}", c.editUnit)
	post("/console/admin/units/{id}/disable", c.disableUnit)
	get("/console/admin/accounts", c.accounts)
	post("/console/admin/accounts", c.addAccount)
	get("/console/admin/accounts/{login}", c.accountPage)
	post("/console/admin/accounts/{login}/password", c.resetPassword)
	post("/console/admin/accounts/{login}/disable", c.disableAccount)
	post("/console/admin/accounts/{login}/tokens/revoke", c.revokeToken)
	post("/console/admin/accounts/{login}/tokens/revoke-all", c.revokeAllTokens)
	get("/console/admin/profile", c.profilePage)
	get("/console/admin/profile.json", c.profileFile)
	post("/console/admin/profile", c.setProfile)
	post("/console/admin/profile/calendar", c.addCalendarYear)
	c.mux.Handle("POST /console/admin/profile/upload", cop.Handler(c.authedLimit(c.admin(c.uploadProfile), maxProfileUpload)))
	c.registerRoutes(cop)
}

// formProblem reads a POST's form and says what kept it from being read,
// so that an upload too large, or a body cut short, is said to be, not
// taken for a form without its CSRF token: 413 when it is over its limit,
// 408 when its body came too slowly or stopped (the server's pace); 0 when
// it was read.
func formProblem(r *http.Request) int {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20) // parts past 1 MB go to temporary files
	} else {
		err = r.ParseForm()
	}
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		return http.StatusRequestTimeout
	}
	// A browser sends a text box's line breaks as CR LF, and its
	// maxlength counts each as one character: a 退回修改 reason the box
	// took was refused as over 4,000 characters, its 60 line breaks
	// counted twice, and the ones taken were kept with CRs (found from
	// outside). Line breaks are LF from here on, as the API's are.
	for _, form := range []url.Values{r.PostForm, r.Form} {
		for k, vs := range form {
			if k == "password" || k == "new_password" || k == "confirm" {
				continue // a password is what was typed, every byte of it
			}
			for i, v := range vs {
				if strings.ContainsRune(v, '\r') {
					vs[i] = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
				}
			}
			form[k] = vs
		}
	}
	return 0
}

// stalledText says that a form whose body stopped coming was not taken.
const stalledText = "提交的内容发送过慢或中断，审核台已停止等待，没有作处理。请检查网络后返回上一页重新提交。"

// maxProfileUpload bounds an uploaded profile file with its form.
const maxProfileUpload = 1 << 20

// admin runs h for an admin session and shows anyone else a 403 page.
func (c *Console) admin(h sessionHandler) sessionHandler {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		if s.Role != app.RoleAdmin {
			c.errorPage(w, r, http.StatusForbidden, "无权访问", "单位、账号、令牌和规则配置仅供本局管理员管理。")
			return
		}
		h(w, r, s)
	}
}

func (c *Console) ab() AdminBackend { return c.b }

// formError is a refused form: a message for the page and one per field.
type formError struct {
	Message string
	Fields  map[string]string
}

// problem turns err into a formError when the admin can fix it (EINVALID,
// ECONFLICT, ENOTFOUND) and returns false for anything else.
func problem(err error) (formError, bool) {
	switch app.ErrorCode(err) {
	case app.EINVALID, app.ECONFLICT, app.ENOTFOUND:
	default:
		return formError{}, false
	}
	fe := formError{Fields: map[string]string{}}
	var msgs []string
	for _, f := range app.FieldErrors(err) {
		fe.Fields[f.Field] = f.Message
		msgs = append(msgs, f.Message)
	}
	if len(msgs) == 0 {
		msgs = append(msgs, app.ErrorMessage(err))
	}
	fe.Message = strings.Join(msgs, "；")
	return fe, true
}

// adminView is around every admin page: the menu, the CSRF token, the
// refused form if any and what was done.
type adminView struct {
	Nav     []struct{ Href, Label string }
	Here    string
	CSRF    string
	Err     formError
	Done    string
	Data    any
	Form    url.Values
	Extra   any
	Current string // the admin's own login
	// Confirm is the unit 停用 asks to confirm (the units page), nil when none.
	Confirm *protocol.Unit
}

func (c *Console) renderAdmin(w http.ResponseWriter, r *http.Request, s *session, status int, name, title string, v adminView) {
	v.Nav, v.Here, v.CSRF, v.Current = adminNav, r.URL.Path, s.CSRF, s.Login
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if v.Done == "" {
		v.Done = doneMessages[r.URL.Query().Get("done")]
	}
	c.render(w, r, status, name, page{Title: title, Session: s, Data: v})
}

// doneMessages are the confirmations of the ?done= codes the forms
// redirect to (a code, so that no text can be injected through the URL).
var doneMessages = map[string]string{
	"unit-added": "已添加单位。", "unit-saved": "已保存单位信息。", "unit-disabled": "已停用该单位：其账号不能再登录。",
	"unit-enabled": "已启用该单位。", "account-added": "已添加账号。", "password": "已重设密码，该账号原有的登录均已失效。",
	"account-disabled": "已停用该账号。", "account-enabled": "已启用该账号。", "revoked": "已吊销令牌。",
	"profile": "新的规则配置已生效，各建设单位的客户端联网时将收到它。", "register": "已导入已建系统登记表。",
	"revoked-all": "已吊销该账号的全部令牌：它的客户端和审核台须重新登录。",
	"calendar":    "已补充节假日安排：该年的办理期限即按所列日期计算，各建设单位的客户端联网时将收到新的规则。",
}

func redirectDone(w http.ResponseWriter, r *http.Request, to, done string) {
	http.Redirect(w, r, to+"?done="+url.QueryEscape(done), http.StatusSeeOther)
}

// units lists the units with the form to add one.
func (c *Console) units(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderUnits(w, r, s, http.StatusOK, adminView{})
}

// unitsView is the units page: the units the search finds, in pinyin
// order, out of All.
type unitsView struct {
	Units    []protocol.Unit
	All      int
	Q, State string // the search: words of the name or the code; "on", "off" or ""
	Searched bool
	Disabled int    // units disabled, of All
	Problem  string // what in the search cannot be read
	Back     string // the list as searched, for 取消
}

// maxUnitSearch bounds the units page's search, in characters.
const maxUnitSearch = 100

func (c *Console) renderUnits(w http.ResponseWriter, r *http.Request, s *session, status int, v adminView) {
	units, err := c.ab().AdminUnits(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost { // 停用's question and an added unit's error keep the search
		q = url.Values{"q": {r.PostFormValue("q")}, "state": {r.PostFormValue("state")}}
	}
	uv := unitsView{All: len(units), Problem: checkFormText(q)}
	uv.Q, uv.State = strings.TrimSpace(q.Get("q")), q.Get("state")
	switch {
	case utf8.RuneCountInString(uv.Q) > maxUnitSearch:
		uv.Problem, uv.Q = fmt.Sprintf("查找的字词不超过 %d 个字", maxUnitSearch), ""
	case uv.State != "" && uv.State != "on" && uv.State != "off":
		uv.Problem, uv.State = "请从列表中选择状态", ""
	}
	if uv.Problem != "" && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	uv.Searched = uv.Q != "" || uv.State != ""
	uv.Back = "/console/admin/units"
	if uv.Searched {
		uv.Back += "?" + unitsSearch(uv.Q, uv.State).Encode()
	}
	byPinyin(units, func(u protocol.Unit) string { return u.Name })
	for _, u := range units {
		if u.Disabled {
			uv.Disabled++
		}
		if unitMatches(u, uv.Q, uv.State) {
			uv.Units = append(uv.Units, u)
		}
	}
	v.Data = uv
	// 停用/启用 name the unit they acted on (by its ID in the URL, looked
	// up here: no text comes through the URL).
	if done := r.URL.Query().Get("done"); (done == "unit-disabled" || done == "unit-enabled") && v.Done == "" {
		for _, u := range units {
			if u.ID == r.URL.Query().Get("unit") {
				if done == "unit-disabled" {
					v.Done = fmt.Sprintf("已停用“%s”（%s）：其账号不能再登录，令牌不再有效。", u.Name, u.Code)
				} else {
					v.Done = fmt.Sprintf("已启用“%s”（%s）。", u.Name, u.Code)
				}
			}
		}
	}
	c.renderAdmin(w, r, s, status, "admin-units", "建设单位", v)
}

// unitMatches reports whether u is found by the units page's search:
// every word of q in its name or its code (any case), in the state asked.
func unitMatches(u protocol.Unit, q, state string) bool {
	if state == "on" && u.Disabled || state == "off" && !u.Disabled {
		return false
	}
	for _, w := range strings.Fields(strings.ToUpper(q)) {
		if !strings.Contains(strings.ToUpper(u.Name), w) && !strings.Contains(strings.ToUpper(u.Code), w) {
			return false
		}
	}
	return true
}

func (c *Console) addUnit(w http.ResponseWriter, r *http.Request, s *session) {
	_, err := c.ab().AddUnit(r.Context(), s.token, r.PostFormValue("name"), r.PostFormValue("code"))
	if err == nil {
		redirectDone(w, r, "/console/admin/units", "unit-added")
		return
	}
	fe, ok := problem(err)
	if !ok {
		c.fail(w, r, err)
		return
	}
	c.renderUnits(w, r, s, http.StatusUnprocessableEntity, adminView{Err: fe, Form: r.PostForm})
}

func (c *Console) findUnit(r *http.Request, s *session) (protocol.Unit, error) {
	units, err := c.ab().AdminUnits(r.Context(), s.token)
	if err != nil {
		return protocol.Unit{}, err
	}
	for _, u := range units {
		if u.ID == r.PathValue("id") {
			return u, nil
		}
	}
	return protocol.Unit{}, app.Errorf(app.ENOTFOUND, "没有找到这个单位")
}

// unitForm edits a unit's name and credit code.
func (c *Console) unitForm(w http.ResponseWriter, r *http.Request, s *session) {
	u, err := c.findUnit(r, s)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderAdmin(w, r, s, http.StatusOK, "admin-unit", "编辑单位", adminView{Data: u,
		Form: url.Values{"name": {u.Name}, "code": {u.Code}}})
}

func (c *Console) editUnit(w http.ResponseWriter, r *http.Request, s *session) {
	u, err := c.findUnit(r, s)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	_, err = c.ab().UpdateUnit(r.Context(), s.token, u.ID, r.PostFormValue("name"), r.PostFormValue("code"))
	if err == nil {
		redirectDone(w, r, "/console/admin/units", "unit-saved")
		return
	}
	fe, ok := problem(err)
	if !ok {
		c.fail(w, r, err)
		return
	}
	c.renderAdmin(w, r, s, http.StatusUnprocessableEntity, "admin-unit", "编辑单位", adminView{Data: u, Err: fe, Form: r.PostForm})
}

func (c *Console) disableUnit(w http.ResponseWriter, r *http.Request, s *session) {
	disable := r.PostFormValue("disabled") == "1"
	if disable && r.PostFormValue("confirm") != "1" {
		// One click stopped every account of a unit, mid-deadline: the
		// page asks first, naming the unit.
		u, err := c.findUnit(r, s)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		c.renderUnits(w, r, s, http.StatusOK, adminView{Confirm: &u})
		return
	}
	if err := c.ab().SetUnitDisabled(r.Context(), s.token, r.PathValue("id"), disable); err != nil {
		c.fail(w, r, err)
		return
	}
	done := "unit-enabled"
	if disable {
		done = "unit-disabled"
	}
	back := unitsSearch(r.PostFormValue("q"), r.PostFormValue("state")) // the list as it was searched
	back.Set("done", done)
	back.Set("unit", r.PathValue("id"))
	http.Redirect(w, r, "/console/admin/units?"+back.Encode(), http.StatusSeeOther)
}

// unitsSearch is the units page's query for a search: its words and
// state, those given.
func unitsSearch(q, state string) url.Values {
	v := url.Values{}
	if q = strings.TrimSpace(q); q != "" {
		v.Set("q", q)
	}
	if state != "" {
		v.Set("state", state)
	}
	return v
}

// accountsData is the accounts page: the list, and the units and roles of
// the form that adds one.
type accountsData struct {
	Accounts []AdminAccount
	Units    []protocol.Unit
	Roles    []app.Role
	Rules    string // the password policy in words
}

func (c *Console) accounts(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderAccounts(w, r, s, http.StatusOK, adminView{Form: url.Values{"role": {string(app.RoleUnit)}}})
}

func (c *Console) renderAccounts(w http.ResponseWriter, r *http.Request, s *session, status int, v adminView) {
	accts, err := c.ab().Accounts(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	units, err := c.ab().AdminUnits(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	byPinyin(units, func(u protocol.Unit) string { return u.Name })
	v.Data = accountsData{Accounts: accts, Units: units, Roles: app.Roles, Rules: c.b.PasswordRules()}
	c.renderAdmin(w, r, s, status, "admin-accounts", "账号与令牌", v)
}

func (c *Console) addAccount(w http.ResponseWriter, r *http.Request, s *session) {
	req := protocol.AdminAccountRequest{Login: r.PostFormValue("login"), Name: r.PostFormValue("name"),
		Role: r.PostFormValue("role"), Password: r.PostFormValue("password")}
	if app.Role(req.Role) == app.RoleUnit {
		req.UnitID = r.PostFormValue("unit")
	}
	_, err := c.ab().AddAccount(r.Context(), s.token, req)
	if err == nil {
		redirectDone(w, r, "/console/admin/accounts", "account-added")
		return
	}
	fe, ok := problem(err)
	if !ok {
		c.fail(w, r, err)
		return
	}
	form := cloneValues(r.PostForm)
	form.Del("password") // never sent back into a page
	form.Del(csrfField)
	c.renderAccounts(w, r, s, http.StatusUnprocessableEntity, adminView{Err: fe, Form: form})
}

// accountData is one account's page: its password, state and tokens.
type accountData struct {
	Account AdminAccount
	Tokens  []AdminToken
	Now     time.Time
}

func (c *Console) accountPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderAccount(w, r, s, http.StatusOK, adminView{})
}

func (c *Console) renderAccount(w http.ResponseWriter, r *http.Request, s *session, status int, v adminView) {
	login := r.PathValue("login")
	accts, err := c.ab().Accounts(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var d accountData
	found := false
	for _, a := range accts {
		if a.Login == login {
			d.Account, found = a, true
		}
	}
	if !found {
		c.fail(w, r, app.Errorf(app.ENOTFOUND, "没有账号“%s”", login))
		return
	}
	if d.Tokens, err = c.ab().Tokens(r.Context(), s.token, login); err != nil {
		c.fail(w, r, err)
		return
	}
	d.Now = c.b.Now()
	v.Data = d
	c.renderAdmin(w, r, s, status, "admin-account", "账号 "+login, v)
}

func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request, s *session) {
	login := r.PathValue("login")
	pw := r.PostFormValue("password")
	var err error
	if pw != r.PostFormValue("password2") {
		err = &app.Error{Code: app.EINVALID, Message: "两次输入的密码不一致",
			Fields: []app.FieldError{{Field: "password2", Message: "两次输入的密码不一致，请重新输入"}}}
	} else {
		err = c.ab().SetPassword(r.Context(), s.token, login, pw)
	}
	if err == nil {
		if login == s.Login { // the admin's own session went with the old password
			http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
			http.Redirect(w, r, "/console/login", http.StatusSeeOther)
			return
		}
		redirectDone(w, r, "/console/admin/accounts/"+url.PathEscape(login), "password")
		return
	}
	fe, ok := problem(err)
	if !ok {
		c.fail(w, r, err)
		return
	}
	c.renderAccount(w, r, s, http.StatusUnprocessableEntity, adminView{Err: fe})
}

func (c *Console) disableAccount(w http.ResponseWriter, r *http.Request, s *session) {
	login := r.PathValue("login")
	disable := r.PostFormValue("disabled") == "1"
	if disable && r.PostFormValue("confirm") != "1" {
		// A unit's 停用 asks first; an account's took one click (found in
		// a walkthrough).
		c.renderAccount(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{
			Message: "停用后该账号不能登录，它的令牌全部失效（客户端需重新登录）。如确要停用，请勾选确认后再点“停用账号”。",
			Fields:  map[string]string{"confirm": "请勾选确认"}}})
		return
	}
	err := c.ab().SetAccountDisabled(r.Context(), s.token, login, disable)
	if err == nil {
		done := "account-enabled"
		if disable {
			done = "account-disabled"
		}
		redirectDone(w, r, "/console/admin/accounts/"+url.PathEscape(login), done)
		return
	}
	fe, ok := problem(err)
	if !ok {
		c.fail(w, r, err)
		return
	}
	c.renderAccount(w, r, s, http.StatusUnprocessableEntity, adminView{Err: fe})
}

func (c *Console) revokeToken(w http.ResponseWriter, r *http.Request, s *session) {
	login := r.PathValue("login")
	if err := c.ab().RevokeToken(r.Context(), s.token, login, r.PostFormValue("id")); err != nil {
		c.fail(w, r, err)
		return
	}
	redirectDone(w, r, "/console/admin/accounts/"+url.PathEscape(login), "revoked")
}

// revokeAllTokens revokes every token of an account at once: a laptop lost
// or a clerk gone had each token revoked one by one (the API had it, the
// console did not).
func (c *Console) revokeAllTokens(w http.ResponseWriter, r *http.Request, s *session) {
	login := r.PathValue("login")
	if _, err := c.ab().RevokeTokens(r.Context(), s.token, login); err != nil {
		c.fail(w, r, err)
		return
	}
	redirectDone(w, r, "/console/admin/accounts/"+url.PathEscape(login), "revoked-all")
}

// profileData is the profile page: the profile in force and the built-in
// ones, and the years of holidays its working days count with.
type profileData struct {
	Active   *app.Profile
	Builtins []ProfileChoice
	// National are the years of the schedule the bureau binary ships with,
	// Own those the profile's calendar enters; CalendarNote says what is
	// missing, "" when nothing is.
	National, Own []int
	CalendarNote  string
	// Refused lists what the profile in force lacks that setting it now
	// would refuse (Profile.CheckNew): stored before those checks, it still
	// loads, and the page says what to correct.
	Refused []app.FieldError
	// Custom: the profile in force is not a built-in one as shipped (an
	// uploaded file, a year's holidays added): switching replaces it, and
	// the page asks to confirm that.
	Custom bool
	// Shipped is the built-in profile of the same jurisdiction when the one
	// in force differs from it: an upload, or this built-in profile as an
	// earlier release shipped it (a bureau keeps the profile it was given,
	// so a new release's corrections were taken by no one); nil otherwise.
	Shipped *ProfileChoice
}

func (c *Console) profilePage(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderProfile(w, r, s, http.StatusOK, adminView{})
}

func (c *Console) renderProfile(w http.ResponseWriter, r *http.Request, s *session, status int, v adminView) {
	d := profileData{Active: c.b.Profile(), Builtins: c.ab().BuiltinProfiles(), National: app.NationalYears(),
		CalendarNote: calendarNote(c.b.Profile(), c.b.Now())}
	if d.Active != nil {
		if missing := d.Active.Calendar.Missing(c.b.Now()); len(missing) > 0 && v.Form.Get("year") == "" {
			if v.Form == nil {
				v.Form = url.Values{}
			}
			v.Form.Set("year", strconv.Itoa(missing[0])) // the year the note asks for
		}
		d.Own = d.Active.Calendar.Years()
		d.Refused = app.FieldErrors(d.Active.CheckNew())
		d.Custom = customProfile(d.Active, d.Builtins)
		if i := slices.IndexFunc(d.Builtins, func(b ProfileChoice) bool { return b.ID == d.Active.ID }); i >= 0 && d.Custom {
			d.Shipped = &d.Builtins[i]
		}
	}
	v.Data = d
	c.renderAdmin(w, r, s, status, "admin-profile", "规则配置", v)
}

// profileFile sends the profile in force as an indented JSON file, to be
// edited (a year's holidays added to its calendar) and uploaded again.
func (c *Console) profileFile(w http.ResponseWriter, r *http.Request, s *session) {
	doc, err := c.ab().ProfileFile(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var out bytes.Buffer
	if err := json.Indent(&out, doc.Profile, "", "  "); err != nil {
		c.fail(w, r, err)
		return
	}
	out.WriteByte('\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.ID + ".json"}))
	h.Set("Cache-Control", "no-store")
	w.Write(out.Bytes())
}

// customProfile reports whether active is not one of builtins as shipped.
func customProfile(active *app.Profile, builtins []ProfileChoice) bool {
	return !slices.ContainsFunc(builtins, func(b ProfileChoice) bool { return b.ID == active.ID && b.Version == active.Version })
}

// setProfile switches to a built-in profile. One uploaded (a year's
// holidays added) is replaced only when the admin ticked that they mean
// it: one click on 切换, preselected to the same jurisdiction, threw the
// uploaded calendar away and told every unit of a profile change.
func (c *Console) setProfile(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PostFormValue("builtin")
	if id == "" {
		c.renderProfile(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{Message: "请选择要切换的内置配置",
			Fields: map[string]string{"builtin": "请选择辖区"}}})
		return
	}
	if a := c.b.Profile(); a != nil && a.ID != id && r.PostFormValue("confirm") != "1" {
		// Another jurisdiction's rules take over the filings under review
		// at once (their next steps, who decides them): one click on 切换
		// did that (found in a walkthrough).
		c.renderProfile(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{
			Message: fmt.Sprintf("切换会改用所选辖区的规则：正在审核的材料随即按其审核步骤继续办理（已作出的决定不变），各单位收到规则变更通知。如确要从“%s”切换，请勾选确认后再点“切换”。", a.Jurisdiction),
			Fields:  map[string]string{"confirm": "请勾选确认"}}, Form: url.Values{"builtin": {id}}})
		return
	}
	if a := c.b.Profile(); a != nil && customProfile(a, c.ab().BuiltinProfiles()) && r.PostFormValue("replace") != "1" {
		c.renderProfile(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{
			Message: "当前生效的是上传的规则文件，切换会替换它（其中补充的节假日等不再生效）。如确要切换，请先下载当前规则文件留存，再勾选“替换上传的规则文件”后切换。",
			Fields:  map[string]string{"replace": "请勾选确认"}}, Form: url.Values{"builtin": {id}}})
		return
	}
	c.profileResult(w, r, s, id, nil)
}

// uploadProfile sets a profile file uploaded from the admin's computer.
func (c *Console) uploadProfile(w http.ResponseWriter, r *http.Request, s *session) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		c.renderProfile(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{Message: "请选择要上传的规则文件（.json）",
			Fields: map[string]string{"file": "请选择文件"}}})
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if len(data) == 0 {
		c.renderProfile(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{Message: fmt.Sprintf("规则文件“%s”是空的", hdr.Filename)}})
		return
	}
	c.profileResult(w, r, s, uploadName(hdr.Filename, data), data)
}

// uploadName is the name an uploaded profile is loaded under: the file's,
// unless the profile names its own id, when it is <id>.json. A browser
// saves a second download of huoqiu.json as "huoqiu (1).json", which the
// id check refused though the file was the right one.
func uploadName(filename string, data []byte) string {
	var head struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &head) == nil && app.ValidID(head.ID) {
		return head.ID + ".json"
	}
	return filename
}

func (c *Console) profileResult(w http.ResponseWriter, r *http.Request, s *session, name string, data []byte) {
	_, err := c.ab().SetProfile(r.Context(), s.token, name, data)
	if err == nil {
		redirectDone(w, r, "/console/admin/profile", "profile")
		return
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		c.fail(w, r, err)
		return
	}
	fe, ok := problem(err)
	if !ok {
		c.fail(w, r, err)
		return
	}
	// app.LoadProfile names the file and every JSON path: show them all.
	fe.Message = app.ErrorMessage(err)
	c.renderProfile(w, r, s, http.StatusUnprocessableEntity, adminView{Err: fe, Form: url.Values{"builtin": {name}},
		Extra: fieldOnce(app.FieldErrors(err))})
}

// addCalendarYear enters a year's holiday notice from the profile page's
// form into the profile in force: an admin had to download the profile,
// edit its JSON by hand and upload it, and learnt of one mistake per try.
// Every date that cannot be read is named at once, and the form keeps what
// was typed.
func (c *Console) addCalendarYear(w http.ResponseWriter, r *http.Request, s *session) {
	form := url.Values{}
	fields := map[string]string{}
	for _, k := range []string{"year", "source", "holidays", "workdays"} {
		v := strings.TrimSpace(r.PostFormValue(k))
		// What cannot be kept is said, not kept mended: a name of bytes
		// FF FE went into the profile as "�" (found from outside).
		if msg := app.CheckString(v, 1<<16, k == "year" || k == "source"); msg != "" {
			fields[k] = "内容" + msg + "，请重新输入"
		}
		form.Set(k, echo(v)) // shown back as it can be
	}
	refuse := func(msg string, fields map[string]string, extra []app.FieldError) {
		c.renderProfile(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{Message: msg, Fields: fields}, Form: form, Extra: extra})
	}
	year, err := strconv.Atoi(app.AsTyped(form.Get("year"))) // ２０２８ as an input method types it
	switch {
	case strings.TrimSpace(form.Get("year")) == "":
		fields["year"] = "请填写年份，如 2028"
		year = 0
	case err != nil || year < 2000 || year > 2100:
		// "1999" was filled in, and was told to be (found in a walkthrough).
		fields["year"] = "年份应为 2000 至 2100 之间的四位数字，如 2028"
		year = 0
	}
	switch src := form.Get("source"); {
	case src == "":
		fields["source"] = "请填写通知名称和文号，如《国务院办公厅关于20××年部分节假日安排的通知》（国办发明电〔20××〕×号）"
	case utf8.RuneCountInString(src) > maxCalendarSource:
		fields["source"] = fmt.Sprintf("不超过 %d 个字", maxCalendarSource)
	}
	var y app.CalendarYear
	if year > 0 {
		var hp, wp []string
		y.Holidays, hp = app.ParseDateList(form.Get("holidays"), year)
		y.Workdays, wp = app.ParseDateList(form.Get("workdays"), year)
		switch {
		case len(hp) > 0:
			fields["holidays"] = strings.Join(hp, "；")
		case len(y.Holidays) == 0:
			fields["holidays"] = "请列出通知中的全部放假日期"
		}
		if len(wp) > 0 {
			fields["workdays"] = strings.Join(wp, "；")
		}
	}
	if len(fields) > 0 {
		refuse("节假日安排有误，请按各项提示改正", fields, nil)
		return
	}
	y.Year, y.Source = year, form.Get("source")
	// The profile is read, changed and written back: two admins entering
	// two years at once each wrote the profile with their year only.
	// Within this process one form at a time; bureaus of several processes
	// can still lose one of two forms sent in the same instant.
	c.profileMu.Lock()
	defer c.profileMu.Unlock()
	doc, err := c.ab().ProfileFile(r.Context(), s.token)
	if app.ErrorCode(err) == app.ENOTFOUND {
		refuse("尚未设置规则配置：请先切换为内置配置或上传规则文件，再补充节假日安排", nil, nil)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	data, at, err := app.WithCalendarYear(doc.Profile, y)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if _, err := c.ab().SetProfile(r.Context(), s.token, doc.ID+".json", data); err != nil {
		if _, ok := problem(err); !ok {
			c.fail(w, r, err)
			return
		}
		fields, extra := calendarFields(fieldOnce(app.FieldErrors(err)), at)
		refuse(fmt.Sprintf("%d 年的节假日安排未能生效，请改正后再提交", year), fields, extra)
		return
	}
	redirectDone(w, r, "/console/admin/profile", "calendar")
}

// calendarFields puts the profile check's findings on the year's notice
// (calendar.years[i].holidays[j], .workdays[j], .source) under the form's
// box they came from, so the admin is told beside what was typed; the rest
// stay as they are, named by their path.
func calendarFields(fes []app.FieldError, i int) (map[string]string, []app.FieldError) {
	fields := map[string]string{}
	var rest []app.FieldError
	of := fmt.Sprintf("calendar.years[%d].", i) // the year typed: another's findings are not of this form
	for _, fe := range fes {
		box := ""
		if sub, ok := strings.CutPrefix(fe.Field, of); ok && i >= 0 {
			box, _, _ = strings.Cut(sub, "[")
		}
		switch box {
		case "holidays", "workdays", "source":
			if fields[box] != "" {
				fields[box] += "；"
			}
			fields[box] += fe.Message
		default:
			rest = append(rest, fe)
		}
	}
	return fields, rest
}

// maxCalendarSource bounds a notice's name and number, in characters.
const maxCalendarSource = 200

func init() {
	funcs["hasPrefix"] = strings.HasPrefix
	funcs["tokenLabel"] = tokenLabel
}

// tokenLabel says in Chinese what the server's token labels say: "login
// from <address>" (the API's login), "console from <address>"; any other
// label (bureau token --label) as it is.
func tokenLabel(l string) string {
	for _, p := range [][2]string{{"login from ", "客户端登录，来自 "}, {"console from ", "审核台登录，来自 "}} {
		if rest, ok := strings.CutPrefix(l, p[0]); ok {
			return p[1] + rest
		}
	}
	return l
}

// fieldOnce drops the path a message repeats at its start, as the page
// names the path before it: "calendar.years[0].workdays[3]：calendar.
// years[0].workdays[3]：2027-03-03 是工作日" read twice.
func fieldOnce(fes []app.FieldError) []app.FieldError {
	out := make([]app.FieldError, len(fes))
	for i, fe := range fes {
		fe.Message = strings.TrimPrefix(fe.Message, fe.Field+"：")
		out[i] = fe
	}
	return out
}
