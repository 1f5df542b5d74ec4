package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"egovdesk/app"
)

// SessionCookie is the name of the console's session cookie, for the
// server to know whose request it is (the security audit trail).
const SessionCookie = sessionCookie

// AuditRecord is a record of the security audit trail as the page shows it.
type AuditRecord struct {
	Seq     uint64
	Time    time.Time
	Actor   string
	Role    string
	Address string
	Action  string
	Target  string
	Outcome string
	Detail  string
}

// AuditFilter is a search of the trail: zero fields do not filter; After
// is the last Seq of the previous page. Newest reads the latest first,
// Before then being the last Seq of the previous page.
type AuditFilter struct {
	From, To time.Time
	Actor    string
	Action   string
	Outcome  string
	After    uint64
	Limit    int
	Newest   bool
	Before   uint64
}

// AuditBackend is what the 安全审计 page needs: a page of the trail, for
// an admin's or an auditor's session only (EFORBIDDEN otherwise). Nothing
// edits the trail.
type AuditBackend interface {
	AuditRecords(ctx context.Context, token string, f AuditFilter) (recs []AuditRecord, more bool, err error)
}

type auditView struct {
	Actions []app.Choice // the operations the filter offers, by label
	Form    map[string]string
	Records []AuditRecord
	Next    string // the page of earlier records, "" on the last
	First   string // the page of the latest records, "" on their page
	Problem string
	Export  string // the CSV export of the search
}

// auditRoutes serves 安全审计 when the backend has the trail.
func (c *Console) auditRoutes() {
	if _, ok := c.b.(AuditBackend); !ok {
		return
	}
	c.pages["audit"] = template.Must(template.New("layout.html").Funcs(funcs).Funcs(c.funcs()).Funcs(template.FuncMap{
		"outcomeLabel": auditOutcomeLabel, "auditRole": auditRoleLabel, "auditAction": auditActionLabel, "auditTarget": auditTarget}).ParseFS(files,
		"templates/layout.html", "templates/doc.html", "templates/audit.html"))
	c.mux.Handle("GET /console/audit", c.authed(c.auditPage))
	c.mux.Handle("GET /console/audit.csv", c.authed(c.auditCSV))
}

