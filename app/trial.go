package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ImplStatus says how far a contracted function was implemented (实现情况).
type ImplStatus string

// Implementation statuses.
const (
	ImplDone    ImplStatus = "done"    // 已实现
	ImplPartial ImplStatus = "partial" // 部分实现：须说明偏差
	ImplMissing ImplStatus = "missing" // 未实现：须说明偏差
)

// Severity is the severity of a trial issue (问题级别).
type Severity string

// Severities.
const (
	SeveritySevere Severity = "severe" // 严重
	SeverityNormal Severity = "normal" // 一般
	SeverityMinor  Severity = "minor"  // 轻微
)

// IssueStatus says whether a trial issue was resolved.
type IssueStatus string

// Issue statuses.
const (
	IssueResolved IssueStatus = "resolved" // 已解决
	IssueOpen     IssueStatus = "open"     // 遗留：须说明遗留原因和计划
)

// Network is a network the system runs on (网络环境).
type Network string

// Networks.
const (
	NetworkExtranet Network = "egov_extranet" // 电子政务外网
	NetworkInternet Network = "internet"      // 互联网
	NetworkPrivate  Network = "private"       // 业务专网
)

// DengbaoStatus is the state of the graded protection (等级保护) of the system.
type DengbaoStatus string

// Graded protection states.
const (
	DengbaoNone      DengbaoStatus = "not_graded" // 未定级
	DengbaoGraded    DengbaoStatus = "graded"     // 已定级
	DengbaoFiled     DengbaoStatus = "filed"      // 已定级备案
	DengbaoAssessing DengbaoStatus = "assessing"  // 测评中
	DengbaoPassed    DengbaoStatus = "passed"     // 测评通过
)

// CryptoStatus is the state of the commercial cryptography assessment (密评).
type CryptoStatus string

// Cryptography assessment states.
const (
	CryptoNotApplicable CryptoStatus = "not_applicable" // 不涉及
	CryptoNotStarted    CryptoStatus = "not_started"    // 未开展
	CryptoAssessing     CryptoStatus = "assessing"      // 评估中
	CryptoPassed        CryptoStatus = "passed"         // 评估通过
)

// Code lists of the trial-operation report, in the order a form offers them.
var (
	ImplStatusChoices  = []Choice{{string(ImplDone), "已实现"}, {string(ImplPartial), "部分实现"}, {string(ImplMissing), "未实现"}}
	SeverityChoices    = []Choice{{string(SeveritySevere), "严重"}, {string(SeverityNormal), "一般"}, {string(SeverityMinor), "轻微"}}
	IssueStatusChoices = []Choice{{string(IssueResolved), "已解决"}, {string(IssueOpen), "遗留"}}
	NetworkChoices     = []Choice{{string(NetworkExtranet), "电子政务外网"}, {string(NetworkInternet), "互联网"}, {string(NetworkPrivate), "业务专网"}}
	DengbaoChoices     = []Choice{{string(DengbaoNone), "未定级"}, {string(DengbaoGraded), "已定级"}, {string(DengbaoFiled), "已定级备案"},
		{string(DengbaoAssessing), "测评中"}, {string(DengbaoPassed), "测评通过"}}
	CryptoStatusChoices = []Choice{{string(CryptoNotApplicable), "不涉及"}, {string(CryptoNotStarted), "未开展"},
		{string(CryptoAssessing), "评估中"}, {string(CryptoPassed), "评估通过"}}
)

// BasisPoints is a percentage in hundredths of a percent (10000 = 100%), so
// that 99.95% is exact. It travels in JSON as that integer. Percentages are
// never floats.
type BasisPoints int

// ParsePercent parses a percentage as typed ("99.95", "99.95%", "100"),
// with at most two decimals. It fails with an EINVALID *Error in Chinese.
func ParsePercent(s string) (BasisPoints, error) {
	t := strings.TrimSpace(strings.TrimSuffix(AsTyped(s), "%"))
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || !digits(whole) || !digits(frac) || len(whole) > 5 {
		return 0, Errorf(EINVALID, "“%s”不是有效的百分比：请填写数字，如 99.95", s)
	}
	if len(frac) > 2 {
		return 0, Errorf(EINVALID, "“%s”小数位过多：百分比最多 2 位小数", s)
	}
	n, _ := strconv.Atoi(whole + (frac + "00")[:2])
	return BasisPoints(n), nil
}

