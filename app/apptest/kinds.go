package apptest

import "egovdesk/app"

// Catalogue returns a complete catalogue of one resource shared on
// conditions, of a township in 霍邱县.
func Catalogue() *app.Catalogue {
	return &app.Catalogue{
		Title:        "城关镇智慧社区项目政务数据共享资源目录",
		ProjectName:  "霍邱县城关镇智慧社区管理平台",
		ProviderName: "霍邱县城关镇人民政府",
		ProviderCode: "11341522003064951U",
		Entries: []app.Resource{{
			Category: "307001", Sequence: "000001", Name: "城关镇社区网格事件信息",
			ProviderName: "霍邱县城关镇人民政府", ProviderCode: "11341522003064951U",
			Abstract:    "网格员上报的社区事件及其处置情况",
			FormatClass: app.FormatDatabase, FormatType: "302",
			Items: []app.DataItem{{Name: "事件编号", DataType: app.DataChar, Length: 32},
				{Name: "上报时间", DataType: app.DataDateTime}, {Name: "事件类别", DataType: app.DataChar, Length: 20}},
			ShareType: app.ShareConditional, ShareCondition: "仅限社区治理用途，经审批后使用",
			ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeAPI,
			UpdateCycle: app.UpdateDaily,
		}},
	}
}

// TrialReport returns a complete trial report of a month and a day.
func TrialReport() *app.TrialReport {
	return &app.TrialReport{
		ProjectName: "霍邱县城关镇智慧社区管理平台", UnitName: "霍邱县城关镇人民政府", Contractor: "安徽某信息技术有限公司",
		TrialStart: "2027-10-08", TrialEnd: "2027-11-09", Scope: "城关镇 12 个社区，网格员 86 人",
		Environment: app.TrialEnvironment{OS: "麒麟 V10", Database: "达梦 DM8", Networks: []app.Network{app.NetworkExtranet}},
		Modules:     []app.ModuleCheck{{Function: "事件上报", Requirement: "网格员移动端上报", Status: app.ImplDone}},
		Figures:     app.TrialFigures{Users: 120, ActiveUsers: 86, Availability: 9990, DowntimeMinutes: 40},
		Security:    app.TrialSecurity{Dengbao: app.DengbaoPassed, Crypto: app.CryptoPassed},
		Conclusion:  app.TrialConclusion{Ready: true, Text: "运行稳定，达到合同要求，具备竣工验收条件"},
	}
}
