package app

import (
	"errors"
	"strings"
	"testing"
)

// validTrial returns a complete trial report of a township project that
// passes Validate and lasted exactly one month.
func validTrial() *TrialReport {
	return &TrialReport{
		ProjectName: "城关镇智慧社区综合服务平台",
		UnitName:    "霍邱县城关镇人民政府",
		Contractor:  "六安市政通信息技术有限公司",
		Supervisor:  "安徽省信息工程监理咨询有限公司",
		TrialStart:  "2027-03-15",
		TrialEnd:    "2027-04-15",
		Scope:       "城关镇 12 个社区居委会及镇便民服务中心，用户 320 人",
		Environment: TrialEnvironment{OS: "统信 UOS 服务器版 V20", Database: "达梦 DM8", Middleware: "东方通 TongWeb 7.0",
			Versions: "平台 V1.2.0", Xinchuang: true, Networks: []Network{NetworkExtranet}, Cloud: "县政务云 8 核 32G 内存 500G 存储"},
		Modules: []ModuleCheck{
			{Function: "居民信息管理", Requirement: "辖区居民信息采集、维护与查询", Status: ImplDone},
			{Function: "网格事件上报", Requirement: "网格员移动端上报、派单、办结", Status: ImplPartial, Deviation: "离线上报经合同变更调整至二期"},
		},
		Figures: TrialFigures{Users: 320, ActiveUsers: 210, BusinessVolume: 4860, VolumeUnit: "件",
			Availability: 9990, Faults: 2, DowntimeMinutes: 45, APICalls: 15230},
		Issues: []TrialIssue{
			{No: "W-01", Found: "2027-03-20", Description: "户籍人口数据接口偶发超时", Severity: SeveritySevere,
				Handling: "调整连接池并增加重试", Handled: "2027-03-22", Status: IssueResolved},
			{No: "W-02", Found: "2027-04-02", Description: "统计报表导出 Excel 列宽异常", Severity: SeverityMinor,
				Status: IssueOpen, Remaining: "下一版本修复，计划 2027-05-31 前完成"},
		},
		Performance: TrialPerformance{Concurrency: 200, AvgResponseMs: 350, PeakResponseMs: 1800, CPUPeak: 6500,
			MemoryPeak: 7200, LoadTest: "200 并发下平均响应 0.35 秒，满足合同要求"},
		Security: TrialSecurity{Dengbao: DengbaoFiled, VulnScan: "2027-04-08 漏洞扫描，中危 2 个已修复", Crypto: CryptoAssessing,
			BackupDrill: true, BackupNote: "每日增量、每周全量，2027-04-10 完成恢复演练"},
		Training: TrialTraining{Sessions: 3, People: 86},
		Feedback: UserFeedback{Satisfaction: 9500, Opinions: []Opinion{
			{Opinion: "希望增加居民证件到期提醒", Response: "已列入二期需求"}}},
		Conclusion: TrialConclusion{Ready: true, Text: "系统运行稳定，主要功能达到合同要求，具备竣工验收条件。"},
	}
}

// feFind returns the first problem of field in list, or nil.
func feFind(list []FieldError, field string) *FieldError {
	for i := range list {
		if list[i].Field == field {
			return &list[i]
		}
	}
	return nil
}

// checkProblems asserts that err is nil when want is empty, and otherwise an
// EINVALID *Error with a problem for every field in want; msg, when set, must
// appear in the first wanted field's message.
func checkProblems(t *testing.T, err error, msg string, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("want no problems, got %v", FieldErrors(err))
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		t.Fatalf("want EINVALID *Error, got %#v", err)
	}
	for _, f := range want {
		if feFind(e.Fields, f) == nil {
			t.Errorf("want a problem with %q, got %v", f, e.Fields)
		}
	}
	if fe := feFind(e.Fields, want[0]); msg != "" && fe != nil && !strings.Contains(fe.Message, msg) {
		t.Errorf("message of %s = %q, want it to contain %q", want[0], fe.Message, msg)
	}
}

func TestTrialReportValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *TrialReport)
		msg    string
		want   []string
	}{
		{"valid", func(r *TrialReport) {}, "", nil},
		{"missing names", func(r *TrialReport) { r.ProjectName, r.UnitName, r.Contractor, r.Scope = " ", "", "", "" },
			"项目名称", []string{"project_name", "unit_name", "contractor", "scope"}},
		{"supervisor optional", func(r *TrialReport) { r.Supervisor = "" }, "", nil},
		{"start not a date", func(r *TrialReport) { r.TrialStart = "2027-3-15" }, "开始日期", []string{"trial_start"}},
		{"end not a real day", func(r *TrialReport) { r.TrialEnd = "2027-02-30" }, "结束日期", []string{"trial_end"}},
		{"end before start", func(r *TrialReport) { r.TrialEnd = "2027-03-14" }, "应晚于开始日期", []string{"trial_end"}},
		{"end equals start", func(r *TrialReport) { r.TrialEnd = r.TrialStart }, "应晚于", []string{"trial_end"}},
		{"no OS, DB or network", func(r *TrialReport) { r.Environment = TrialEnvironment{} }, "操作系统",
			[]string{"environment.os", "environment.database", "environment.networks"}},
		{"unknown network", func(r *TrialReport) { r.Environment.Networks = []Network{"wifi"} }, "wifi", []string{"environment.networks[0]"}},
		{"no modules", func(r *TrialReport) { r.Modules = nil }, "合同功能清单", []string{"modules"}},
		{"partial without deviation", func(r *TrialReport) { r.Modules[1].Deviation = "" },
			"功能“网格事件上报”部分实现，请说明偏差", []string{"modules[1].deviation"}},
		{"missing with deviation, not ready", func(r *TrialReport) {
			r.Modules[1].Status = ImplMissing
			r.Conclusion.Ready = false
		}, "", nil},
		{"missing and ready", func(r *TrialReport) { r.Modules[1].Status = ImplMissing }, "未实现", []string{"conclusion.ready"}},
		{"module status unset", func(r *TrialReport) { r.Modules[0].Status = "" }, "实现情况", []string{"modules[0].status"}},
		{"module without requirement", func(r *TrialReport) { r.Modules[0].Requirement = "" }, "合同要求", []string{"modules[0].requirement"}},
		{"no users", func(r *TrialReport) { r.Figures.Users, r.Figures.ActiveUsers = 0, 0 }, "用户数", []string{"figures.users"}},
		{"negative volume", func(r *TrialReport) { r.Figures.BusinessVolume = -1 }, "负数", []string{"figures.business_volume"}},
		{"more active than users", func(r *TrialReport) { r.Figures.ActiveUsers = 321 }, "不能超过用户数", []string{"figures.active_users"}},
		{"availability unset", func(r *TrialReport) { r.Figures.Availability = 0 }, "可用率", []string{"figures.availability"}},
		{"availability over 100%", func(r *TrialReport) { r.Figures.Availability = 10001 }, "不能超过 100%（现为 100.01%）", []string{"figures.availability"}},
		{"100% with no downtime", func(r *TrialReport) { r.Figures.Availability, r.Figures.DowntimeMinutes = 10000, 0 }, "", nil},
		{"100% with downtime", func(r *TrialReport) { r.Figures.Availability = 10000 }, "不应为 100%", []string{"figures.availability"}},
		{"downtime longer than the trial", func(r *TrialReport) { r.Figures.DowntimeMinutes = 32*24*60 + 1 }, "超过了试运行期",
			[]string{"figures.downtime_minutes"}},
		{"downtime equal to the trial", func(r *TrialReport) { r.Figures.DowntimeMinutes = 32 * 24 * 60 }, "", nil},
		{"unresolved severe issue and ready", func(r *TrialReport) {
			r.Issues[0].Status, r.Issues[0].Remaining = IssueOpen, "等待公安接口升级"
		}, "问题“W-01”是未解决的严重问题", []string{"conclusion.ready"}},
		{"unresolved severe issue, not ready", func(r *TrialReport) {
			r.Issues[0].Status, r.Issues[0].Remaining = IssueOpen, "等待公安接口升级"
			r.Conclusion = TrialConclusion{Ready: false, Text: "待严重问题解决后再申请验收"}
		}, "", nil},
		{"unresolved normal issue and ready", func(r *TrialReport) { r.Issues[1].Severity = SeverityNormal }, "", nil},
		{"resolved without handling", func(r *TrialReport) { r.Issues[0].Handling, r.Issues[0].Handled = "", "" },
			"处理措施", []string{"issues[0].handling", "issues[0].handled"}},
		{"handled before found", func(r *TrialReport) { r.Issues[0].Handled = "2027-03-19" }, "早于发现日期", []string{"issues[0].handled"}},
		{"handled same day", func(r *TrialReport) { r.Issues[0].Handled = "2027-03-20" }, "", nil},
		{"open without remaining note", func(r *TrialReport) { r.Issues[1].Remaining = "" }, "遗留原因", []string{"issues[1].remaining"}},
		{"found outside the trial", func(r *TrialReport) { r.Issues[1].Found = "2027-04-16" }, "不在试运行期", []string{"issues[1].found"}},
		{"found on the last day", func(r *TrialReport) { r.Issues[1].Found = "2027-04-15" }, "", nil},
		{"issue without severity, status, date", func(r *TrialReport) {
			r.Issues[1] = TrialIssue{Description: "偶发白屏"}
		}, "级别", []string{"issues[1].severity", "issues[1].status", "issues[1].found"}},
		{"duplicate issue number", func(r *TrialReport) { r.Issues[1].No = "W-01" }, "重复", []string{"issues[1].no"}},
		{"peak below average", func(r *TrialReport) { r.Performance.PeakResponseMs = 300 }, "峰值响应时间", []string{"performance.peak_response_ms"}},
		{"CPU over 100%", func(r *TrialReport) { r.Performance.CPUPeak = 10050 }, "CPU", []string{"performance.cpu_peak"}},
		{"security unset", func(r *TrialReport) { r.Security.Dengbao, r.Security.Crypto = "", "" }, "等级保护",
			[]string{"security.dengbao", "security.crypto"}},
		{"not graded and ready", func(r *TrialReport) { r.Security.Dengbao = DengbaoNone }, "系统尚未定级，不能结论为具备验收条件",
			[]string{"security.dengbao"}},
		{"crypto not started and ready", func(r *TrialReport) { r.Security.Crypto = CryptoNotStarted }, "密评尚未开展",
			[]string{"security.crypto"}},
		{"not graded, crypto not started, not ready", func(r *TrialReport) {
			r.Security.Dengbao, r.Security.Crypto = DengbaoNone, CryptoNotStarted
			r.Conclusion.Ready = false
		}, "", nil},
		{"crypto not applicable and ready", func(r *TrialReport) { r.Security.Crypto = CryptoNotApplicable }, "", nil},
		{"graded, crypto under way, ready", func(r *TrialReport) { r.Security.Dengbao, r.Security.Crypto = DengbaoGraded, CryptoAssessing }, "", nil},
		{"high vulnerabilities and ready", func(r *TrialReport) { r.Security.HighVulns = 2 }, "2 个高危漏洞", []string{"security.high_vulns"}},
		{"high vulnerabilities, not ready", func(r *TrialReport) {
			r.Security.HighVulns = 2
			r.Conclusion.Ready = false
		}, "", nil},
		{"sessions without people", func(r *TrialReport) { r.Training.People = 0 }, "培训人次", []string{"training.people"}},
		{"people without sessions", func(r *TrialReport) { r.Training.Sessions = 0 }, "培训场次", []string{"training.sessions"}},
		{"no training at all", func(r *TrialReport) { r.Training = TrialTraining{} }, "", nil},
		{"satisfaction over 100%", func(r *TrialReport) { r.Feedback.Satisfaction = 10001 }, "满意度", []string{"feedback.satisfaction"}},
		{"opinion without response", func(r *TrialReport) { r.Feedback.Opinions[0].Response = "" }, "回应", []string{"feedback.opinions[0].response"}},
		{"no conclusion text", func(r *TrialReport) { r.Conclusion.Text = "" }, "试运行结论", []string{"conclusion.text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validTrial()
			tt.change(r)
			checkProblems(t, r.Validate(), tt.msg, tt.want...)
		})
	}
}

