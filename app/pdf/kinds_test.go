package pdf

import (
	"strings"

	"egovdesk/app"
)

// Fixtures of the other kinds, complete enough that every table has rows.

func catalogueBody() app.Body {
	c := &app.Catalogue{
		Title: "城关镇智慧社区综合服务平台政务数据共享资源目录", ProjectName: "城关镇智慧社区综合服务平台",
		ProviderName: "霍邱县城关镇人民政府", ProviderCode: "113415220030123450",
		Entries: []app.Resource{{
			Category: "101001", Sequence: "000001", Name: "城关镇户籍人口信息",
			ProviderName: "霍邱县公安局", ProviderCode: "11341522003612345F", Office: "户政管理大队",
			Abstract:    "城关镇辖区户籍人口的姓名、身份号码、出生日期和户籍地址，用于社区居民服务事项办理。",
			FormatClass: app.FormatDatabase, FormatType: "301",
			Items: []app.DataItem{{Name: "姓名", DataType: app.DataChar, Length: 50},
				{Name: "联系电话", DataType: app.DataChar, Length: 20, ShareType: app.ShareNone, ShareBasis: "《中华人民共和国个人信息保护法》第十三条"}},
			ShareType: app.ShareConditional, ShareCondition: "仅限本县政务部门办理社区服务事项使用",
			ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeAPI, UpdateCycle: app.UpdateDaily,
		}},
		Demands: []app.Demand{{ResourceName: "企业登记信息", Provider: "霍邱县市场监督管理局", Usage: app.UsageAPI,
			Basis: "《优化营商环境条例》第三十七条", Scenario: "社区个体工商户帮办代办"}},
		Duties: []app.Duty{{ResourceCode: "101001/000001", Items: []string{"姓名"}, Duty: "社区居民服务事项户籍核验",
			UpdateCycle: app.UpdateDaily, ShareType: app.ShareConditional, Owner: "张伟", Due: "2027-06-30"}},
		Negatives: []app.Negative{{ResourceCode: "101001/000001", Items: []string{"联系电话"}, Category: app.NegativeNoShare,
			Basis: "《中华人民共和国个人信息保护法》第十三条", Alternative: "提供手机号一致性核验接口"}},
	}
	return app.Body{ID: "c1", Kind: app.KindCatalogue, Revision: 1, RevisionID: "c1-r1", Catalogue: c}
}

func trialBody() app.Body {
	t := &app.TrialReport{
		ProjectName: "城关镇智慧社区综合服务平台", UnitName: "霍邱县城关镇人民政府", Contractor: "六安市政通信息技术有限公司",
		TrialStart: "2027-03-15", TrialEnd: "2027-06-15", Scope: "城关镇 12 个社区居委会及镇便民服务中心，用户 320 人",
		Environment: app.TrialEnvironment{OS: "统信 UOS 服务器版 V20", Database: "达梦 DM8", Xinchuang: true,
			Networks: []app.Network{app.NetworkExtranet}},
		Modules: []app.ModuleCheck{{Function: "网格事件上报", Requirement: "网格员移动端上报、派单、办结", Status: app.ImplPartial,
			Deviation: "离线上报经合同变更调整至二期"}},
		Figures: app.TrialFigures{Users: 320, ActiveUsers: 210, BusinessVolume: 4860, VolumeUnit: "件", Availability: 9990},
		Issues: []app.TrialIssue{{No: "W-01", Found: "2027-03-20", Description: "户籍人口数据接口偶发超时",
			Severity: app.SeveritySevere, Handling: "调整连接池并增加重试", Handled: "2027-03-22", Status: app.IssueResolved}},
		Feedback:   app.UserFeedback{Satisfaction: 9500, Opinions: []app.Opinion{{Opinion: "希望增加证件到期提醒", Response: "已列入二期需求"}}},
		Conclusion: app.TrialConclusion{Ready: true, Text: "系统运行稳定，主要功能达到合同要求，具备竣工验收条件。"},
	}
	return app.Body{ID: "t1", Kind: app.KindTrialReport, Revision: 1, RevisionID: "t1-r1", TrialReport: t}
}

func acceptanceBody() app.Body {
	a := &app.Acceptance{ProjectName: "城关镇智慧社区综合服务平台", UnitName: "霍邱县城关镇人民政府",
		ApprovalRef: "霍数管〔2026〕12号", ContractAmount: app.Wans(86) + 4523, CompletedOn: "2027-03-10",
		TrialStart: "2027-03-15", TrialEnd: "2027-06-15", Summary: "批复的 6 个模块已全部建成。", AppliedOn: "2027-06-20",
		Contact: app.Contact{Leader: "李明", Person: "王芳", Phone: "0564-6021234"}}
	return app.Body{ID: "a1", Kind: app.KindAcceptance, Revision: 1, RevisionID: "a1-r1", Acceptance: a,
		Attachments: []app.Attachment{{Material: "trial_report", Name: "试运行报告.pdf", SHA256: strings.Repeat("c", 64), Size: 4096}}}
}