// String formats b as a percentage without trailing zeros ("99.95%", "100%").
func (b BasisPoints) String() string { return formatDecimal(int64(b), 2) + "%" }

// NotFilled is how an optional figure left at zero reads on the printed
// copy and in the review console: a box left empty holds zero, and a
// stamped "满意度 0%" or "平均响应 0 毫秒" stated what no one measured.
const NotFilled = "未填写"

// OptionalCount writes an optional figure that is never zero when measured
// (concurrent users, response times): NotFilled for zero.
func OptionalCount(n int64) string {
	if n == 0 {
		return NotFilled
	}
	return strconv.FormatInt(n, 10)
}

// OptionalShare is OptionalCount for a share (CPU and memory peaks,
// satisfaction).
func OptionalShare(b BasisPoints) string {
	if b == 0 {
		return NotFilled
	}
	return b.String()
}

// ModuleCheck compares one contracted function with what went live (功能清单对照).
type ModuleCheck struct {
	Function    string     `json:"function"`    // 功能模块
	Requirement string     `json:"requirement"` // 合同要求
	Status      ImplStatus `json:"status"`
	Deviation   string     `json:"deviation,omitempty"` // 偏差说明，部分实现或未实现时必填
}

// TrialEnvironment is the running environment (运行环境).
type TrialEnvironment struct {
	OS         string    `json:"os"`
	Database   string    `json:"database"`
	Middleware string    `json:"middleware,omitempty"`
	Versions   string    `json:"versions,omitempty"` // 系统及主要组件版本
	Xinchuang  bool      `json:"xinchuang"`          // 运行在信创（国产化）环境
	Networks   []Network `json:"networks"`
	Cloud      string    `json:"cloud,omitempty"` // 云资源：CPU、内存、存储、带宽
}

// TrialFigures are the running figures of the trial (运行情况). Counts are
// integers; availability is in basis points.
type TrialFigures struct {
	Users           int64       `json:"users"`           // 用户数
	ActiveUsers     int64       `json:"active_users"`    // 活跃用户数
	BusinessVolume  int64       `json:"business_volume"` // 业务量（办件、访问）
	VolumeUnit      string      `json:"volume_unit,omitempty"`
	Availability    BasisPoints `json:"availability"`     // 可用率
	Faults          int64       `json:"faults"`           // 故障次数
	DowntimeMinutes int64       `json:"downtime_minutes"` // 累计中断时长（分钟）
	APICalls        int64       `json:"api_calls"`        // 数据共享接口调用量
}

// TrialIssue is one problem found during the trial and its handling.
type TrialIssue struct {
	No          string      `json:"no,omitempty"` // 编号
	Found       string      `json:"found"`        // 发现日期 YYYY-MM-DD
	Description string      `json:"description"`
	Severity    Severity    `json:"severity"`
	Handling    string      `json:"handling,omitempty"` // 处理措施
	Handled     string      `json:"handled,omitempty"`  // 处理日期 YYYY-MM-DD
	Status      IssueStatus `json:"status"`
	Remaining   string      `json:"remaining,omitempty"` // 遗留问题说明（原因及整改计划）
}

// TrialPerformance is the performance and stability section (性能与稳定性).
type TrialPerformance struct {
	Concurrency    int64       `json:"concurrency"`      // 并发用户数
	AvgResponseMs  int64       `json:"avg_response_ms"`  // 平均响应时间（毫秒）
	PeakResponseMs int64       `json:"peak_response_ms"` // 峰值响应时间（毫秒）
	CPUPeak        BasisPoints `json:"cpu_peak"`
	MemoryPeak     BasisPoints `json:"memory_peak"`
	LoadTest       string      `json:"load_test,omitempty"` // 压力测试结论
}

