package app

import (
	"strconv"
	"strings"
)

// fieldNames are the Chinese names of the body's JSON fields. A name
// missing here shows as the JSON field itself.
var fieldNames = map[string]string{
	"declaration": "申报书", "catalogue": "目录", "trial_report": "试运行报告", "acceptance": "验收申请",
	"attachments": "附件", "plan_year": "计划年度", "project_name": "项目名称", "unit_name": "建设单位",
	"unit_credit_code": "统一社会信用代码", "supervising_dept": "主管部门", "region_code": "行政区划代码",
	"contact": "联系人信息", "leader": "项目负责人", "person": "联系人", "phone": "联系电话",
	"nature": "建设性质", "service_types": "服务类型", "class": "项目类别", "plan": "年度计划",
	"plan_basis": "规划依据", "period_start": "建设周期起", "period_end": "建设周期止", "goals": "建设目标",
	"indicators": "绩效目标及指标", "content": "建设内容", "modules": "功能模块", "name": "名称",
	"description": "说明", "current_state": "现有系统与整合", "integrated": "已完成系统整合",
	"data_resources": "数据资源", "sharing_analysis": "信息资源共享分析", "shares_data": "接入共享交换平台",
	"security": "安全设计", "level": "级别", "assess": "等保测评", "crypto": "密码应用", "summary": "摘要",
	"review": "报审", "deployment": "部署", "mode": "部署方式", "explanation": "说明", "resources": "资源需求",
	"xinchuang": "信创", "supported": "支持国产化", "notes": "说明", "om_plan": "运维方案",
	"om_annual": "年运行维护经费", "schedule": "进度安排", "due": "时间", "total_investment": "总投资概算",
	"year_amount": "本年度资金", "budget": "投资概算明细", "category": "类别", "spec": "规格",
	"quantity": "数量", "amount": "金额", "basis": "依据", "domestic": "国产", "funding": "资金来源",
	"kind": "来源", "confirmations": "确认事项", "entries": "信息资源", "items": "信息项",
	"demands": "需求清单", "duties": "责任清单", "negatives": "负面清单", "title": "标题",
	"contract_amount": "合同金额", "material": "材料", "sha256": "校验值", "size": "大小",
}

// FieldLabel names a path of a filing's body (its JSON fields, rows by
// number) for people: "declaration.budget.1.amount" → "投资概算明细 第 2 行 · 金额".
// The bureau's console lists changes with it.
func FieldLabel(path string) string {
	var out []string
	for _, seg := range strings.Split(path, ".") {
		if n, err := strconv.Atoi(seg); err == nil {
			out[len(out)-1] += " 第 " + strconv.Itoa(n+1) + " 行"
			continue
		}
		if name, ok := fieldNames[seg]; ok {
			seg = name
		}
		out = append(out, seg)
	}
	if len(out) > 1 && (out[0] == "申报书" || out[0] == "目录" || out[0] == "试运行报告" || out[0] == "验收申请") {
		out = out[1:]
	}
	return strings.Join(out, " · ")
}

// RemarkLabel names the field a reviewer's remark is on (Transition.Remarks,
// by the path Validate uses) for people: "budget[2].amount" → "投资概算明细
// 第 3 行 · 金额", "crypto.summary" → "密码应用 · 摘要".
func RemarkLabel(path string) string {
	path = strings.NewReplacer("[", ".", "]", "").Replace(path)
	return FieldLabel("declaration." + path)
}

// valueChoices are the code sets of the body's coded fields, by the field's
// JSON name, or its parent's and its own where the name alone is not
// enough ("budget.category" is not "negatives.category").
var valueChoices = map[string][]Choice{
	"budget.category": BudgetChoices, "funding.kind": FundingChoices, "nature": NatureChoices,
	"service_types": ServiceTypeChoices, "class": ClassChoices, "plan": PlanChoices, "deployment.mode": DeployChoices,
	"unit_type": UnitTypeChoices, "share_type": ShareTypeChoices, "update_cycle": UpdateCycleChoices,
	"format_class": FormatClassChoices, "data_type": DataTypeChoices, "share_mode_class": ShareModeClassChoices,
	"usage": DemandUsageChoices, "negatives.category": NegativeCategoryChoices,
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
