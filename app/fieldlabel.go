package app

import (
	"slices"
	"strconv"
	"strings"
)

// kindNames are the names of the bodies' first fields, one per kind of
// filing, which a label leaves out: the page says the kind.
var kindNames = []string{"申报书", "目录", "试运行报告", "验收申请", "上线备案", "调整申请", "验收备案", "运维备案", "绩效评价"}

// fieldNames are the Chinese names of the body's JSON fields. A name
// missing here shows as the JSON field itself.
var fieldNames = map[string]string{
	"declaration": "申报书", "catalogue": "目录", "trial_report": "试运行报告", "acceptance": "验收申请",
	"attachments": "附件", "plan_year": "计划年度", "project_name": "项目名称", "unit_name": "建设单位",
	"unit_credit_code": "统一社会信用代码", "supervising_dept": "主管部门", "region_code": "行政区划代码",
	"contact": "联系人信息", "leader": "项目负责人", "person": "联系人", "phone": "联系电话",
	"nature": "建设性质", "service_types": "服务类型", "class": "项目类别", "plan": "年度计划",
	"plan_basis": "规划依据", "legal_exception": "法律法规另有规定的依据", "capital_project": "信息化硬件、专用设备或成套软件与固定资产投资项目同步设计、同步施工", "period_start": "建设周期起", "period_end": "建设周期止", "goals": "建设目标",
	"indicators": "绩效目标及指标", "content": "建设内容", "modules": "功能模块", "name": "名称",
	"description": "说明", "current_state": "现有系统与整合", "integrated": "已完成系统整合",
	"data_resources": "数据资源", "sharing_analysis": "信息资源共享分析", "shares_data": "接入共享交换平台",
	"security": "安全设计", "level": "级别", "assess": "等保测评", "crypto": "密码应用", "summary": "摘要",
	"review": "报审", "deployment": "部署", "mode": "部署方式", "explanation": "说明", "resources": "资源需求",
	"xinchuang": "信创", "supported": "支持国产化", "notes": "说明", "om_plan": "运维方案",
	"om_annual": "年运行维护经费", "unit_type": "建设单位类型", "schedule": "进度安排", "due": "时间", "total_investment": "总投资概算",
	"year_amount": "本年度资金", "budget": "投资概算明细", "category": "类别", "spec": "规格",
	"quantity": "数量", "amount": "金额", "basis": "依据", "domestic": "国产", "funding": "资金来源",
	"kind": "来源", "confirmations": "确认事项", "entries": "信息资源", "items": "信息项",
	"demands": "需求清单", "duties": "责任清单", "negatives": "负面清单", "title": "标题",
	"contract_amount": "合同金额", "material": "材料", "sha256": "校验值", "size": "大小",
	// The later filings' kinds, dropped from a label as the others are.
	"go_live": "上线备案", "adjustment": "调整申请", "acceptance_filing": "验收备案", "om_filing": "运维备案",
	"performance": "绩效评价",
	// Filing, attachments.
	"id": "材料编号", "project_id": "所属项目", "revision": "版本", "revision_id": "版本编号",
	"base_revision_id": "所据版本", "media_type": "文件类型",
	// Catalogue and its three lists.
	"provider_name": "信息资源提供方", "provider_code": "提供方代码", "sequence": "顺序码", "office": "内设科室",
	"abstract": "摘要", "format_class": "格式分类", "format_type": "格式类型", "data_type": "数据类型",
	"length": "长度", "share_type": "共享类型", "share_condition": "共享条件", "share_basis": "不予共享依据",
	"share_mode_class": "共享方式分类", "share_mode_type": "共享方式类型", "open": "向社会开放",
	"open_condition": "开放条件", "update_cycle": "更新周期", "publish_date": "发布日期",
	"related_codes": "关联资源代码", "resource_name": "信息资源名称", "resource_code": "信息资源代码",
	"provider": "提供方", "usage": "使用方式", "frequency": "频度", "scenario": "应用场景", "duty": "对应职责",
	"owner": "责任人", "review_date": "复核日期", "alternative": "替代方式",
	// Trial report and acceptance.
	"contractor": "承建单位", "supervisor": "监理单位", "trial_start": "试运行开始", "trial_end": "试运行结束",
	"scope": "运行范围", "environment": "运行环境", "os": "操作系统", "database": "数据库", "middleware": "中间件",
	"versions": "版本", "networks": "网络", "cloud": "云资源", "function": "功能模块", "requirement": "合同要求",
	"status": "状态", "deviation": "偏差说明", "figures": "运行数据", "users": "用户数", "active_users": "活跃用户数",
	"business_volume": "业务量", "volume_unit": "业务量单位", "availability": "可用率", "faults": "故障次数",
	"downtime_minutes": "累计中断（分钟）", "api_calls": "接口调用量", "issues": "问题", "no": "编号",
	"found": "发现日期", "severity": "严重程度", "handling": "处理措施", "handled": "处理日期",
	"remaining": "遗留问题说明", "concurrency": "并发用户数", "avg_response_ms": "平均响应（毫秒）",
	"peak_response_ms": "峰值响应（毫秒）", "cpu_peak": "CPU 峰值", "memory_peak": "内存峰值",
	"load_test": "压力测试", "dengbao": "等级保护", "high_vulns": "未修复高危漏洞", "vuln_scan": "漏洞扫描结果",
	"backup_drill": "备份恢复演练", "backup_note": "备份策略与演练情况", "training": "培训", "sessions": "培训场次",
	"people": "培训人次", "feedback": "用户意见", "satisfaction": "满意度", "opinions": "意见",
	"opinion": "意见", "response": "处理情况", "conclusion": "结论", "ready": "具备竣工验收条件", "text": "内容",
	"trial_report_id": "试运行报告", "acceptance_id": "竣工验收申请", "accepted_on": "验收日期",
	"applied_on": "申请日期", "approval_ref": "立项批复（备案）文号", "approved_total": "批复概算总投资",
	"completed_on": "建设完成日期", "effect": "应用效果", "filed_on": "报送日期", "go_live_on": "投入运行日期",
	"goal_unchanged": "建设目标不变", "investment": "投资计划执行情况", "new_due_on": "预计交付日期",
	"progress": "建设进度", "reason": "调整原因及依据", "situation": "运行维护情况", "terminated_on": "合同终止日期",
	"type": "类型", "year": "年度", "before": "原批复概算明细", "after": "调整后概算明细",
}