// TrialSecurity is the security section (安全情况).
type TrialSecurity struct {
	Dengbao     DengbaoStatus `json:"dengbao"`
	VulnScan    string        `json:"vuln_scan,omitempty"` // 漏洞扫描、渗透测试结果
	HighVulns   int           `json:"high_vulns"`          // 未修复的高危漏洞数
	Crypto      CryptoStatus  `json:"crypto"`
	BackupDrill bool          `json:"backup_drill"`          // 已开展数据备份与恢复演练
	BackupNote  string        `json:"backup_note,omitempty"` // 备份策略与演练情况
}

// TrialTraining is the training given during the trial (培训情况).
type TrialTraining struct {
	Sessions int `json:"sessions"` // 培训场次
	People   int `json:"people"`   // 培训人次
}

// Opinion is a typical user opinion and the response to it (典型意见及回应).
type Opinion struct {
	Opinion  string `json:"opinion"`
	Response string `json:"response"`
}

// UserFeedback is the user feedback section (用户意见).
type UserFeedback struct {
	Satisfaction BasisPoints `json:"satisfaction"` // 满意度
	Opinions     []Opinion   `json:"opinions,omitempty"`
}

// TrialConclusion is the conclusion of the report (结论).
type TrialConclusion struct {
	Ready bool   `json:"ready"` // 具备竣工验收条件
	Text  string `json:"text"`
}

// TrialReport is a trial-operation report (试运行报告). It leads to a
// completion acceptance application once the trial has lasted the minimum
// of the jurisdiction (see CheckDuration).
type TrialReport struct {
	// 基本信息
	ProjectName string `json:"project_name"`
	UnitName    string `json:"unit_name"`            // 建设单位
	Contractor  string `json:"contractor"`           // 承建单位
	Supervisor  string `json:"supervisor,omitempty"` // 监理单位
	TrialStart  string `json:"trial_start"`          // YYYY-MM-DD
	TrialEnd    string `json:"trial_end"`            // YYYY-MM-DD
	Scope       string `json:"scope"`                // 试运行地点及用户范围

	Environment TrialEnvironment `json:"environment"`
	Modules     []ModuleCheck    `json:"modules"`
	Figures     TrialFigures     `json:"figures"`
	Issues      []TrialIssue     `json:"issues,omitempty"`
	Performance TrialPerformance `json:"performance"`
	Security    TrialSecurity    `json:"security"`
	Training    TrialTraining    `json:"training"`
	Feedback    UserFeedback     `json:"feedback"`
	Conclusion  TrialConclusion  `json:"conclusion"`
}

// TrialMonths returns the whole calendar months the trial lasted and true,
// or 0 and false when a date is missing or invalid or the end is before the
// start. See monthsBetween for the rule.
func (t *TrialReport) TrialMonths() (int, bool) { return MonthsBetween(t.TrialStart, t.TrialEnd) }

// MonthsBetween returns the whole calendar months from the date start to
// end (YYYY-MM-DD) by monthsBetween's rule, and false when a date is
// missing or invalid or end is before start.
func MonthsBetween(start, end string) (int, bool) {
	s, ok1 := parseCalDate(start)
	e, ok2 := parseCalDate(end)
	if !ok1 || !ok2 || e.before(s) {
		return 0, false
	}
	return monthsBetween(s, e), true
}

// CheckDuration reports, as problems of trial_start and trial_end, why the
// trial cannot yet lead to an acceptance application: a missing or invalid
// date, an end before the start, or a trial shorter than minMonths. It
// returns nil when minMonths ≤ 0 or the trial is long enough.
func (t *TrialReport) CheckDuration(minMonths int) []FieldError {
	return trialPeriodProblems(t.TrialStart, t.TrialEnd, minMonths)
}

func trialPeriodProblems(start, end string, minMonths int) []FieldError {
	if minMonths <= 0 {
		return nil
	}
	var p Problems
	s, okS := parseCalDate(start)
	e, okE := parseCalDate(end)
	if !okS {
		p.Add("trial_start", "请填写有效的试运行开始日期（如 2027-03-01），才能核对试运行是否满 %d 个月", minMonths)
	}
	if !okE {
		p.Add("trial_end", "请填写有效的试运行结束日期（如 2027-04-01），才能核对试运行是否满 %d 个月", minMonths)
	}
	switch {
	case !okS || !okE:
	case e.before(s):
		p.Add("trial_end", "试运行结束日期 %s 早于开始日期 %s，请改正", e, s)
	case monthsBetween(s, e) < minMonths:
		p.Add("trial_end", "试运行期为 %s 至 %s，不足 %d 个月，不能申请竣工验收（开始当日不计入，试运行应至少持续到 %s）", s, e, minMonths, s.addMonths(minMonths))
	}
	if len(p) == 0 {
		return nil
	}
	return p
}

