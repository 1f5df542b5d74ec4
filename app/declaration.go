package app

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/width"
)

// Nature is the construction nature of a project (建设性质).
type Nature string

// Natures.
const (
	NatureNew      Nature = "new"      // 新建
	NatureRebuild  Nature = "rebuild"  // 改建、扩建、升级改造 (武汉 第三条; 天宁 names them beside 新建)
	NatureContinue Nature = "continue" // 续建
	NatureOM       Nature = "om"       // 运维
	NatureService  Nature = "service"  // 购买服务
)

// ServiceType is a kind of service a project buys (服务类型).
type ServiceType string

// Service types.
const (
	ServiceInfra      ServiceType = "infrastructure" // 基础设施服务
	ServiceSoftware   ServiceType = "software_dev"   // 软件开发服务
	ServiceOM         ServiceType = "om"             // 运维服务
	ServiceOperation  ServiceType = "operation"      // 系统业务运营服务
	ServiceThirdParty ServiceType = "third_party"    // 第三方服务
)

// Class is the project class (项目类别): public projects and professional
// projects follow different flows in some jurisdictions.
type Class string

// Classes.
const (
	ClassPublic       Class = "public"       // 公共类
	ClassProfessional Class = "professional" // 专业类
)

// UnitType is what kind of body the project unit is (建设单位类型): some
// jurisdictions route by it (武汉 第九条: schools and medical institutions
// are approved by their 行业主管部门 and filed with the bureau).
type UnitType string

// Unit types.
const (
	UnitGovernment  UnitType = "government"  // 党政机关
	UnitInstitution UnitType = "institution" // 事业单位（学校、医疗机构除外）
	UnitSchool      UnitType = "school"      // 学校
	UnitMedical     UnitType = "medical"     // 医疗机构
	UnitPeopleOrg   UnitType = "people_org"  // 人民团体
	UnitOther       UnitType = "other"       // 其他（中央和省驻地单位等）
)

// PlanStatus says whether a project is in the annual plan (年度计划).
type PlanStatus string

// Plan statuses.
const (
	PlanListed    PlanStatus = "listed"     // 已列入年度计划
	PlanUrgent    PlanStatus = "urgent"     // 紧急项目，申请补充列入
	PlanNotListed PlanStatus = "not_listed" // 未列入
)

// DeployMode is where the system is deployed.
type DeployMode string

// Deployment modes.
const (
	DeployEgovCloud DeployMode = "egov_cloud" // 政务云（电子政务外网）
	DeployExtranet  DeployMode = "extranet"   // 电子政务外网（自有资源）
	DeployOther     DeployMode = "other"      // 其他（须说明理由）
)

// FundingKind is a source of funds (资金来源).
type FundingKind string

// Funding kinds.
const (
	FundLocal    FundingKind = "local_finance" // 本级财政资金
	FundTransfer FundingKind = "transfer"      // 上级转移支付资金
	FundSelf     FundingKind = "self_raised"   // 单位自筹
	FundFinance  FundingKind = "gov_financing" // 政府融资
	FundBond     FundingKind = "special_bond"  // 政府专项债
	FundOther    FundingKind = "other"         // 其他
)

// BudgetCategory classifies a line of the itemised budget (投资概算明细).
// Fees for supervision, testing and assessments are part of the total.
type BudgetCategory string

// Budget categories.
const (
	BudgetConstruction BudgetCategory = "construction"        // 建筑工程费（机房、配套设施）
	BudgetHardware     BudgetCategory = "hardware"            // 硬件设备购置费
	BudgetSoftwareBuy  BudgetCategory = "software_purchase"   // 软件购置费
	BudgetSoftwareDev  BudgetCategory = "software_dev"        // 软件开发费
	BudgetIntegration  BudgetCategory = "integration"         // 系统集成费
	BudgetCloud        BudgetCategory = "cloud"               // 云资源租用费
	BudgetSupervision  BudgetCategory = "supervision"         // 工程监理费
	BudgetTesting      BudgetCategory = "software_testing"    // 第三方软件测试费
	BudgetSecurityEval BudgetCategory = "security_assessment" // 等保测评/安全评估费
	BudgetCryptoEval   BudgetCategory = "crypto_assessment"   // 密码应用方案及密评费
	BudgetOM           BudgetCategory = "om"                  // 运行维护费
	BudgetManagement   BudgetCategory = "management"          // 建设管理、咨询、招标、培训等其他费用
)