// auditFilter reads the search form.
func auditFilter(r *http.Request) (AuditFilter, map[string]string, string) {
	q := r.URL.Query()
	form := map[string]string{}
	if problem := checkFormText(q); problem != "" {
		return AuditFilter{}, form, problem
	}
	for _, k := range []string{"from", "to", "actor", "action", "outcome"} {
		form[k] = strings.TrimSpace(q.Get(k))
	}
	f := AuditFilter{Actor: form["actor"], Action: form["action"], Outcome: form["outcome"]}
	for k, t := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if form[k] == "" {
			continue
		}
		d, ok := parseDay(form[k])
		if !ok {
			return f, form, "日期应写成 2026-12-01 的形式（2000 至 2100 年）"
		}
		if k == "to" {
			d = d.AddDate(0, 0, 1) // through the whole day
		}
		*t = d
	}
	if a := q.Get("before"); a != "" {
		f.Before, _ = strconv.ParseUint(a, 10, 64)
	}
	return f, form, ""
}

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *session) {
	f, form, problem := auditFilter(r)
	v := auditView{Actions: auditActions, Form: form, Problem: problem}
	status := http.StatusOK
	if problem == "" {
		f.Limit, f.Newest = 100, true // what just happened first
		recs, more, err := c.b.(AuditBackend).AuditRecords(r.Context(), s.token, f)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		v.Records = recs
		q := r.URL.Query()
		q.Del("before")
		v.Export = "/console/audit.csv?" + q.Encode()
		if f.Before > 0 {
			v.First = "/console/audit?" + q.Encode()
		}
		if more && len(recs) > 0 {
			q.Set("before", strconv.FormatUint(recs[len(recs)-1].Seq, 10))
			v.Next = "/console/audit?" + q.Encode()
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	c.render(w, r, status, "audit", page{Title: "安全审计", Session: s, Data: v})
}

// auditCSV exports every record the search matches (at most
// maxExportRows), with a BOM for Excel.
func (c *Console) auditCSV(w http.ResponseWriter, r *http.Request, s *session) {
	f, _, problem := auditFilter(r)
	if problem != "" {
		c.errorPage(w, r, http.StatusUnprocessableEntity, "无法导出", problem)
		return
	}
	f.After, f.Limit, f.Before = 0, 1000, 0 // oldest first, as a record of events reads
	var rows []AuditRecord
	for {
		recs, more, err := c.b.(AuditBackend).AuditRecords(r.Context(), s.token, f)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		rows = append(rows, recs...)
		if !more || len(recs) == 0 || len(rows) >= maxExportRows {
			break
		}
		f.After = recs[len(recs)-1].Seq
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-%s.csv"`, c.b.Now().In(app.Beijing).Format("20060102-1504")))
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write([]string{"序号", "时间", "账号", "角色", "来源地址", "操作", "对象", "结果", "说明"})
	for _, e := range rows {
		row := []string{strconv.FormatUint(e.Seq, 10), e.Time.In(app.Beijing).Format(time.RFC3339), e.Actor, e.Role,
			e.Address, e.Action, e.Target, e.Outcome, e.Detail}
		for i, cell := range row {
			row[i] = safeCell(cell)
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		c.log.Warn("audit export", "err", err)
	}
}

// auditActions are the operations the trail records, in Chinese, in the
// order the filter lists them (the page showed and took the codes).
var auditActions = []app.Choice{
	{Code: "login", Label: "登录"}, {Code: "session.idle_logout", Label: "审核台空闲退出"},
	{Code: "password.change", Label: "修改密码"}, {Code: "decide", Label: "审核决定"},
	{Code: "withdraw", Label: "单位撤回提交"},
	{Code: "attachment.download", Label: "下载附件"}, {Code: "export.queue_csv", Label: "导出待审核 CSV"}, {Code: "export.late_csv", Label: "导出逾期事项 CSV"},
	{Code: "export.audit_csv", Label: "导出审计记录 CSV"}, {Code: "export.backup", Label: "在线备份"},
	{Code: "restore.page", Label: "客户端恢复（材料列表）"}, {Code: "restore.filing", Label: "客户端恢复（单份材料）"},
	{Code: "token.issue", Label: "签发令牌"}, {Code: "token.use", Label: "使用令牌"}, {Code: "token.refused", Label: "令牌被拒"},
	{Code: "token.revoke", Label: "吊销令牌"}, {Code: "token.revoke_all", Label: "吊销账号全部令牌"}, {Code: "token.gc", Label: "清理过期令牌"},
	{Code: "account.create", Label: "添加账号"}, {Code: "account.disable", Label: "停用账号"}, {Code: "account.enable", Label: "启用账号"},
	{Code: "account.password_reset", Label: "重设密码"}, {Code: "unit.create", Label: "添加单位"}, {Code: "unit.update", Label: "修改单位"},
	{Code: "unit.disable", Label: "停用单位"}, {Code: "unit.enable", Label: "启用单位"}, {Code: "profile.set", Label: "更换规则配置"},
	{Code: "register.import", Label: "导入已建系统登记"}, {Code: "notice.send", Label: "发布通知"},
	{Code: "policy.password", Label: "密码策略变更"}, {Code: "changes.prune", Label: "清理变更记录"},
	{Code: "changes.reset", Label: "重置变更游标"}, {Code: "audit.prune", Label: "清理审计记录"},
}

// auditActionLabel is the Chinese of an operation, its code when unknown.
func auditActionLabel(a string) string { return app.LabelOf(auditActions, a) }

// AuditActionLabel is auditActionLabel, for the test that every operation
// recorded has its Chinese.
func AuditActionLabel(a string) string { return auditActionLabel(a) }

// auditOutcomeLabel is the Chinese of an outcome.
func auditOutcomeLabel(o string) string {
	switch o {
	case "ok":
		return "成功"
	case "denied":
		return "拒绝"
	case "failed":
		return "失败"
	}
	return o
}

// auditRoleLabel is the Chinese of a role in the trail ("" when unknown).
func auditRoleLabel(r string) string {
	if r == "" {
		return ""
	}
	return app.Role(r).Label()
}

// auditTarget is a record's target as the page shows it: an account's
// role in Chinese ("clerk-a (unit)" → "clerk-a（建设单位）"). The trail keeps
// the codes, as it keeps the operations'.
func auditTarget(t string) string {
	login, role, ok := strings.Cut(t, " (")
	if !ok || !strings.HasSuffix(role, ")") {
		return t
	}
	role = strings.TrimSuffix(role, ")")
	if l := app.Role(role).Label(); l != role && l != "" {
		return login + "（" + l + "）"
	}
	return t
}

// homeOf is where a login of role lands: the queue, or an auditor's only
// page.
func homeOf(role app.Role) string {
	if role == app.RoleAuditor {
		return "/console/audit"
	}
	return "/console/queue"
}