// Validate checks the report's own rules and returns every problem at once as
// an EINVALID *Error, or nil. The minimum trial length belongs to the
// jurisdiction and is checked by CheckDuration.
func (t *TrialReport) Validate() error {
	var p Problems
	switch n := runeLen(strings.TrimSpace(t.ProjectName)); {
	case n == 0:
		p.Add("project_name", "请填写项目名称")
	case n > 100:
		p.Add("project_name", "项目名称不能超过 100 个字（现有 %d 个字）", n)
	}
	if isBlank(t.UnitName) {
		p.Add("unit_name", "请填写建设单位")
	}
	if isBlank(t.Contractor) {
		p.Add("contractor", "请填写承建单位")
	}
	if isBlank(t.Scope) {
		p.Add("scope", "请填写试运行范围（试运行地点、使用单位和用户范围）")
	}
	s, okS := parseCalDate(t.TrialStart)
	e, okE := parseCalDate(t.TrialEnd)
	if !okS {
		dateProblem(&p, "trial_start", t.TrialStart, "请填写试运行开始日期（如 2027-03-01）", "试运行开始日期“%s”不是实际存在的日期，请按 年-月-日 改正（如 2027-03-01）")
	}
	if !okE {
		dateProblem(&p, "trial_end", t.TrialEnd, "请填写试运行结束日期（如 2027-04-01）", "试运行结束日期“%s”不是实际存在的日期，请按 年-月-日 改正（如 2027-04-01）")
	}
	period := okS && okE && s.before(e)
	if okS && okE && !period {
		p.Add("trial_end", "试运行结束日期 %s 应晚于开始日期 %s", e, s)
	}
	t.validateEnvironment(&p)
	t.validateModules(&p)
	t.validateFigures(&p, s, e, period)
	t.validateIssues(&p, s, e, period)
	t.validateRest(&p)
	return p.Err()
}

func (t *TrialReport) validateEnvironment(p *Problems) {
	env := t.Environment
	if isBlank(env.OS) {
		p.Add("environment.os", "请填写运行环境的操作系统及版本（如 统信 UOS V20）")
	}
	if isBlank(env.Database) {
		p.Add("environment.database", "请填写运行环境的数据库及版本（如 达梦 DM8）")
	}
	if len(env.Networks) == 0 {
		p.Add("environment.networks", "请选择系统运行的网络（电子政务外网、互联网或业务专网）")
	}
	for i, n := range env.Networks {
		if !known(NetworkChoices, string(n)) {
			p.Add(fmt.Sprintf("environment.networks[%d]", i), "未知的网络环境“%s”", n)
		}
	}
}

func (t *TrialReport) validateModules(p *Problems) {
	if len(t.Modules) == 0 {
		p.Add("modules", "请按合同功能清单逐项填写实现情况")
	}
	for i, m := range t.Modules {
		f := fmt.Sprintf("modules[%d]", i)
		name := strings.TrimSpace(m.Function)
		if name == "" {
			p.Add(f+".function", "功能对照表第 %d 行缺少功能名称", i+1)
			name = fmt.Sprintf("第 %d 行", i+1)
		}
		if isBlank(m.Requirement) {
			p.Add(f+".requirement", "请填写功能“%s”的合同要求", name)
		}
		switch m.Status {
		case ImplDone:
		case ImplPartial, ImplMissing:
			if isBlank(m.Deviation) {
				p.Add(f+".deviation", "功能“%s”%s，请说明偏差原因及处理（如合同变更、后续补充）", name, LabelOf(ImplStatusChoices, string(m.Status)))
			}
			if m.Status == ImplMissing && t.Conclusion.Ready {
				p.Add("conclusion.ready", "合同功能“%s”未实现，不能结论为具备验收条件", name)
			}
		default:
			p.Add(f+".status", "请选择功能“%s”的实现情况（已实现、部分实现或未实现）", name)
		}
	}
}