// Choice is a code with its Chinese label, for pick lists.
type Choice struct {
	Code  string
	Label string
}

// Code lists, in the order a form offers them.
var (
	NatureChoices = []Choice{{string(NatureNew), "新建"}, {string(NatureRebuild), "改建、扩建、升级改造"}, {string(NatureContinue), "续建"},
		{string(NatureOM), "运维"}, {string(NatureService), "购买服务"}}
	ServiceTypeChoices = []Choice{{string(ServiceInfra), "基础设施服务"}, {string(ServiceSoftware), "软件开发服务"},
		{string(ServiceOM), "运维服务"}, {string(ServiceOperation), "系统业务运营服务"}, {string(ServiceThirdParty), "第三方服务"}}
	ClassChoices    = []Choice{{string(ClassPublic), "公共类"}, {string(ClassProfessional), "专业类"}}
	UnitTypeChoices = []Choice{{string(UnitGovernment), "党政机关"}, {string(UnitInstitution), "事业单位"},
		{string(UnitSchool), "学校"}, {string(UnitMedical), "医疗机构"}, {string(UnitPeopleOrg), "人民团体"}, {string(UnitOther), "其他"}}
	PlanChoices    = []Choice{{string(PlanListed), "已列入年度计划"}, {string(PlanUrgent), "紧急项目，申请补充列入"}, {string(PlanNotListed), "未列入年度计划"}}
	DeployChoices  = []Choice{{string(DeployEgovCloud), "政务云"}, {string(DeployExtranet), "电子政务外网"}, {string(DeployOther), "其他（须说明理由）"}}
	FundingChoices = []Choice{{string(FundLocal), "本级财政资金"}, {string(FundTransfer), "上级转移支付资金"}, {string(FundSelf), "单位自筹"},
		{string(FundFinance), "政府融资"}, {string(FundBond), "政府专项债"}, {string(FundOther), "其他"}}
	BudgetChoices = []Choice{{string(BudgetConstruction), "建筑工程费"}, {string(BudgetHardware), "硬件设备购置费"},
		{string(BudgetSoftwareBuy), "软件购置费"}, {string(BudgetSoftwareDev), "软件开发费"}, {string(BudgetIntegration), "系统集成费"},
		{string(BudgetCloud), "云资源租用费"}, {string(BudgetSupervision), "工程监理费"}, {string(BudgetTesting), "第三方软件测试费"},
		{string(BudgetSecurityEval), "等保测评及安全评估费"}, {string(BudgetCryptoEval), "密码应用方案及密评费"},
		{string(BudgetOM), "运行维护费"}, {string(BudgetManagement), "建设管理等其他费用"}}
	SecurityLevelChoices = []Choice{{"1", "第一级"}, {"2", "第二级"}, {"3", "第三级"}, {"4", "第四级"}}
)

