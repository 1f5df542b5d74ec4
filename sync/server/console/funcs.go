package console

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"egovdesk/app"
)

// choiceLists name app's code lists for the label template function.
var choiceLists = map[string][]app.Choice{
	"nature": app.NatureChoices, "service": app.ServiceTypeChoices, "class": app.ClassChoices,
	"plan": app.PlanChoices, "deploy": app.DeployChoices, "funding": app.FundingChoices,
	"budget": app.BudgetChoices, "level": app.SecurityLevelChoices,
	"format": app.FormatClassChoices, "datatype": app.DataTypeChoices, "share": app.ShareTypeChoices,
	"sharemode": app.ShareModeClassChoices, "cycle": app.UpdateCycleChoices, "usage": app.DemandUsageChoices,
	"negative": app.NegativeCategoryChoices, "impl": app.ImplStatusChoices, "severity": app.SeverityChoices,
	"issue": app.IssueStatusChoices, "network": app.NetworkChoices, "dengbao": app.DengbaoChoices,
	"crypto": app.CryptoStatusChoices, "adjust": app.AdjustTypeChoices, "perf": app.PerformanceTypeChoices,
	"unit_type": app.UnitTypeChoices,
}

var funcs = template.FuncMap{
	// label is the Chinese label of a code in one of app's lists.
	"label": func(list string, code any) string {
		c := fmt.Sprint(code)
		if c == "" || c == "0" {
			return ""
		}
		return app.LabelOf(choiceLists[list], c)
	},
	// formatType and shareMode say a resource's format type and share mode
	// as the catalogue's code sets do.
	"formatType": func(r app.Resource) string { return app.LabelOf(app.FormatTypeChoices(r.FormatClass), r.FormatType) },
	"shareMode": func(r app.Resource) string {
		m := app.LabelOf(app.ShareModeClassChoices, string(r.ShareModeClass))
		if t := app.LabelOf(app.ShareModeTypeChoices(r.ShareModeClass), string(r.ShareModeType)); t != "" {
			m += "（" + t + "）"
		}
		return m
	},
	"kindLabel":   func(k app.Kind) string { return k.Label() }, // the rules' names: Console.funcs
	"statusLabel": func(s app.Status) string { return s.Label() },
	// statusFilter names a state in a filter over every kind.
	"statusFilter": func(s app.Status) string { return s.FilterLabel() },
	"actionLabel":  func(a app.Action) string { return a.Label() },
	// actionLabelFor names an action in the terms of the filing's kind
	// (不予备案, not 不予立项, for a later filing).
	"actionLabelFor": func(a app.Action, k app.Kind) string { return a.LabelFor(k) },
	"statusLabelFor": func(s app.Status, k app.Kind) string { return s.LabelFor(k) },
	"actionOn":       func(a app.Action, k app.Kind, _ string) string { return a.LabelFor(k) },
	"stateOn":        func(s app.Status, k app.Kind, _ string) string { return s.LabelFor(k) },
	"roleLabel":      func(r app.Role) string { return r.Label() },
	"jointLabel":     func(r app.Role) string { return r.JointLabel() },
	// roleAs names the role a decision was taken in: a department's
	// 联审同意 as 发展改革部门·联审, its 批复立项 as 发展改革部门 (the
	// history read 县发改委…（发展改革部门）联审同意 beside （财政部门·联审）).
	"roleAs": func(r app.Role, a app.Action) string {
		if a == app.ActionConcur {
			return r.JointLabel()
		}
		return r.Label()
	},
	"hasRole": func(rs []app.Role, r app.Role) bool { return slices.Contains(rs, r) },
	"similarWeight": func(of string) int { // app.SimilarityScore's, said in the score's tooltip
		if of == "name" {
			return app.SimilarNameWeight
		}
		return app.SimilarContentWeight
	},
	// materialLabel names an attachment's material; a code egovdesk does
	// not know (a client of another release) says so, not only the code
	// (data_sharing was shown bare; a walkthrough).
	"materialLabel": func(code string) string {
		if code == "" || app.KnownMaterial(code) {
			return app.MaterialLabel(code)
		}
		return "本系统未列明的材料（代码 " + code + "）"
	},
	// code writes a resource code (分类码/顺序码) to break only after its
	// slash: in a narrow window 307001/000001 broke as 307001/00 | 0001
	// (found at 800 px). What is not one is written as it is.
	"code": func(s string) template.HTML {
		c, q, ok := strings.Cut(s, "/")
		if !ok {
			return template.HTML(template.HTMLEscapeString(s))
		}
		return template.HTML(`<span class="rescode">` + template.HTMLEscapeString(c) + `/<wbr>` + template.HTMLEscapeString(q) + `</span>`)
	},
	// wan and yuan are app's own formatting of integer fen.
	"wan": func(m app.Money) string { return m.WanString() },
	// wanIfSet leaves an optional amount not given blank, not "0".
	"wanIfSet": func(m app.Money) string {
		if m == 0 {
			return ""
		}
		return m.WanString()
	},
	"yuan": func(m app.Money) string { return m.YuanString() },
	"time": fmtTime,
	// years lists years as 2025、2026.
	"years": yearsText,
	// percent writes a similarity from 0 to 1 as a whole percentage.
	"percent": func(x float64) string { return fmt.Sprintf("%.0f%%", x*100) },
	// percentBP is a share in basis points as app words it ("12.5%").
	"percentBP": app.PercentText,
	"date":      day,
	// optCount and optShare write an optional figure left at zero as
	// 未填写, as the printed copy does.
	"optCount": app.OptionalCount,
	"optShare": app.OptionalShare,
	"yesno": func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	},
	"size": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d 字节", n)
	},
	"join": func(xs any) string {
		switch t := xs.(type) {
		case []string:
			return strings.Join(t, "、")
		case []app.ServiceType:
			var out []string
			for _, s := range t {
				out = append(out, app.LabelOf(app.ServiceTypeChoices, string(s)))
			}
			return strings.Join(out, "、")
		case []app.Network:
			var out []string
			for _, s := range t {
				out = append(out, app.LabelOf(app.NetworkChoices, string(s)))
			}
			return strings.Join(out, "、")
		}
		return fmt.Sprint(xs)
	},
	// chg is the CSS class of a field that changed since the revision
	// before: path is the body's JSON path, a prefix for a whole table.
	"chg": func(c *docCtx, path ...any) string {
		p := fmt.Sprint(path...)
		if c.Changed[p] {
			return "chg"
		}
		return ""
	},
	"path": func(parts ...any) string {
		var s []string
		for _, p := range parts {
			s = append(s, fmt.Sprint(p))
		}
		return strings.Join(s, ".")
	},
	"overdue": func(due, now time.Time) bool { return !due.IsZero() && due.Before(now) },
	"selected": func(form map[string][]string, key, value string) bool {
		return len(form[key]) > 0 && form[key][0] == value
	},
	// get is a form's value as typed, put back into its box: valid UTF-8
	// (echo), as the page must be; a unit's code sent with bytes FF FE came
	// back raw in its box.
	"get": func(form map[string][]string, key string) string {
		if len(form[key]) > 0 {
			return echo(form[key][0])
		}
		return ""
	},
	"add": func(a, b int) int { return a + b },
	// isDecision tells the bureau's decisions (which print as 审核意见)
	// from the unit's submissions and withdrawals.
	"isDecision": func(a app.Action) bool { return slices.Contains(app.Decisions, a) },
	"sub":        func(a, b int) int { return a - b },
	// short is a route's label up to its colon: "总投资概算 500 万元以下".
	// short2 is a step's label without what it adds in brackets:
	// 专家论证/联审（会同…） as 专家论证/联审.
	"waitingAt": waitingAt,
	"short2": func(s string) string {
		before, _, _ := strings.Cut(s, "（")
		return before
	},
	// dict2 and row pass a part of the document and the changed paths to
	// a sub-template.
	"dict2": func(v any, c *docCtx) docPart { return docPart{V: v, C: c} },
	// rowRemark is row i of a table's remark cell (its path as the
	// client's, budget[2], labelled as app.RemarkLabel names it): a box
	// while the reviewer may return the filing, and the last return's
	// remark on the row.
	"rowRemark": func(c *docCtx, table string, i int, _ string) rowRemarkView {
		p := fmt.Sprintf("%s[%d]", table, i)
		return rowRemarkView{C: c, P: p, L: app.RemarkLabel(c.Kind, p), Show: rowCol(c, table)}
	},
	// rowCol reports whether a table has the remark column: boxes to fill,
	// or a remark of the last return on one of its rows to show (they
	// were shown only beside the boxes, found in a reviewer's walkthrough).
	"rowCol": rowCol,
	// rowEarlier lists the last return's remarks on row p and on its
	// fields (budget[1] and budget[1].amount, the latter as the API takes
	// them), each with the field it is on: a remark on a row's field was
	// listed above but shown beside no row.
	"rowEarlier": func(c *docCtx, p string) []remarkView {
		var out []remarkView
		for k, t := range c.Earlier {
			if k == p {
				out = append(out, remarkView{Path: k, Text: t})
			} else if strings.HasPrefix(k, p+".") {
				label := app.RemarkLabel(c.Kind, k)
				if i := strings.LastIndex(label, " · "); i >= 0 {
					label = label[i+len(" · "):]
				}
				out = append(out, remarkView{Path: k, Label: label, Text: t})
			}
		}
		slices.SortFunc(out, func(a, b remarkView) int { return app.CompareRemarkPaths(c.Kind, a.Path, b.Path) })
		return out
	},
	// blank reports whether a row's value is text left empty (a name
	// and phone of spaces too): a number is shown as it is, 0 included
	// (未修复高危漏洞 0 read 未填写; found in review).
	"blank": func(v any) bool {
		s, ok := v.(string)
		return ok && strings.TrimSpace(s) == ""
	},
	// between is a period as 2027-03 至 2028-06, "" when neither end is
	// given (it read " 至 " beside nothing).
	"between": func(from, to string) string {
		if from == "" && to == "" {
			return ""
		}
		return from + " 至 " + to
	},
	"row": func(c *docCtx, path, label string, v any) rowView {
		return rowView{C: c, P: path, L: label, V: v}
	},
	"isPDF": func(name, mediaType string) bool {
		return mediaType == "application/pdf" || strings.HasSuffix(strings.ToLower(name), ".pdf")
	},
}

// rowRemarkView is a table row's remark cell.
type rowRemarkView struct {
	C    *docCtx
	P, L string
	Show bool // the table has the remark column (rowCol)
}

func rowCol(c *docCtx, table string) bool {
	if c.Remarks {
		return true
	}
	for p := range c.Earlier {
		if strings.HasPrefix(p, table+"[") {
			return true
		}
	}
	return false
}

type docPart struct {
	V any
	C *docCtx
}

type rowView struct {
	C *docCtx
	P string
	L string
	V any
}