func (t *TrialReport) validateFigures(p *Problems, s, e calDate, period bool) {
	f := t.Figures
	for _, c := range []struct {
		field string
		n     int64
		what  string
	}{{"users", f.Users, "用户数"}, {"active_users", f.ActiveUsers, "活跃用户数"}, {"business_volume", f.BusinessVolume, "业务量"},
		{"faults", f.Faults, "故障次数"}, {"downtime_minutes", f.DowntimeMinutes, "中断时长"}, {"api_calls", f.APICalls, "接口调用量"}} {
		if c.n < 0 {
			p.Add("figures."+c.field, "%s不能为负数", c.what)
		}
	}
	if f.Users == 0 {
		p.Add("figures.users", "请填写试运行期间的用户数")
	}
	if f.ActiveUsers > f.Users && f.Users > 0 {
		p.Add("figures.active_users", "活跃用户数（%d）不能超过用户数（%d）", f.ActiveUsers, f.Users)
	}
	switch {
	case f.Availability <= 0:
		p.Add("figures.availability", "请填写试运行期间的可用率（如 99.9%%）")
	case f.Availability > 10000:
		p.Add("figures.availability", "可用率不能超过 100%%（现为 %s）", f.Availability)
	case f.Availability == 10000 && f.DowntimeMinutes > 0:
		p.Add("figures.availability", "有累计中断 %d 分钟，可用率不应为 100%%，请核对", f.DowntimeMinutes)
	}
	if period {
		if total := int64(e.dayNumber()-s.dayNumber()+1) * 24 * 60; f.DowntimeMinutes > total {
			p.Add("figures.downtime_minutes", "累计中断 %d 分钟超过了试运行期的总时长（%d 分钟），请核对单位是否为分钟", f.DowntimeMinutes, total)
		}
	}
}

func (t *TrialReport) validateIssues(p *Problems, s, e calDate, period bool) {
	seen := make(map[string]int)
	for i, is := range t.Issues {
		f := fmt.Sprintf("issues[%d]", i)
		name := fmt.Sprintf("第 %d 个问题", i+1)
		if no := strings.TrimSpace(is.No); no != "" {
			name = "问题“" + no + "”" // 请选择问题“W-01”的级别: the number stands apart
			if j, dup := seen[no]; dup {
				p.Add(f+".no", "问题编号“%s”与第 %d 个问题重复", no, j+1)
			} else {
				seen[no] = i
			}
		}
		if isBlank(is.Description) {
			p.Add(f+".description", "请描述%s", name)
		}
		if !known(SeverityChoices, string(is.Severity)) {
			p.Add(f+".severity", "请选择%s的级别（严重、一般或轻微）", name)
		}
		found, okF := parseCalDate(is.Found)
		switch {
		case !okF:
			p.Add(f+".found", "请填写%s的发现日期（如 2027-03-10）", name)
		case period && (found.before(s) || e.before(found)):
			p.Add(f+".found", "%s的发现日期 %s 不在试运行期 %s 至 %s 内", name, found, s, e)
		}
		switch is.Status {
		case IssueResolved:
			if isBlank(is.Handling) {
				p.Add(f+".handling", "%s已解决，请填写处理措施", name)
			}
			h, okH := parseCalDate(is.Handled)
			switch {
			case !okH:
				p.Add(f+".handled", "%s已解决，请填写处理日期（如 2027-03-12）", name)
			case okF && h.before(found):
				p.Add(f+".handled", "%s的处理日期 %s 早于发现日期 %s", name, h, found)
			}
		case IssueOpen:
			if isBlank(is.Remaining) {
				p.Add(f+".remaining", "%s为遗留问题，请说明遗留原因及整改计划", name)
			}
			if is.Severity == SeveritySevere && t.Conclusion.Ready {
				p.Add("conclusion.ready", "%s是未解决的严重问题，不能结论为具备验收条件；请先解决，或将结论改为不具备", name)
			}
		default:
			p.Add(f+".status", "请选择%s的处理状态（已解决或遗留）", name)
		}
	}
}

