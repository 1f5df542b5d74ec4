package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/assets"
)

func TestLookupWalksUpFieldPaths(t *testing.T) {
	m := map[string]int{"budget": 1, "budget[2].amount": 2, "contact.phone": 3}
	for path, want := range map[string]int{
		"budget[2].amount": 2, "budget[2].name": 1, "budget": 1, "contact.phone": 3, "contact.person": 0, "goals": 0,
	} {
		if got, _ := lookup(m, path); got != want {
			t.Errorf("lookup(%q) = %d, want %d", path, got, want)
		}
	}
	for path, want := range map[string]string{"budget[2].amount": "budget", "security.level": "security", "goals": "goals"} {
		if got := rootOf(path); got != want {
			t.Errorf("rootOf(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestSendLabel(t *testing.T) {
	for s, want := range map[app.Send]string{
		{}:                       "未提交",
		{State: app.SendQueued}:  "待发送",
		{State: app.SendSending}: "发送中",
		{State: app.SendSent}:    "已送达",
		{State: app.SendFailed}:  "等待发送 · 联网后自动发送",
		{State: app.SendFailed, Reason: "无法连接数管局"}:     "等待发送（无法连接数管局）",
		{State: app.SendQuarantined}:                   "未能发送，须处理",
		{State: app.SendQuarantined, Reason: "附件已被删除"}: "未能发送，须处理：附件已被删除",
	} {
		if got := sendLabel(s); got != want {
			t.Errorf("%+v: %q, want %q", s, got, want)
		}
	}
}

// A filing in the outbox reads 尚未送达 in the list, not 已提交 (which
// a clerk on a bad link read as "the bureau has it"), and the list keeps
// the send state short: the reason, cut to "等待发送（无法连接数管局服务器（…",
// is in the editor and the connection bar (found in a clerk's walkthrough).
func TestListRowSaysAQueuedFilingIsNotDelivered(t *testing.T) {
	r := newRowView()
	row := app.FilingRow{Kind: app.KindDeclaration, Title: "城关镇智慧社区管理平台", PlanYear: 2027, Status: app.StatusSubmitted,
		RevisionNumber: 1, Send: app.Send{State: app.SendFailed, Reason: "无法连接数管局服务器（网络不通或服务器未启动），将自动重试"}}
	r.set(row, nil, "")
	if strings.Contains(r.meta.Text, "已提交") || !strings.Contains(r.meta.Text, "尚未送达") {
		t.Errorf("queued: %q", r.meta.Text)
	}
	if r.send.Text != "等待发送 · 联网后自动发送" {
		t.Errorf("queued: send state %q", r.send.Text)
	}
	row.Send = app.Send{State: app.SendSent}
	r.set(row, nil, "")
	if !strings.Contains(r.meta.Text, "已提交") || r.send.Text != "已送达" {
		t.Errorf("delivered: %q, %q", r.meta.Text, r.send.Text)
	}
	// Once the bureau has acted on it, 已送达 in green beside 退回修改
	// read as the returned revision sent again.
	for _, st := range []app.Status{app.StatusReturned, app.StatusApproved, app.StatusFiled} {
		row.Status = st
		r.set(row, nil, "")
		if r.send.Text != "" {
			t.Errorf("%s: send state %q beside %q", st, r.send.Text, r.meta.Text)
		}
	}
}

// Every English translation is keyed by a Chinese source string and
// SetupLanguage loads both files.
func TestTranslations(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	if got := T("检查并提交"); got != "Check and submit" {
		t.Errorf("T(检查并提交) = %q in English", got)
	}
	if got := T("没有翻译的句子"); got != "没有翻译的句子" {
		t.Errorf("an untranslated string became %q", got)
	}
	if err := SetupLanguage(LangChinese); err != nil {
		t.Fatal(err)
	}
	if got := T("检查并提交"); got != "检查并提交" {
		t.Errorf("T(检查并提交) = %q in Chinese", got)
	}
}

// The home screen's deadlines are those still ahead: next year's plan, or
// the year after once next year's have passed.
func TestUpcomingDeadlines(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.Local)
	ds := upcoming(profs["huoqiu"], now)
	if len(ds) == 0 {
		t.Fatal("no upcoming deadline for 霍邱县")
	}
	for _, d := range ds {
		if d.Due.Before(now) || !strings.HasPrefix(d.Label, "2028 年度") {
			t.Errorf("deadline %s due %s", d.Label, d.Due.Format(time.DateOnly))
		}
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	// in English too, the label whole (Plan year 2028: 需求计划申报截止 was
	// shown: the part after 年度 has no translation; found in a walkthrough)
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"huoqiu", "luan", "yunan", "tianning", "wuhan"} {
		for _, d := range upcoming(profs[id], now) {
			if hasHan(d.Label) {
				t.Errorf("%s in English: %q", id, d.Label)
			}
		}
	}
	if err := SetupLanguage(LangChinese); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"huoqiu", "luan", "yunan", "tianning", "wuhan"} {
		for _, d := range upcoming(profs[id], now) {
			if strings.Contains(d.Label, "年度年度") {
				t.Errorf("%s: %q says 年度 twice", id, d.Label)
			}
			// 天宁's yearly self-evaluation is each project's (a later
			// filing meets it): not the calendar's.
			if d.ID == "self_evaluation" {
				t.Errorf("%s: %q is a project's deadline, not the calendar's", id, d.Label)
			}
		}
	}
}

// The status lines show the time of day for today, by the UI's clock, and
// the date for other days.
func TestClock(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "—"},
		{time.Date(2026, 3, 2, 8, 30, 5, 0, time.Local), "08:30:05"},
		{time.Date(2026, 3, 1, 23, 59, 0, 0, time.Local), "2026-03-01 23:59"},
		{time.Date(2025, 3, 2, 8, 30, 0, 0, time.Local), "2025-03-02 08:30"},
	} {
		if got := clock(c.t, now); got != c.want {
			t.Errorf("clock(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// Offline, the connection bar says why calmly: red is for what the clerk
// must do (log in again).
func TestConnBarKeepsRedForTheClerk(t *testing.T) {
	b := newConnBar(newScreens(t, "huoqiu", nil).u)
	retry := time.Now().Add(30 * time.Second)
	b.update(SyncStatus{Connected: true, LastError: "无法连接数管局服务器", NextRetry: retry}, app.Counts{Outbox: 1})
	if b.reason.Importance == widget.DangerImportance {
		t.Errorf("a failure retried by itself is red: %q", b.reason.Text)
	}
	b.update(SyncStatus{Connected: true, NeedsLogin: true, LastError: "登录已过期，请重新登录"}, app.Counts{Outbox: 1})
	if b.reason.Importance != widget.DangerImportance {
		t.Errorf("a failure that needs the clerk is not red: %q", b.reason.Text)
	}
	b.update(SyncStatus{Connected: true, NeedsAction: true, LastError: "数管局服务器的证书不受信任", NextRetry: retry}, app.Counts{Outbox: 1})
	if b.reason.Importance != widget.DangerImportance {
		t.Errorf("a certificate the clerk must trust is not red: %q", b.reason.Text)
	}
	b.update(SyncStatus{DiskWarning: "本机磁盘只剩 300 MB：请尽快删除不需要的文件；不足 64 MB 时将暂停保存"}, app.Counts{})
	if b.reason.Importance != widget.DangerImportance || !strings.Contains(b.reason.Text, "本机磁盘只剩 300 MB") {
		t.Errorf("a nearly full disk: %q", b.reason.Text)
	}
}

// The bureau's own step that the plan year times (霍邱's, 六安's 初审及专家
// 集中审查论证结束) is listed as the bureau's, not in the colours of the
// clerk's deadlines; the declaration's 申报截止 stays the clerk's (found
// in review: the home screen listed the bureau's step among them).
func TestUpcomingMarksTheBureausStep(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.Local)
	var bureau, clerk int
	for _, d := range upcoming(profs["huoqiu"], now) {
		txt := textOf(deadlineView("数管局", d, now))
		step := strings.Contains(d.Label, "初审")
		switch {
		case step && (!d.Bureau || !strings.Contains(txt, "数管局于 2027-08-31 前完成（数管局办理的环节）") || strings.Contains(txt, "截止")):
			t.Errorf("the bureau's step is not marked: %q", txt)
		case !step && strings.Contains(txt, "数管局办理"):
			t.Errorf("the clerk's deadline is marked the bureau's: %q", txt)
		}
		if step {
			bureau++
		} else {
			clerk++
		}
	}
	if bureau == 0 || clerk == 0 {
		t.Errorf("霍邱's upcoming deadlines: %d of the bureau's, %d of the clerk's; want some of each", bureau, clerk)
	}
}