func TestTrialDuration(t *testing.T) {
	tests := []struct {
		start, end string
		min        int
		months     int    // -1: TrialMonths reports !ok
		field      string // the problem CheckDuration reports, "" for none
		msg        string
	}{
		{"2027-03-15", "2027-04-15", 1, 1, "", ""},
		{"2027-03-15", "2027-04-14", 1, 0, "trial_end", "不足 1 个月，不能申请竣工验收（开始当日不计入，试运行应至少持续到 2027-04-15）"},
		{"2027-03-01", "2027-03-20", 1, 0, "trial_end", "试运行期为 2027-03-01 至 2027-03-20，不足 1 个月，不能申请竣工验收"},
		{"2027-03-01", "2027-04-01", 1, 1, "", ""},
		{"2027-03-01", "2027-03-31", 1, 0, "trial_end", "至少持续到 2027-04-01"},
		// Month ends: the corresponding day, or the month's last day when there is none.
		{"2027-01-31", "2027-02-28", 1, 1, "", ""},
		{"2027-01-31", "2027-02-27", 1, 0, "trial_end", "至少持续到 2027-02-28"},
		{"2027-01-30", "2027-02-28", 1, 1, "", ""},
		{"2028-01-31", "2028-02-28", 1, 0, "trial_end", "至少持续到 2028-02-29"},
		{"2028-01-31", "2028-02-29", 1, 1, "", ""},
		{"2027-02-28", "2027-03-28", 1, 1, "", ""},
		{"2027-02-28", "2027-03-27", 1, 0, "trial_end", "至少持续到 2027-03-28"},
		{"2027-03-31", "2027-04-30", 1, 1, "", ""},
		{"2027-08-31", "2027-11-30", 3, 3, "", ""},
		{"2027-08-31", "2027-11-29", 3, 2, "trial_end", "不足 3 个月"},
		{"2027-12-15", "2028-01-15", 1, 1, "", ""},
		{"2027-12-15", "2028-01-14", 1, 0, "trial_end", "2027-12-15 至 2028-01-14"},
		{"2027-03-01", "2027-09-01", 3, 6, "", ""},
		{"2027-03-15", "2027-03-15", 1, 0, "trial_end", "不足 1 个月"},
		// Broken periods.
		{"2027-04-15", "2027-03-15", 1, -1, "trial_end", "早于开始日期"},
		{"2027-02-30", "2027-04-15", 1, -1, "trial_start", "开始日期"},
		{"", "2027-04-15", 1, -1, "trial_start", "满 1 个月"},
		{"2027-03-15", "", 1, -1, "trial_end", "结束日期"},
		{"2027/03/15", "2027-04-15", 1, -1, "trial_start", ""},
		// No minimum: nothing to check.
		{"2027-03-01", "2027-03-02", 0, 0, "", ""},
		{"", "", 0, -1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.start+"→"+tt.end, func(t *testing.T) {
			r := &TrialReport{TrialStart: tt.start, TrialEnd: tt.end}
			n, ok := r.TrialMonths()
			if tt.months < 0 && ok || tt.months >= 0 && (!ok || n != tt.months) {
				t.Errorf("TrialMonths() = %d, %v; want %d", n, ok, tt.months)
			}
			got := r.CheckDuration(tt.min)
			if tt.field == "" {
				if got != nil {
					t.Fatalf("CheckDuration(%d) = %v, want nil", tt.min, got)
				}
				return
			}
			fe := feFind(got, tt.field)
			if fe == nil {
				t.Fatalf("CheckDuration(%d) = %v, want a problem with %s", tt.min, got, tt.field)
			}
			if !strings.Contains(fe.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", fe.Message, tt.msg)
			}
		})
	}
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2027-01-31", 1, "2027-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2027-01-31", 2, "2027-03-31"},
		{"2027-05-31", 1, "2027-06-30"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2027-12-31", 12, "2028-12-31"},
		{"2027-03-15", 0, "2027-03-15"},
	}
	for _, tt := range tests {
		d, ok := parseCalDate(tt.from)
		if !ok {
			t.Fatalf("parseCalDate(%q) failed", tt.from)
		}
		if got := d.addMonths(tt.n).String(); got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestParseCalDate(t *testing.T) {
	for s, ok := range map[string]bool{
		"2027-03-15": true, " 2028-02-29 ": true, "2027-02-29": false, "2027-13-01": false, "2027-00-10": false,
		"2027-04-31": false, "2027-4-1": false, "27-04-01": false, "2027-04-01T00:00:00Z": false, "": false,
		"1899-12-31": false, "２０２７-03-15": false, "+027-03-15": false,
	} {
		if _, got := parseCalDate(s); got != ok {
			t.Errorf("parseCalDate(%q) ok = %v, want %v", s, got, ok)
		}
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want BasisPoints
		bad  bool
	}{
		{"99.95", 9995, false}, {"99.95%", 9995, false}, {" 100 ", 10000, false}, {"99.9", 9990, false},
		{"0", 0, false}, {"99.951", 0, true}, {"abc", 0, true}, {"", 0, true}, {"-1", 0, true}, {".5", 0, true},
		// full-width, as an input method types them
		{"９９．９５", 9995, false}, {"９９．９５％", 9995, false}, {"99。95%", 9995, false}, {"９９．９５１", 0, true},
	}
	for _, tt := range tests {
		got, err := ParsePercent(tt.in)
		if tt.bad {
			if ErrorCode(err) != EINVALID {
				t.Errorf("ParsePercent(%q) err = %v, want EINVALID", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	if s := BasisPoints(9995).String(); s != "99.95%" {
		t.Errorf("String() = %q", s)
	}
	if s := BasisPoints(10000).String(); s != "100%" {
		t.Errorf("String() = %q", s)
	}
}

// Dates as people write them are read as the filings keep them; anything
// else is not a date.
func TestNormalizeDate(t *testing.T) {
	for in, want := range map[string]string{
		"2027-06-30": "2027-06-30", "2027-6-30": "2027-06-30", "2027/6/30": "2027-06-30", "2027.6.3": "2027-06-03",
		"2027年6月30日": "2027-06-30", "2027年06月30": "2027-06-30", " 2027 / 6 / 30 ": "2027-06-30", "20270630": "2027-06-30",
		"２０２７／６／３０":  "2027-06-30",
		"2027-02-30": "", "2027/13/1": "", "27/6/30": "", "2027年6月": "", "三月一日": "", "": "", "2027-06-30-1": "",
		"2027年6/30": "", "1899-12-31": "", "2027/06/030": "",
	} {
		got, ok := NormalizeDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// A month is read as people write it; the 建设周期 refused 2027-3,
// 2027年12月 and "2027-03 " with 请填写.
func TestNormalizeYearMonth(t *testing.T) {
	for in, want := range map[string]string{
		"2027-03": "2027-03", "2027-3": "2027-03", "2027/3": "2027-03", "2027.12": "2027-12", "2027年12月": "2027-12",
		"2027年3月": "2027-03", "202703": "2027-03", " 2027-03 ": "2027-03", "２０２７－０３": "2027-03",
		"2027-13": "", "2027-0": "", "1999-01": "", "2027年3": "", "2027-3月": "", "27-03": "", "2027-03-01": "", "三月": "", "": "",
	} {
		got, ok := NormalizeYearMonth(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeYearMonth(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}
