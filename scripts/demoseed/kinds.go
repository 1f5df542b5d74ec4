package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/syncer"
)

// catalogue saves a draft catalogue of project: three resources (one with
// many items), and a line in each of the three lists. The third resource is
// shared on conditions without the condition, so the editor shows a
// consistency error.
func catalogue(ctx context.Context, st *store.Store, unit, project string, at time.Time) (string, error) {
	f, err := app.NewFiling(app.KindCatalogue, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	f.ProjectID = project
	prov, code := unitName, unitCode
	c := f.Catalogue
	c.Title, c.ProjectName, c.ProviderName, c.ProviderCode = place.town+"智慧社区管理平台政务数据共享资源目录", place.town+"智慧社区管理平台", prov, code
	people := app.Resource{Category: "101001", Sequence: "000001", Name: place.town + "社区常住人口信息", ProviderName: prov, ProviderCode: code,
		Office: "社会事务办", Abstract: place.scope + "常住人口的基本信息，用于网格化管理和民生服务",
		FormatClass: app.FormatDatabase, FormatType: "302", ShareType: app.ShareConditional,
		ShareCondition: "仅限民政、公安、卫健部门在履职范围内使用，经镇政府审批", ShareModeClass: app.ShareViaPlatform,
		ShareModeType: app.ShareModeAPI, UpdateCycle: app.UpdateDaily, PublishDate: day(at.AddDate(0, 10, 0))}
	people.Items = []app.DataItem{{Name: "公民身份号码", DataType: app.DataChar, Length: 18}, {Name: "姓名", DataType: app.DataChar, Length: 50},
		{Name: "性别", DataType: app.DataChar, Length: 1}, {Name: "出生日期", DataType: app.DataDate}, {Name: "民族", DataType: app.DataChar, Length: 2},
		{Name: "户籍地址", DataType: app.DataChar, Length: 200}, {Name: "现住址", DataType: app.DataChar, Length: 200},
		{Name: "所属社区", DataType: app.DataChar, Length: 60}, {Name: "所属网格", DataType: app.DataChar, Length: 20},
		{Name: "联系电话", DataType: app.DataChar, Length: 20}, {Name: "登记日期", DataType: app.DataDate}}
	for i := len(people.Items); i < 40; i++ {
		people.Items = append(people.Items, app.DataItem{Name: fmt.Sprintf("扩展字段%02d", i-10), DataType: app.DataChar, Length: 64})
	}
	events := app.Resource{Category: "307001", Sequence: "000002", Name: place.town + "社区网格事件信息", ProviderName: prov, ProviderCode: code,
		Abstract: "网格员上报的社区事件及其分拨、处置、督办情况", FormatClass: app.FormatSpreadsheet, FormatType: "203",
		ShareType: app.ShareUnconditional, ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeFile, UpdateCycle: app.UpdateWeekly,
		Items: []app.DataItem{{Name: "事件编号", DataType: app.DataChar, Length: 32}, {Name: "上报时间", DataType: app.DataDateTime},
			{Name: "事件类别", DataType: app.DataChar, Length: 20}, {Name: "处置结果", DataType: app.DataMemo}}}
	help := app.Resource{Category: "307001", Sequence: "000003", Name: place.town + "困难群众救助信息", ProviderName: prov, ProviderCode: code,
		Abstract: "低保、特困供养人员的救助情况", FormatClass: app.FormatDatabase, FormatType: "302",
		ShareType: app.ShareConditional, ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeDatabase, UpdateCycle: app.UpdateMonthly,
		Items: []app.DataItem{{Name: "救助对象姓名", DataType: app.DataChar, Length: 50}, {Name: "救助类别", DataType: app.DataChar}}}
	c.Entries = []app.Resource{people, events, help}
	c.Demands = []app.Demand{{ResourceName: place.police + "户籍人口信息", ResourceCode: "101001/000100", Items: []string{"公民身份号码", "姓名"},
		Provider: place.police, Usage: app.UsageAPI, Frequency: app.UpdateDaily, Basis: "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）", Scenario: "网格员核验辖区常住人口身份"}}
	c.Duties = []app.Duty{{ResourceCode: "307001/000002", Duty: "向" + place.level + "数据共享交换平台提供网格事件数据", UpdateCycle: app.UpdateWeekly,
		ShareType: app.ShareUnconditional, ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeFile, Owner: "李梅", Due: fmt.Sprintf("%d-12-31", at.Year()+1)}}
	c.Negatives = []app.Negative{{ResourceCode: "101001/000001", Items: []string{"公民身份号码", "联系电话"}, Category: app.NegativeNoOpen,
		Basis: "《中华人民共和国个人信息保护法》第二十八条、第三十四条", ReviewDate: fmt.Sprintf("%d-12-31", at.Year()+2), Alternative: "提供身份核验接口"}}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	return f.ID, nil
}

// trialReport saves a draft trial report of project whose trial ran three
// weeks, short of the month most regulations ask for, and ended seven weeks before at.
func trialReport(ctx context.Context, st *store.Store, unit, project string, at time.Time) (string, error) {
	f, err := app.NewFiling(app.KindTrialReport, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	f.ProjectID = project
	start := at.AddDate(0, 0, -75)
	*f.TrialReport = app.TrialReport{
		ProjectName: place.town + "便民服务中心自助终端采购", UnitName: unitName, Contractor: place.vendor,
		Supervisor: "华信建设监理有限公司", TrialStart: day(start), TrialEnd: day(start.AddDate(0, 0, 21)),
		Scope:       place.town + "便民服务中心及 12 个社区服务站，窗口人员 36 人，群众自助办理",
		Environment: app.TrialEnvironment{OS: "统信 UOS V20", Database: "达梦 DM8", Middleware: "东方通 TongWeb 7", Xinchuang: true, Networks: []app.Network{app.NetworkExtranet}},
		Modules: []app.ModuleCheck{{Function: "自助查询打印", Requirement: "社保、不动产等 12 类证明自助打印", Status: app.ImplDone},
			{Function: "身份核验", Requirement: "身份证、人脸双重核验", Status: app.ImplDone},
			{Function: "预约叫号", Requirement: "对接政务服务中心叫号系统", Status: app.ImplPartial, Deviation: "叫号系统接口升级中，已约定 12 月前完成对接"}},
		Figures:     app.TrialFigures{Users: 1860, ActiveUsers: 1420, BusinessVolume: 5230, VolumeUnit: "件", Availability: 9985, Faults: 2, DowntimeMinutes: 45},
		Issues:      []app.TrialIssue{{No: "1", Found: day(start.AddDate(0, 0, 4)), Description: "高峰期打印排队", Severity: app.SeverityNormal, Handling: "增加一台打印机", Handled: day(start.AddDate(0, 0, 7)), Status: app.IssueResolved}},
		Performance: app.TrialPerformance{Concurrency: 50, AvgResponseMs: 420, PeakResponseMs: 1800},
		Security:    app.TrialSecurity{Dengbao: app.DengbaoFiled, Crypto: app.CryptoAssessing, BackupDrill: true},
		Training:    app.TrialTraining{Sessions: 3, People: 48},
		Feedback:    app.UserFeedback{Satisfaction: 9620},
		Conclusion:  app.TrialConclusion{Ready: true, Text: "系统运行稳定，达到合同要求"},
	}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	return f.ID, nil
}

// acceptance saves a draft acceptance application resting on trial report
// trial, with the trial report attached and the contract still missing.
func acceptance(ctx context.Context, st *store.Store, blobs *syncer.BlobDir, unit, project, trial string, at time.Time) (string, error) {
	tr, err := st.Get(ctx, trial)
	if err != nil {
		return "", err
	}
	f, err := app.NewFiling(app.KindAcceptance, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	f.ProjectID = project
	a := f.Acceptance
	a.ApprovalRef, a.ContractAmount, a.CompletedOn = approvalRef(at), app.Wans(36), day(at.AddDate(0, 0, -83))
	a.Summary = "按备案内容完成 13 台自助终端的采购、安装和系统对接"
	a.AppliedOn, a.Contact = day(at), app.Contact{Person: "李梅", Phone: place.phone}
	a.CopyTrial(trial, tr.TrialReport)
	att, err := blobs.ImportReader(ctx, "试运行报告（盖章版）.pdf", bytes.NewReader([]byte("%PDF-1.4\n% 试运行报告\n")))
	if err != nil {
		return "", err
	}
	att.Material = "trial_report"
	f.Attachments = []app.Attachment{att}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	return f.ID, nil
}

// approvalRef is the number of the bureau's approval of the demo project,
// given this year.
func approvalRef(at time.Time) string { return fmt.Sprintf("%s〔%d〕8号", place.ref, at.Year()) }

// goLive records that project went into operation a month ago, made from
// the project's dossier as the client makes it, and submits it (the
// reviewer files it in main), so the project's dossier and the home
// screen's O&M deadline have something to show.
func goLive(ctx context.Context, st *store.Store, prof *app.Profile, unit, project, actor string, at time.Time) (string, error) {
	decl, err := st.Get(ctx, project)
	if err != nil {
		return "", err
	}
	fs := []*app.Filing{decl}
	ds := prof.Dossier(project, fs, at)
	f, err := ds.Prefill(fs, at.Location()).NewFiling(app.KindGoLive, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	g := f.GoLive
	g.GoLiveOn, g.ApprovalRef = day(at.AddDate(0, -1, 0)), approvalRef(at)
	g.Scope = place.town + "便民服务中心 13 台自助终端上线，覆盖社保、医保、不动产登记查询等 23 项业务"
	g.Contact = app.Contact{Person: "李梅", Phone: place.phone}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	if _, err := st.Submit(ctx, f.ID, actor, at); err != nil {
		return "", err
	}
	return f.ID, nil
}

// omDraft starts this year's 运维备案 of project from its dossier, as the
// client does once the go-live is filed, and leaves it a draft with the
// year's situation written and next year's plan still to do.
func omDraft(ctx context.Context, st *store.Store, prof *app.Profile, unit, project, live string, at time.Time) (string, error) {
	var fs []*app.Filing
	for _, id := range []string{project, live} {
		if id == "" {
			continue // no go-live in this profile
		}
		f, err := st.Get(ctx, id)
		if err != nil {
			return "", err
		}
		fs = append(fs, f)
	}
	ds := prof.Dossier(project, fs, at)
	f, err := ds.Prefill(fs, at.Location()).NewFiling(app.KindOMFiling, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	var decl *app.Declaration // what the project's rules are read off
	if ds.Declaration != nil {
		decl = ds.Declaration.Declaration
	}
	switch {
	case prof.ForProject(app.KindOMFiling, decl):
	case slices.ContainsFunc(prof.TypesFor(app.KindPerformance, decl), func(c app.Choice) bool { return c.Code == string(app.PerformanceAnnual) }):
		// No O&M filing (武汉): this year's 绩效评价报告 of the
		// construction period instead (第二十条).
		return performanceDraft(ctx, st, ds.Prefill(fs, at.Location()), unit, at)
	case prof.ForProject(app.KindAcceptanceFiling, decl):
		// 天宁, 郁南: the filing after acceptance.
		return acceptanceFilingDraft(ctx, st, ds.Prefill(fs, at.Location()), unit, at)
	}
	o := f.OMFiling
	o.Year = at.Year()
	o.Provider = place.vendor
	o.Amount = app.Wans(6)
	o.Situation = "自助终端全年在线率 99.2%，发生硬件故障 3 次，均在 4 小时内修复；未发生安全事件；业务数据每日与" + place.level + "政务数据共享平台同步。"
	o.Contact = app.Contact{Person: "李梅", Phone: place.phone}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	return f.ID, nil
}

// offers reports whether prof has a later filing of kind k.
func offers(prof *app.Profile, k app.Kind) bool {
	for _, r := range prof.Lifecycle {
		if r.Kind == k {
			return true
		}
	}
	return false
}

// acceptanceFilingDraft starts the 验收后备案 of the project and leaves it
// a draft: the acceptance's date and conclusion written, the materials the
// profile lists still to attach.
func acceptanceFilingDraft(ctx context.Context, st *store.Store, pre app.Prefill, unit string, at time.Time) (string, error) {
	f, err := pre.NewFiling(app.KindAcceptanceFiling, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	a := f.AcceptanceFiling
	a.AcceptedOn = at.AddDate(0, 0, -6).Format("2006-01-02")
	a.Conclusion = "验收组认为项目按批复内容完成建设，13 台自助终端运行稳定，文档齐全，同意通过验收；建议加强终端日常巡检。"
	a.Contact = app.Contact{Person: "李梅", Phone: "0519-88012345"}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	return f.ID, nil
}

// performanceDraft starts this year's annual performance report of the
// project and leaves it a draft, its goals written, its conclusion to do.
func performanceDraft(ctx context.Context, st *store.Store, pre app.Prefill, unit string, at time.Time) (string, error) {
	f, err := pre.NewFiling(app.KindPerformance, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	p := f.Performance
	p.Type, p.Year = app.PerformanceAnnual, at.Year()
	p.Goals = "年度目标基本完成：13 台自助终端全部上线，可办理社保、医保、不动产登记查询等 23 项业务，月均办件 2,100 件。"
	p.Progress = "设备采购、安装和系统对接已完成，正在试运行；剩余工作为与" + place.level + "政务服务平台的统一身份认证对接。"
	p.Contact = app.Contact{Person: "李梅", Phone: "027-85012345"}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	return f.ID, nil
}