// fieldNamesIn are the names a field takes under a parent that gives it
// another meaning than fieldNames does, by "parent.field".
var fieldNamesIn = map[string]string{
	"demands.provider": "提供部门", "om_filing.provider": "运维服务单位", "trial_report.performance": "性能", "modules.status": "实现情况", "adjustment.type": "调整类型",
	"performance.type": "评价类型", "om_filing.year": "运维年度", "performance.year": "评价年度",
	"acceptance_filing.conclusion": "验收结论", "performance.conclusion": "评价结论及整改措施",
	"security.plan": "安全保障方案",
	// a budget line's optional boxes, as the client's form heads them
	"budget.spec": "规格/参数", "budget.basis": "计算依据", "budget.domestic": "国产/信创",
}

// pathNames name whole paths (kind.field…) as the clerk's form names
// them, where the names of their parts joined read otherwise: the
// console's remarks read 密码应用 · 摘要, 摘要, 金额 and 验收日期 beside the
// form's 密码应用方案摘要, 建设内容完成情况, 本年度运维经费 and 验收通过日期 (a 天宁
// reviewer's walkthrough). The console's page names its rows the same
// (console.TestDocumentNamesRowsAsTheirRemarks).
var pathNames = map[string]string{
	"declaration.integrated": "已完成本单位现有信息系统整合", "declaration.security.assess": "拟开展等保测评或安全风险评估",
	"declaration.security.level": "等级保护级别", "declaration.crypto.level": "密码应用等级",
	"declaration.crypto.summary": "密码应用方案摘要", "declaration.crypto.review": "已（拟）报密码管理部门审核",
	"declaration.deployment.explanation": "未按要求部署的理由（情况说明）",
	"declaration.xinchuang.supported":    "支持国产化（信创）软硬件", "declaration.xinchuang.notes": "信创适配说明",
	"catalogue.title":                    "目录名称",
	"trial_report.environment.xinchuang": "运行在信创（国产化）环境", "trial_report.scope": "试运行范围",
	"trial_report.conclusion.text": "试运行结论",
	"acceptance.summary":           "建设内容完成情况",
	"go_live.approval_ref":         "立项批复文号", "acceptance_filing.approval_ref": "立项批复文号",
	"acceptance_filing.accepted_on": "验收通过日期", "adjustment.approval_ref": "原立项批复文号",
	"adjustment.applied_on": "报送日期", "om_filing.amount": "本年度运维经费", "om_filing.plan": "下一年度运维计划",
	"performance.type": "报告类型", "performance.goals": "绩效目标完成情况", "performance.opinions": "使用单位和监理单位意见",
}

// FieldLabel names a path of a filing's body (its JSON fields, rows by
// number) for people: "declaration.budget.1.amount" → "投资概算明细 第 2 行 · 金额".
// The bureau's console lists changes with it.
func FieldLabel(path string) string {
	if name, ok := pathNames[path]; ok {
		return name
	}
	var out []string
	parent := ""
	for i, seg := range strings.Split(path, ".") {
		if n, err := strconv.Atoi(seg); err == nil && i > 0 {
			out[len(out)-1] += " 第 " + strconv.Itoa(n+1) + " 行"
			continue
		}
		name, ok := fieldNamesIn[parent+"."+seg]
		if !ok {
			name, ok = fieldNames[seg]
		}
		parent = seg
		if !ok {
			name = seg
		}
		out = append(out, name)
	}
	if len(out) > 1 && slices.Contains(kindNames, out[0]) {
		out = out[1:]
	}
	return strings.Join(out, " · ")
}