func (t *TrialReport) validateRest(p *Problems) {
	pf := t.Performance
	if pf.Concurrency < 0 || pf.AvgResponseMs < 0 || pf.PeakResponseMs < 0 {
		p.Add("performance", "并发数和响应时间不能为负数")
	}
	if pf.PeakResponseMs > 0 && pf.AvgResponseMs > pf.PeakResponseMs {
		p.Add("performance.peak_response_ms", "峰值响应时间（%d 毫秒）不能小于平均响应时间（%d 毫秒）", pf.PeakResponseMs, pf.AvgResponseMs)
	}
	for _, c := range []struct {
		field string
		v     BasisPoints
		what  string
	}{{"performance.cpu_peak", pf.CPUPeak, "CPU 峰值使用率"}, {"performance.memory_peak", pf.MemoryPeak, "内存峰值使用率"},
		{"feedback.satisfaction", t.Feedback.Satisfaction, "满意度"}} {
		if c.v < 0 || c.v > 10000 {
			p.Add(c.field, "%s应在 0 到 100%% 之间", c.what)
		}
	}
	sec := t.Security
	// Acceptance is applied for with the 等级测评报告 and the 密评报告
	// (国办 57 号文): a system not yet graded, or whose 密评 has not begun,
	// is not ready for it, whatever the conclusion says.
	switch {
	case !known(DengbaoChoices, string(sec.Dengbao)):
		p.Add("security.dengbao", "请选择等级保护情况（未定级、已定级、已备案、测评中或测评通过）")
	case sec.Dengbao == DengbaoNone && t.Conclusion.Ready:
		p.Add("security.dengbao", "系统尚未定级，不能结论为具备验收条件：验收须附等级保护测评报告；请先定级备案并开展测评，或将结论改为不具备")
	}
	switch {
	case !known(CryptoStatusChoices, string(sec.Crypto)):
		p.Add("security.crypto", "请选择商用密码应用安全性评估（密评）情况")
	case sec.Crypto == CryptoNotStarted && t.Conclusion.Ready:
		p.Add("security.crypto", "密评尚未开展，不能结论为具备验收条件：验收须附密码应用安全性评估报告；请先开展密评（不涉及密码应用的选“不涉及”），或将结论改为不具备")
	}
	switch {
	case sec.HighVulns < 0:
		p.Add("security.high_vulns", "未修复高危漏洞数不能为负数")
	case sec.HighVulns > 0 && t.Conclusion.Ready:
		p.Add("security.high_vulns", "尚有 %d 个高危漏洞未修复，不能结论为具备验收条件", sec.HighVulns)
	}
	tr := t.Training
	switch {
	case tr.Sessions < 0 || tr.People < 0:
		p.Add("training", "培训场次和人次不能为负数")
	case tr.Sessions > 0 && tr.People == 0:
		p.Add("training.people", "已培训 %d 场，请填写培训人次", tr.Sessions)
	case tr.People > 0 && tr.Sessions == 0:
		p.Add("training.sessions", "已培训 %d 人次，请填写培训场次", tr.People)
	}
	for i, o := range t.Feedback.Opinions {
		f := fmt.Sprintf("feedback.opinions[%d]", i)
		if isBlank(o.Opinion) {
			p.Add(f+".opinion", "第 %d 条用户意见缺少内容", i+1)
		}
		if isBlank(o.Response) {
			p.Add(f+".response", "请填写对第 %d 条用户意见的回应或处理", i+1)
		}
	}
	if isBlank(t.Conclusion.Text) {
		p.Add("conclusion.text", "请填写试运行结论（运行是否稳定、是否达到合同要求、是否具备验收条件）")
	}
}

// calDate is a calendar date with no time of day and no time zone, so that
// a trial period never shifts by a day between the client and the server.
type calDate struct{ y, m, d int }

// parseCalDate parses a date written YYYY-MM-DD (surrounding space allowed)
// and reports whether it is a real date between 1900 and 2200.
func parseCalDate(s string) (calDate, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return calDate{}, false
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:7])
	d, _ := strconv.Atoi(s[8:])
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) {
		return calDate{}, false
	}
	return calDate{y, m, d}, true
}

func daysInMonth(y, m int) int { return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() }

func (c calDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.y, c.m, c.d) }

