package app

// Material is a kind of document a filing may have to attach (申报材料/验收材料).
// Rule profiles name materials by Code; the loader rejects unknown codes.
type Material struct {
	Code  string
	Label string
}

// Materials lists every material egovdesk knows, in the order a checklist shows them.
var Materials = []Material{
	{"application_report", "申请报告（正式行文，加盖公章）"},
	{"proposal", "项目建议书"},
	{"opinion_letter", "项目意见书"},
	{"construction_plan", "项目建设方案"},
	{"feasibility", "可行性研究报告"},
	{"implementation_plan", "实施方案"},
	{"basis_docs", "依据文件（上级文件、会议纪要、领导批示）"},
	{"sharing_analysis", "信息资源共享分析篇"},
	{"catalogue", "政务数据共享资源目录"},
	// 郁南 第十二条第（一）项: a 专业类 plan is argued (组织论证) before the
	// unit applies; the review had no place for that opinion.
	{"plan_review_opinion", "项目方案论证意见"},
	{"crypto_plan", "密码应用方案"},
	// 郁南 第十二条第（一）项: the 机要局's opinion on the plan, a document of
	// its own (it rode on the plan's code with a label before).
	{"crypto_filing_opinion", "密码应用备案意见（密码管理部门出具）"},
	{"security_plan", "安全保障方案"},
	{"special_request", "专题请示及政府批复（列入年度计划）"}, // 霍邱、六安: 须向县（市）政府专题请示，批准后列入计划
	{"trial_report", "试运行报告"},
	{"user_report", "用户使用报告"},
	{"training_report", "培训报告"},
	{"test_report", "第三方软件测试报告"},
	// 郁南 第二十二条's 第三方验收测评 of every 立项 project, not 第十六条's
	// software test from 100 万元 of development, which a clerk below that
	// line took it for (a review of 郁南).
	{"acceptance_test", "第三方验收测评报告"},
	{"security_assessment", "等级保护测评/安全风险评估报告"},
	{"crypto_assessment", "商用密码应用安全性评估报告"},
	{"supervision_report", "监理报告"},
	{"summary_report", "项目建设总结报告"},
	{"financial_report", "财务决算报告"},
	{"audit_report", "审计报告"},
	{"review_opinion", "评审意见"},
	{"tender_docs", "招标文件"},
	{"bid_docs", "中标书"},
	{"contract", "合同"},
	{"acceptance_report", "验收报告"},
	{"self_evaluation", "应用效果自评价报告"},
	{"performance_report", "年度绩效评价报告"},
	{"other", "其他材料"},
}

// MaterialLabel returns the Chinese name of material code, or the code itself when unknown.
func MaterialLabel(code string) string {
	for _, m := range Materials {
		if m.Code == code {
			return m.Label
		}
	}
	return code
}

// KnownMaterial reports whether code names a known material.
func KnownMaterial(code string) bool {
	for _, m := range Materials {
		if m.Code == code {
			return true
		}
	}
	return false
}