// RemarkLabel names a field of a filing of kind k by the path Validate
// and a reviewer's remark (Transition.Remarks) use, for people:
// "budget[2].amount" → "投资概算明细 第 3 行 · 金额", "crypto.summary" →
// "密码应用方案摘要" (pathNames). The kind decides what some names mean: a trial
// report's performance is 性能, not the 绩效评价 filing. An unknown kind
// ("") reads as a declaration's.
func RemarkLabel(k Kind, path string) string {
	if k == "" {
		k = KindDeclaration
	}
	path = DottedPath(path)
	if r, ok := ranges[path]; ok && r.label[k] != "" {
		return r.label[k]
	}
	return FieldLabel(string(k) + "." + path)
}

// ranges are the fields that start a range the console shows, and the
// reviewer remarks on, as one row (建设周期, 试运行期间, 评价期间), by their
// dotted path: the end, and the row's name by kind. A remark on
// 试运行期间 was listed under 试运行开始 and read 未修改 when the unit moved
// the end date (found in a reviewer's walkthrough).
var ranges = map[string]struct {
	end   string
	label map[Kind]string
}{
	"period_start": {"period_end", map[Kind]string{KindDeclaration: "建设周期", KindPerformance: "评价期间"}},
	"trial_start":  {"trial_end", map[Kind]string{KindTrialReport: "试运行期间", KindAcceptance: "试运行期间"}},
}

// RangeEnd returns the dotted path of the end of the range whose start is
// path (a remark on the range is answered by a change of either), "" when
// path starts none.
func RangeEnd(path string) string { return ranges[DottedPath(path)].end }

// valueChoices are the code sets of the body's coded fields, by the field's
// JSON name, or its parent's and its own where the name alone is not
// enough ("budget.category" is not "negatives.category").
var valueChoices = map[string][]Choice{
	"budget.category": BudgetChoices, "funding.kind": FundingChoices, "nature": NatureChoices,
	"service_types": ServiceTypeChoices, "class": ClassChoices, "plan": PlanChoices, "deployment.mode": DeployChoices,
	"unit_type": UnitTypeChoices, "share_type": ShareTypeChoices, "update_cycle": UpdateCycleChoices,
	"format_class": FormatClassChoices, "data_type": DataTypeChoices, "share_mode_class": ShareModeClassChoices,
	"usage": DemandUsageChoices, "negatives.category": NegativeCategoryChoices,
	// The rest read as codes in a revision's changes (部分实现 as partial,
	// 第三级 as 3, 项目调整 as content; found comparing them with the
	// console's labels of the same fields).
	"demands.frequency": UpdateCycleChoices, "security.level": SecurityLevelChoices, "crypto.level": SecurityLevelChoices,
	"modules.status": ImplStatusChoices, "issues.severity": SeverityChoices, "issues.status": IssueStatusChoices,
	"networks": NetworkChoices, "dengbao": DengbaoChoices, "security.crypto": CryptoStatusChoices,
	"adjustment.type": AdjustTypeChoices, "performance.type": PerformanceTypeChoices,
	// A resource's format and share mode types read 302 and 3 in a
	// revision's changes, where its page reads KingbaseES and 接口 (found
	// in a reviewer's walkthrough). The format types' codes are unique
	// across the classes; a free-text type reads as typed.
	"format_type": allFormatTypes(), "share_mode_type": shareModeTypeChoices,
}

// allFormatTypes returns the format types of every class.
func allFormatTypes() []Choice {
	var out []Choice
	for _, c := range FormatClassChoices {
		out = append(out, FormatTypeChoices(FormatClass(c.Code))...)
	}
	return out
}

// ValueLabel says a coded value of the body's field at path for people, as
// the filing's pages show it: "declaration.budget.3.category" with
// "security_assessment" → "等保测评及安全评估费". Other values come back as
// they are.
func ValueLabel(path, v string) string {
	var names []string // the path's field names, rows left out
	for _, seg := range strings.Split(path, ".") {
		if _, err := strconv.Atoi(seg); err != nil {
			names = append(names, seg)
		}
	}
	if len(names) == 0 {
		return v
	}
	last := names[len(names)-1]
	if len(names) > 1 && names[len(names)-2] == "attachments" {
		// A revision's changes read "材料：other；大小：66" of an attachment
		// (found from outside).
		switch last {
		case "material":
			return MaterialLabel(v)
		case "size":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return SizeLabel(n)
			}
		case "sha256":
			if len(v) > 12 {
				return v[:12] + "…"
			}
		}
	}
	if len(names) > 1 {
		if cs, ok := valueChoices[names[len(names)-2]+"."+last]; ok {
			return LabelOf(cs, v)
		}
	}
	if cs, ok := valueChoices[last]; ok {
		return LabelOf(cs, v)
	}
	return v
}