// LabelOf returns the label of code in choices, or code itself when unknown.
func LabelOf(choices []Choice, code string) string {
	for _, c := range choices {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func known(choices []Choice, code string) bool {
	for _, c := range choices {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Contact is the person the bureau calls about a filing.
type Contact struct {
	Leader string `json:"leader"` // 项目负责人
	Person string `json:"person"` // 联系人
	Phone  string `json:"phone"`
}

// Module is one function module in the construction content (功能模块).
type Module struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Security is the security design (安全设计).
type Security struct {
	Level  int    `json:"level"`  // 等保级别 1–4; 0 = not yet graded
	Plan   string `json:"plan"`   // 安全保障方案：技术与管理措施，三同步
	Assess bool   `json:"assess"` // 拟开展等保测评/安全风险评估
}

// CryptoPlan is the commercial cryptography application plan (密码应用方案).
type CryptoPlan struct {
	Level   int    `json:"level"`   // 密码应用等级 1–4
	Summary string `json:"summary"` // 方案摘要：算法、密钥管理、产品
	Review  bool   `json:"review"`  // 已/拟报密码管理部门（机要局）审核
}

// Deployment is where and how the system runs (部署方案).
type Deployment struct {
	Mode        DeployMode `json:"mode"`
	Explanation string     `json:"explanation"` // required when Mode is other
	Resources   string     `json:"resources"`   // CPU、内存、存储、带宽需求
}

// Xinchuang is the domestic-platform adaptation (信创适配).
type Xinchuang struct {
	Supported bool   `json:"supported"` // 支持国产化软硬件
	Notes     string `json:"notes"`     // 操作系统、数据库、中间件、CPU
}

// Milestone is one step of the schedule.
type Milestone struct {
	Name string `json:"name"`
	Due  string `json:"due"` // YYYY-MM
}

// BudgetItem is one line of the itemised budget.
type BudgetItem struct {
	Category BudgetCategory `json:"category"`
	Name     string         `json:"name"`
	Spec     string         `json:"spec,omitempty"`
	Quantity int64          `json:"quantity,omitempty"`
	Amount   Money          `json:"amount"`
	Basis    string         `json:"basis,omitempty"` // 计算依据
	Domestic bool           `json:"domestic,omitempty"`
}

// blank reports whether nothing was filled in on the line (spaces count as
// nothing).
func (b BudgetItem) blank() bool {
	return b.Category == "" && isBlank(b.Name+b.Spec+b.Basis) && b.Quantity == 0 && b.Amount == 0 && !b.Domestic
}

// Funding is one source of funds with its amount.
type Funding struct {
	Kind   FundingKind `json:"kind"`
	Amount Money       `json:"amount"`
}

// Declaration is a project declaration (项目申报书 / 年度需求计划): one per
// project per plan year.
type Declaration struct {
	// 基本信息
	PlanYear        int    `json:"plan_year"`
	ProjectName     string `json:"project_name"`
	UnitName        string `json:"unit_name"`
	UnitCreditCode  string `json:"unit_credit_code"` // 统一社会信用代码
	SupervisingDept string `json:"supervising_dept,omitempty"`
	// UnitType is the kind of body the unit is; "" when not given.
	UnitType   UnitType `json:"unit_type,omitempty"`
	RegionCode string   `json:"region_code,omitempty"` // GB/T 2260
	Contact    Contact  `json:"contact"`

	// 性质与类别
	Nature       Nature        `json:"nature"`
	ServiceTypes []ServiceType `json:"service_types,omitempty"`
	Class        Class         `json:"class"`
	Plan         PlanStatus    `json:"plan"`
	PlanBasis    string        `json:"plan_basis,omitempty"` // 规划依据、上级文件、会议纪要
	PeriodStart  string        `json:"period_start"`         // YYYY-MM
	PeriodEnd    string        `json:"period_end"`           // YYYY-MM
	// LegalException names the law or regulation that provides otherwise
	// for this project (天宁's 不予审核 hold 除法律法规明确规定外): a
	// profile lifts its blockers on it, and asks for the basis attached.
	LegalException string `json:"legal_exception,omitempty"`
	// CapitalProject: the project's hardware, equipment and software are
	// planned and built with a fixed-asset investment project (武汉 第九条:
	// 纳入基本建设项目管理). Asked only where a profile reads it.
	CapitalProject bool `json:"capital_project,omitempty"`

	// 建设目标与内容
	Goals        string   `json:"goals"`
	Indicators   string   `json:"indicators,omitempty"` // 绩效目标及指标
	Content      string   `json:"content"`
	Modules      []Module `json:"modules,omitempty"`
	CurrentState string   `json:"current_state,omitempty"` // 现有系统与整合情况
	Integrated   bool     `json:"integrated"`              // 已完成本单位现有系统整合

	// 数据资源
	DataResources   string `json:"data_resources"`
	SharingAnalysis string `json:"sharing_analysis,omitempty"` // 信息资源共享分析篇
	SharesData      bool   `json:"shares_data"`                // 接入共享交换平台、提供数据共享

	// 安全、密码、部署、信创、运维、进度
	Security   Security    `json:"security"`
	Crypto     CryptoPlan  `json:"crypto"`
	Deployment Deployment  `json:"deployment"`
	Xinchuang  Xinchuang   `json:"xinchuang"`
	OMPlan     string      `json:"om_plan"`
	OMAnnual   Money       `json:"om_annual,omitempty"` // 年运行维护经费
	Schedule   []Milestone `json:"schedule,omitempty"`

	// 投资
	TotalInvestment Money        `json:"total_investment"` // 总投资概算
	YearAmount      Money        `json:"year_amount,omitempty"`
	Budget          []BudgetItem `json:"budget,omitempty"`
	Funding         []Funding    `json:"funding,omitempty"`

	// 确认事项：IDs of the rule profile's checklist items (Profile.Checklist)
	// the commissioner has confirmed, e.g. that the project is not routine
	// office equipment.
	Confirmations []string `json:"confirmations,omitempty"`
}

// BudgetSum returns the sum of the itemised budget (saturated: addMoney).
func (d *Declaration) BudgetSum() Money {
	var s Money
	for _, b := range d.Budget {
		s = addMoney(s, b.Amount)
	}
	return s
}

// BudgetOf returns the sum of the budget lines of category c (saturated:
// addMoney).
func (d *Declaration) BudgetOf(c BudgetCategory) Money {
	var s Money
	for _, b := range d.Budget {
		if b.Category == c {
			s = addMoney(s, b.Amount)
		}
	}
	return s
}

// FundingSum returns the sum of the funding sources (saturated: addMoney).
func (d *Declaration) FundingSum() Money {
	var s Money
	for _, f := range d.Funding {
		s = addMoney(s, f.Amount)
	}
	return s
}

var yearMonth = regexp.MustCompile(`^(20\d\d|2100)-(0[1-9]|1[0-2])$`) // 2000-01 to 2100-12: years 2000–2100, as plan_year

var regionCodePattern = regexp.MustCompile(`^\d{6}$`)

// CitesLaw reports whether s, a declaration's 法律法规另有规定的依据, names
// a law or regulation: "无", "没有" or "不适用" lifted every 不予审核 of
// 天宁 (found in a walkthrough; the hint says 没有的留空, and 无 is what
// a clerk writes for none), and so did a sentence saying there is none
// (本项目无法律法规另有规定) or naming none (根据国家有关规定; found in
// review). A law is named in 书名号, or by a name of its kind: 保密法,
// 无线电管理条例, …关于…的规定.
func CitesLaw(s string) bool {
	s = strings.TrimSpace(s)
	for _, none := range noLaw {
		if s == none || strings.HasPrefix(s, none) && strings.ContainsAny(string([]rune(s[len(none):])[:1]), "，,。.；;、 ：:（(") {
			return false // 无。 没有，…
		}
	}
	for _, neg := range noLawSaid {
		if strings.Contains(s, neg) {
			return false
		}
	}
	if strings.Contains(s, "《") && strings.Contains(s, "》") {
		return true
	}
	for _, g := range lawWords {
		s = strings.ReplaceAll(s, g, "、")
	}
	return lawName.MatchString(s)
}

var (
	// noLaw are answers that mean "none", whole or before punctuation.
	noLaw = []string{"无", "没有", "暂无", "不适用", "否", "无此情况", "无此情形", "不涉及", "-", "—", "——", "/", "／", "N/A", "n/a", "NA", "none", "None", "0"}
	// noLawSaid are phrases saying there is no law providing otherwise.
	noLawSaid = []string{"无法律", "没有法律", "不存在法律", "无相关法律", "没有相关法律", "无另有规定", "没有另有规定", "不存在另有规定",
		"无明确规定", "没有明确规定", "未作规定", "无特别规定", "没有特别规定", "无此类", "没有此类", "无上述", "没有上述"}
	// lawWords are generic words that name no law: taken out before a
	// name is looked for.
	lawWords = []string{"法律法规", "法律", "法规", "有关规定", "相关规定", "另有规定", "明确规定", "国家规定", "依法", "无法", "方法", "合法", "法定", "办法规定"}
	// lawName is a law's name by its kind: two characters or more before
	// 法, 条例, 规定, 办法, 细则 or 决定.
	lawName = regexp.MustCompile(`\p{Han}{2,}(法|条例|规定|办法|细则|决定)`)
)

// Validate checks the declaration's own rules (not those of a jurisdiction,
// see Profile.Evaluate) and returns every problem at once as an EINVALID
// *Error, or nil. It never changes the declaration.
func (d *Declaration) Validate() error {
	var p Problems
	if d.PlanYear < 2000 || d.PlanYear > 2100 {
		p.Add("plan_year", "请填写申报年度（四位年份，如 2027）")
	}
	switch n := runeLen(strings.TrimSpace(d.ProjectName)); {
	case n == 0:
		p.Add("project_name", "请填写项目名称")
	case n > 100:
		p.Add("project_name", "项目名称不能超过 100 个字（现有 %d 个字）", n)
	}
	if isBlank(d.UnitName) {
		p.Add("unit_name", "请填写项目建设单位名称")
	}
	if why := CreditCodeProblem(d.UnitCreditCode); d.UnitCreditCode != "" && why != "" {
		p.Add("unit_credit_code", "统一社会信用代码“%s”无效：%s，请核对营业执照或事业单位法人证书", d.UnitCreditCode, why)
	} else if d.UnitCreditCode == "" {
		p.Add("unit_credit_code", "请填写建设单位的统一社会信用代码（18 位）")
	}
	if d.UnitType != "" && !known(UnitTypeChoices, string(d.UnitType)) {
		p.Add("unit_type", "未知的建设单位类型“%s”，请重新选择", clipText(d.UnitType.String(), 40))
	}
	if d.RegionCode != "" && !regionCodePattern.MatchString(d.RegionCode) {
		p.Add("region_code", "行政区划代码应为 6 位数字")
	}
	if isBlank(d.Contact.Person) {
		p.Add("contact.person", "请填写联系人")
	}
	if isBlank(d.Contact.Phone) {
		p.Add("contact.phone", "请填写联系电话")
	} else if !validPhone(d.Contact.Phone) {
		p.Add("contact.phone", "联系电话“%s”格式不正确：请填写手机号或带区号的座机号", d.Contact.Phone)
	}
	if !known(NatureChoices, string(d.Nature)) {
		p.Add("nature", "请选择建设性质（新建，改建、扩建、升级改造，续建，运维或购买服务）")
	}
	if !isBlank(d.LegalException) && !CitesLaw(d.LegalException) {
		p.Add("legal_exception", "“法律法规另有规定的依据”写的是“%s”，没有写明法律法规：没有另有规定的，请留空；有的，写明法律法规名称及条款，如《中华人民共和国保守国家秘密法》第二十四条", clipText(strings.TrimSpace(d.LegalException), 20))
	}
	for i, s := range d.ServiceTypes {
		if !known(ServiceTypeChoices, string(s)) {
			p.Add(fmt.Sprintf("service_types[%d]", i), "未知的服务类型“%s”", s)
		}
	}
	if !known(ClassChoices, string(d.Class)) {
		p.Add("class", "请选择项目类别（公共类或专业类）")
	}
	if !known(PlanChoices, string(d.Plan)) {
		p.Add("plan", "请选择是否已列入年度计划")
	} else if d.Plan == PlanUrgent && isBlank(d.PlanBasis) {
		p.Add("plan_basis", "申请补充列入年度计划的紧急项目，须写明依据（上级文件、会议纪要或领导批示）")
	}
	startOK, endOK := yearMonth.MatchString(d.PeriodStart), yearMonth.MatchString(d.PeriodEnd)
	for _, m := range []struct {
		field, what, text, example string
		ok                         bool
	}{{"period_start", "开始", d.PeriodStart, "2027-01", startOK}, {"period_end", "结束", d.PeriodEnd, "2027-12", endOK}} {
		switch {
		case m.ok:
		case isBlank(m.text):
			p.Add(m.field, "请填写建设周期%s年月（格式 %s）", m.what, m.example)
		default: // say what was typed: "请填写" of a box that shows text read as a fault
			p.Add(m.field, "建设周期%s“%s”不是年月：请写成 %s 或 %s", m.what, clipText(m.text, 40), m.example, strings.Replace(m.example, "-", "年", 1)+"月")
		}
	}
	if startOK && endOK && d.PeriodEnd < d.PeriodStart {
		p.Add("period_end", "建设周期结束（%s）不能早于开始（%s）", d.PeriodEnd, d.PeriodStart)
	}
	if isBlank(d.Goals) {
		p.Add("goals", "请填写建设目标")
	}
	if isBlank(d.Content) {
		p.Add("content", "请填写建设内容")
	}
	for i, m := range d.Modules {
		if isBlank(m.Name) {
			p.Add(fmt.Sprintf("modules[%d].name", i), "第 %d 个功能模块缺少名称", i+1)
		}
	}
	if isBlank(d.DataResources) {
		p.Add("data_resources", "请填写数据资源情况（产生和使用哪些数据、向谁共享）")
	}
	// A level is not demanded here: no seed regulation demands one with the
	// declaration; a profile may (section "security.level").
	if d.Security.Level < 0 || d.Security.Level > 4 {
		p.Add("security.level", "等级保护级别应为第一级至第四级")
	}
	if d.Crypto.Level < 0 || d.Crypto.Level > 4 {
		p.Add("crypto.level", "密码应用等级应为第一级至第四级")
	}
	switch d.Deployment.Mode {
	case DeployEgovCloud, DeployExtranet:
	case DeployOther:
		if isBlank(d.Deployment.Explanation) {
			p.Add("deployment.explanation", "不部署在政务云或电子政务外网的，须说明理由")
		}
	default:
		p.Add("deployment.mode", "请选择部署方式（政务云、电子政务外网或其他）")
	}
	if d.Nature != NatureOM && isBlank(d.OMPlan) {
		p.Add("om_plan", "请填写运维方案（运维范围、服务级别、费用来源）")
	}
	for i, m := range d.Schedule {
		if isBlank(m.Name) {
			p.Add(fmt.Sprintf("schedule[%d].name", i), "第 %d 个进度节点缺少名称", i+1)
		}
		if !yearMonth.MatchString(m.Due) {
			p.Add(fmt.Sprintf("schedule[%d].due", i), "进度节点“%s”的时间应为年月（格式 2027-06）", m.Name)
		}
	}
	validateMoney(&p, d)
	return p.Err()
}

func validateMoney(p *Problems, d *Declaration) {
	if d.TotalInvestment <= 0 {
		p.Add("total_investment", "请填写总投资概算（万元），须大于 0")
	} else if d.TotalInvestment > MaxAmount {
		p.Add("total_investment", "总投资概算不能超过 %s，请核对单位（万元）", MaxAmount)
	}
	if d.OMAnnual < 0 {
		p.Add("om_annual", "年运行维护经费不能为负数")
	} else if d.OMAnnual > MaxAmount {
		p.Add("om_annual", "年运行维护经费不能超过 %s，请核对单位（万元）", MaxAmount)
	}
	if d.YearAmount < 0 {
		p.Add("year_amount", "本年度申请资金不能为负数")
	} else if d.TotalInvestment > 0 && d.YearAmount > d.TotalInvestment {
		p.Add("year_amount", "本年度申请资金（%s）不能超过总投资概算（%s）", d.YearAmount, d.TotalInvestment)
	}
	if len(d.Budget) == 0 {
		p.Add("budget", "请填写投资概算明细：各分项金额之和须等于总投资概算")
	}
	for i, b := range d.Budget {
		f := fmt.Sprintf("budget[%d]", i)
		if b.blank() {
			// A row added and left empty is one problem, not three (费用类别,
			// 名称, 金额; a 霍邱 walkthrough).
			p.Add(f, "第 %d 行投资明细是空行：请选择费用类别并填写名称和金额，不需要的行请删除", i+1)
			continue
		}
		if !known(BudgetChoices, string(b.Category)) {
			p.Add(f+".category", "第 %d 行投资明细请选择费用类别", i+1)
		}
		if isBlank(b.Name) {
			p.Add(f+".name", "第 %d 行投资明细缺少名称", i+1)
		}
		switch {
		case b.Amount <= 0 && isBlank(b.Name):
			p.Add(f+".amount", "第 %d 行投资明细的金额须大于 0", i+1)
		case b.Amount <= 0:
			p.Add(f+".amount", "第 %d 行投资明细“%s”的金额须大于 0", i+1, b.Name)
		case b.Amount > MaxAmount:
			p.Add(f+".amount", "第 %d 行投资明细的金额不能超过 %s，请核对单位（万元）", i+1, MaxAmount)
		}
		if b.Quantity < 0 {
			p.Add(f+".quantity", "第 %d 行投资明细的数量不能为负数", i+1)
		}
	}
	if len(d.Budget) > 0 && d.TotalInvestment > 0 {
		if sum := d.BudgetSum(); sum != d.TotalInvestment {
			word, diff := shortOrOver(sum, d.TotalInvestment)
			p.Add("budget", "投资明细合计 %s，与总投资概算 %s 不一致：明细比概算%s %s（%s 元），请调整明细或概算",
				sum, d.TotalInvestment, word, diff, diff.YuanString())
		}
	}
	if len(d.Funding) == 0 {
		p.Add("funding", "请填写资金来源")
	}
	for i, f := range d.Funding {
		if f == (Funding{}) {
			p.Add(fmt.Sprintf("funding[%d]", i), "第 %d 项资金来源是空行：请选择类别并填写金额，不需要的请删除", i+1)
			continue
		}
		if !known(FundingChoices, string(f.Kind)) {
			p.Add(fmt.Sprintf("funding[%d].kind", i), "第 %d 项资金来源请选择类别", i+1)
		}
		if f.Amount <= 0 {
			p.Add(fmt.Sprintf("funding[%d].amount", i), "第 %d 项资金来源金额须大于 0", i+1)
		} else if f.Amount > MaxAmount {
			p.Add(fmt.Sprintf("funding[%d].amount", i), "第 %d 项资金来源金额不能超过 %s，请核对单位（万元）", i+1, MaxAmount)
		}
	}
	if len(d.Funding) > 0 && d.TotalInvestment > 0 {
		if sum := d.FundingSum(); sum != d.TotalInvestment {
			// by how much, as the budget's says (it did not; a 霍邱 walkthrough)
			word, diff := shortOrOver(sum, d.TotalInvestment)
			p.Add("funding", "资金来源合计 %s，与总投资概算 %s 不一致：资金来源比概算%s %s（%s 元），请调整资金来源或概算",
				sum, d.TotalInvestment, word, diff, diff.YuanString())
		}
	}
}

// shortOrOver says how sum stands against total: 少 (short) or 多 (over),
// and by how much.
func shortOrOver(sum, total Money) (word string, diff Money) {
	if sum > total {
		return "多", sum - total
	}
	return "少", total - sum
}

var phonePattern = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$`)

func validPhone(s string) bool {
	return phonePattern.MatchString(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// NormalizePhone reads a telephone number typed through an input method
// left in full-width mode (１３９ １２３４ ５６７８, ０５６４－６０２１２３４) as
// the filing keeps it: half-width, its groups kept (139 1234 5678). It
// returns false, and s as it was, when the result is no phone number the
// filings take: text with more than a number is left for the clerk to see,
// never glued together.
func NormalizePhone(s string) (string, bool) {
	t := strings.TrimSpace(width.Narrow.String(s))
	if !validPhone(t) {
		return s, false
	}
	return t, true
}

// String returns the code.
func (u UnitType) String() string { return strings.Map(printable, strings.ToValidUTF8(string(u), "?")) }

// UnitFields are a filing's own unit fields — whose name the filing is
// made in — as pointers into its body: the name, and the credit code when
// the kind has one (nil otherwise), with their field paths and labels.
type UnitFields struct {
	Name, Code           *string
	NameField, CodeField string
	NameLabel, CodeLabel string
}

// OwnUnit returns the body's own unit fields; Name is nil for a body of no
// kind.
func (b Body) OwnUnit() UnitFields {
	unit := func(name *string) UnitFields {
		return UnitFields{Name: name, NameField: "unit_name", NameLabel: "建设单位"}
	}
	switch {
	case b.Declaration != nil:
		return UnitFields{Name: &b.Declaration.UnitName, NameField: "unit_name", NameLabel: "项目建设单位",
			Code: &b.Declaration.UnitCreditCode, CodeField: "unit_credit_code", CodeLabel: "统一社会信用代码"}
	case b.Catalogue != nil:
		return UnitFields{Name: &b.Catalogue.ProviderName, NameField: "provider_name", NameLabel: "信息资源提供方",
			Code: &b.Catalogue.ProviderCode, CodeField: "provider_code", CodeLabel: "提供方代码"}
	case b.TrialReport != nil:
		return unit(&b.TrialReport.UnitName)
	case b.Acceptance != nil:
		return unit(&b.Acceptance.UnitName)
	case b.GoLive != nil:
		return unit(&b.GoLive.UnitName)
	case b.Adjustment != nil:
		return unit(&b.Adjustment.UnitName)
	case b.AcceptanceFiling != nil:
		return unit(&b.AcceptanceFiling.UnitName)
	case b.OMFiling != nil:
		return unit(&b.OMFiling.UnitName)
	case b.Performance != nil:
		return unit(&b.Performance.UnitName)
	}
	return UnitFields{}
}

// CheckOwnUnit returns the problems of a filing made in another unit's
// name than the one filing it: unitName and unitCode, as the bureau
// registered the unit. Found from outside: a declaration with another
// unit's name and credit code, a catalogue with another provider, a trial
// report with another 建设单位 were received, printed and receipted as
// that unit's. The filing's own unit fields (Body.OwnUnit) must be the
// unit's, the name compared as typed, spaces around apart; a catalogue's
// provincial organisation code, which is no credit code, is not compared.
// It returns nil when unitCode is not a valid code (a desktop client that
// never reached the bureau knows nothing to compare with). The desktop
// client checks it with its login's unit, the bureau with the caller's;
// prof names the bureau that registered the unit.
func CheckOwnUnit(b Body, prof *Profile, unitName, unitCode string) Problems {
	u := b.OwnUnit()
	if !ValidCreditCode(unitCode) || u.Name == nil {
		return nil
	}
	var p Problems
	if got := strings.TrimSpace(*u.Name); got != "" && SameName(got) != SameName(unitName) {
		p.Add(u.NameField, "%s“%s”不是本账号所属单位：材料只能以本单位（%s）的名义报送，请改为“%s”；如%s登记的单位名称有误，请联系%s更正",
			u.NameLabel, got, unitName, unitName, prof.BureauShort(), prof.BureauShort())
	}
	if u.Code != nil && ValidCreditCode(*u.Code) && !strings.EqualFold(*u.Code, unitCode) {
		p.Add(u.CodeField, "%s“%s”不是本账号所属单位（%s）的代码 %s：材料只能以本单位的名义报送，请改为 %s；如%s登记的代码有误，请联系%s更正",
			u.CodeLabel, *u.Code, unitName, unitCode, unitCode, prof.BureauShort(), prof.BureauShort())
	}
	return p
}