func (c calDate) before(o calDate) bool {
	return c.y < o.y || c.y == o.y && (c.m < o.m || c.m == o.m && c.d < o.d)
}

func (c calDate) dayNumber() int {
	return int(time.Date(c.y, time.Month(c.m), c.d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// addMonths returns the date n months after c: the same day of the month,
// or the last day of the month when that month is shorter (01-31 + 1 month
// = 02-28, or 02-29 in a leap year).
func (c calDate) addMonths(n int) calDate {
	t := c.y*12 + c.m - 1 + n
	y, m := t/12, t%12+1
	return calDate{y, m, min(c.d, daysInMonth(y, m))}
}

// monthsBetween returns the whole months from s to e (e not before s).
//
// The rule is that of the Civil Code (民法典第二百零一条、第二百零二条): the
// start day is not counted, and a period of n months ends on the day of the
// n-th month after the start that corresponds to the start day, or on the
// last day of that month when it has no such day. So a trial from 2027-03-15
// has lasted one month on 2027-04-15 (not on 04-14), and one from 2027-01-31
// has lasted one month on 2027-02-28.
func monthsBetween(s, e calDate) int {
	n := (e.y-s.y)*12 + e.m - s.m
	if e.before(s.addMonths(n)) {
		n--
	}
	return n
}

// NormalizeYearMonth reads a month as people write it — 2027-03, 2027-3,
// 2027/3, 2027.3, 2027年3月, 202703, in full-width digits too, spaces
// anywhere — and returns it as the filings store months, YYYY-MM, or false
// when s is not a month of 2000–2100 in one of those forms. The 建设周期
// refused 2027-3, 2027年12月 and "2027-03 " with 请填写 (found in a
// clerk's walkthrough).
func NormalizeYearMonth(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF10 && r <= 0xFF19, r == 0xFF0D, r == 0xFF0F, r == 0xFF0E: // full-width digits, － ／ ．
			return r - 0xFEE0
		case unicode.IsSpace(r):
			return -1
		}
		return r
	}, s)
	var y, m string
	if len(s) == 6 && digits(s) {
		y, m = s[:4], s[4:]
	} else {
		t := strings.TrimSuffix(s, "月")
		parts := strings.FieldsFunc(t, func(r rune) bool { return strings.ContainsRune("-/.年", r) })
		if len(parts) != 2 || strings.HasSuffix(s, "月") != strings.Contains(t, "年") {
			return "", false
		}
		y, m = parts[0], parts[1]
	}
	if len(y) != 4 || m == "" || len(m) > 2 || !digits(y+m) {
		return "", false
	}
	mi, _ := strconv.Atoi(m)
	out := fmt.Sprintf("%s-%02d", y, mi)
	if !yearMonth.MatchString(out) {
		return "", false
	}
	return out, true
}

// NormalizeDate reads a date as people write it — 2027-06-30, 2027-6-30,
// 2027/6/30, 2027.6.30, 2027年6月30日, 20270630, in full-width digits too,
// spaces anywhere — and returns it as the filings store dates, YYYY-MM-DD,
// or false when s is not a real date of 1900–2199 in one of those forms.
func NormalizeDate(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF10 && r <= 0xFF19: // full-width digits
			return r - 0xFEE0
		case r == 0xFF0D, r == 0xFF0F, r == 0xFF0E: // － ／ ．
			return r - 0xFEE0
		case unicode.IsSpace(r):
			return -1
		}
		return r
	}, s)
	var y, m, d string
	if len(s) == 8 && digits(s) {
		y, m, d = s[:4], s[4:6], s[6:]
	} else {
		t := strings.TrimSuffix(s, "日")
		parts := strings.FieldsFunc(t, func(r rune) bool { return strings.ContainsRune("-/.年月", r) })
		if len(parts) != 3 || strings.Count(t, "年")+strings.Count(t, "月") == 1 {
			return "", false
		}
		y, m, d = parts[0], parts[1], parts[2]
	}
	if len(y) != 4 || len(m) > 2 || len(d) > 2 || !digits(y+m+d) {
		return "", false
	}
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	c, ok := parseCalDate(fmt.Sprintf("%s-%02d-%02d", y, mi, di))
	if !ok {
		return "", false
	}
	return c.String(), true
}
