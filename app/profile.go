package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Profile is the rule profile of one jurisdiction: how its data bureau routes
// declarations by investment, which obligations, sections and attachments it
// requires, its deadlines, and what blocks a submission. Profiles are data
// (JSON files the bureau serves and the client caches), loaded and checked by
// LoadProfile; Evaluate applies one to a declaration.
//
// Every rule cites the article (条) or part of the regulation it comes from in
// its Source, so a reviewer can check it against the seed text. A loaded
// Profile is never changed and is safe for concurrent use.
//
// The JSON file has the fields below (unknown fields are rejected): routes
// (investment bands with min_wan/max_wan in 万元 as decimal strings, a band
// with "basis": "approved" measured against the approved investment once
// known), route_overrides (routes by another fact, such as the unit's
// type), obligations, sections, materials, checklist, blockers and
// deadlines, each rule with an optional "when" condition (see Cond) and a
// "source", and lifecycle (the filings after the declaration, see
// LifecycleRule). A rule no clause states carries "addition": true and says
// so in its source; the bureau switches any rule off with "off": true.
type Profile struct {
	ID           string `json:"id"`           // file name without .json, e.g. "huoqiu"
	Jurisdiction string `json:"jurisdiction"` // 霍邱县
	Bureau       string `json:"bureau"`       // 霍邱县数据资源管理局
	Regulation   string `json:"regulation"`   // 《霍邱县电子政务项目建设管理办法》
	Seed         string `json:"seed"`         // the seed file the rules come from
	Year         int    `json:"year"`         // year of the regulation; 0 when the seed does not say
	Notes        string `json:"notes,omitempty"`

	Routes      []RouteRule      `json:"routes"`
	Obligations []ObligationRule `json:"obligations,omitempty"`
	Sections    []SectionRule    `json:"sections,omitempty"`
	Materials   []MaterialRule   `json:"materials,omitempty"`
	Checklist   []CheckRule      `json:"checklist,omitempty"`
	Blockers    []BlockerRule    `json:"blockers,omitempty"`
	Deadlines   []DeadlineRule   `json:"deadlines,omitempty"`
	// RouteOverrides route a declaration by a fact other than its
	// investment (武汉 第九条: schools and medical institutions are approved
	// by their 行业主管部门); the first that holds replaces the band's route.
	RouteOverrides []RouteOverride `json:"route_overrides,omitempty"`
	// Lifecycle lists the filings of the project's later life this
	// jurisdiction has (go-live, adjustments, filings after acceptance, O&M
	// filings, performance reports), with their routes, materials and
	// deadlines. A kind without a rule here is not accepted.
	Lifecycle []LifecycleRule `json:"lifecycle,omitempty"`
	Calendar  Calendar        `json:"calendar,omitzero"`
	// Review is the bureau's review time limit (办理时限), nil when the
	// regulation sets none: see ReviewDays.
	Review *ReviewLimit `json:"review,omitempty"`

	// Flows are the review steps filings go through at the bureau and
	// who takes each (see ReviewFlow); none: the single-reviewer flow.
	Flows []ReviewFlow `json:"review_flows,omitempty"`
	// ApprovedAboveDeclared allows an approved (核定) amount above the
	// declared total investment; by default the bureau may only approve
	// as much as was declared or less.
	ApprovedAboveDeclared bool `json:"approved_above_declared,omitempty"`

	// TrialMinMonths is the shortest trial operation (试运行) before an
	// acceptance application, in months; 0 when the regulation sets none.
	TrialMinMonths int `json:"trial_min_months"`
	// AcceptanceMaterials are the material codes the completion acceptance
	// application (竣工验收申请) must attach.
	AcceptanceMaterials []string `json:"acceptance_materials"`
	// AcceptanceFilingMaterials are the material codes filed with the bureau
	// after acceptance (验收后备案), if the regulation names any.
	AcceptanceFilingMaterials []string `json:"acceptance_filing_materials,omitempty"`
	// AcceptanceAdditions are the codes of AcceptanceMaterials that no
	// clause of the regulation demands: the bureau's own addition, shown to
	// the clerk as such. The bureau switches one off by taking it out of
	// AcceptanceMaterials.
	AcceptanceAdditions []string `json:"acceptance_additions,omitempty"`

	// KindNames are the names the regulation gives kinds of filing it
	// knows by another: 郁南's 第二十一条 has a professional project
	// reported for 验收前置审核 before the unit organises its acceptance,
	// which is what the 竣工验收申请 is there. Shown wherever the kind is
	// named to the clerk and the reviewer (KindName).
	KindNames []KindName `json:"kind_names,omitempty"`

	// ApprovalOpinion is what a declaration's approval must speak to
	// (武汉 第十三条), nil when the regulation says nothing of it.
	ApprovalOpinion *ApprovalOpinion `json:"approval_opinion,omitempty"`

	// KeepDrafts says whether the bureau keeps a private copy of each
	// unit's unsent drafts (the draft area, GET/PUT /drafts), so that a
	// clerk's dead laptop loses none; nil is on. A bureau that may not
	// hold unsent work switches it off with false.
	KeepDrafts *bool `json:"keep_drafts,omitempty"`

	// Version is the SHA-256 of the file, in lowercase hex: the bureau serves
	// it with the profile and the client caches by it. Set by LoadProfile.
	Version string `json:"-"`
	// File is the name the profile was loaded from. Set by LoadProfile.
	File string `json:"-"`

	raw []byte // the file as loaded, which Version hashes
}

// Bytes returns a copy of the file the profile was loaded from: what the
// bureau serves and the client caches (re-encoding the Profile would not
// reproduce Version). It returns nil for a Profile not made by LoadProfile.
func (prof *Profile) Bytes() []byte { return bytes.Clone(prof.raw) }

// DefaultReviewDays is the review time limit, in working days, of a
// profile whose regulation sets none (none of the five seed regulations
// does): the bureau's own working rule, kept here and nowhere else.
const DefaultReviewDays = 10

// ReviewLimit is how long a filing may wait at one review step before the
// console marks it overdue: WorkingDays of the profile's calendar since it
// reached the step, as the regulation's Source says.
type ReviewLimit struct {
	WorkingDays int    `json:"working_days"`
	Source      string `json:"source"`
}

// ReviewDays returns the review time limit in working days: the profile's
// own, or DefaultReviewDays when it sets none (or prof is nil).
func (prof *Profile) ReviewDays() int {
	if prof == nil || prof.Review == nil {
		return DefaultReviewDays
	}
	return prof.Review.WorkingDays
}

// RouteRule is one investment band and how declarations in it are handled.
// Bands run from MinWan (inclusive) to MaxWan (exclusive, empty for no upper
// limit); together they must cover 0 to infinity without gaps or overlaps.
type RouteRule struct {
	MinWan string `json:"min_wan"`
	MaxWan string `json:"max_wan,omitempty"`
	Code   string `json:"code"`  // one of the Route* constants
	Label  string `json:"label"` // 总投资 500万元（含）以上：单位编制项目意见书及实施方案
	// Short is the route in a few words, for a list's column (编制意见书及
	// 实施方案): a label's part before its colon is the band's condition,
	// which the queue's 审批路径 column showed (a 天宁 walkthrough).
	Short    string `json:"short,omitempty"`
	Approver string `json:"approver"` // 县发改委
	Detail   string `json:"detail,omitempty"`
	// Basis "approved" says the band is measured against the approved
	// (核定) investment once a decision carries it (武汉 第十五条); "" (or
	// "declared") against the declared total always.
	Basis  string `json:"basis,omitempty"`
	Source string `json:"source"`

	min, max Money // set by validate; max 0 means no upper limit
}

// RouteShort returns the short name of the route with code (RouteRule.Short),
// "" when the profile gives none.
func (prof *Profile) RouteShort(code string) string {
	if prof == nil {
		return ""
	}
	for _, r := range prof.Routes {
		if r.Code == code && r.Short != "" {
			return r.Short
		}
	}
	return ""
}

// Route bases: what amount a band is measured against.
const (
	BasisDeclared = "declared" // 申报的总投资概算
	BasisApproved = "approved" // 批复核定的投资
)

// ObligationRule is something the unit must do or buy when When holds, such
// as supervision (监理) above an amount.
type ObligationRule struct {
	ID     string `json:"id"`
	Label  string `json:"label"` // 总投资 ≥ 100万：须实行监理
	Detail string `json:"detail,omitempty"`
	When   *Cond  `json:"when,omitempty"`
	// Budget is the budget category whose fee the total should include, if any.
	Budget string `json:"budget,omitempty"`
	// BudgetRequired makes a total without that fee a blocker, where the
	// regulation says the fee is part of it (郁南 第十六条: 监理费用、第三方
	// 测试费用和安全评估费用纳入总投资); otherwise a missing line is a warning.
	BudgetRequired bool   `json:"budget_required,omitempty"`
	Source         string `json:"source"`
	Own
}

// Own marks a rule that no clause of the regulation states: the bureau's
// own addition (本局补充要求), which the clerk is told about and the bureau
// may switch off (Off) without deleting it. Every rule type embeds it.
type Own struct {
	Addition bool `json:"addition,omitempty"`
	Off      bool `json:"off,omitempty"`
}

// AdditionNote is what the clerk is told about a requirement that is the
// bureau's own addition.
const AdditionNote = "本局补充要求，管理办法未作规定"

// SectionRule makes a declaration field mandatory (non-empty) when When holds.
// Field is one of the paths listed by SectionFields.
type SectionRule struct {
	Field string `json:"field"`
	Label string `json:"label,omitempty"` // defaults to the field's name
	Fix   string `json:"fix,omitempty"`
	When  *Cond  `json:"when,omitempty"`
	// Ground names the 不予审核 ground a missing section stands for, where
	// a cited law lifts it (Assessment.Excepted), as CheckRule's does.
	Ground string `json:"ground,omitempty"`
	Source string `json:"source"`
	Own
}

// MaterialRule requires an attachment when When holds: Code, or any one of
// OneOf (e.g. 可行性研究报告 or 项目建设方案).
type MaterialRule struct {
	Code   string   `json:"code,omitempty"`
	OneOf  []string `json:"one_of,omitempty"`
	Label  string   `json:"label,omitempty"` // defaults to the material's name
	When   *Cond    `json:"when,omitempty"`
	Source string   `json:"source"`
	Own
}

// CheckRule is a statement the unit's commissioner must confirm before
// submitting (e.g. "not routine office equipment"). A confirmed check is
// recorded by ID in Declaration.Confirmations; an unconfirmed one blocks,
// except while WaivedWhen holds.
type CheckRule struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Fix   string `json:"fix,omitempty"`
	When  *Cond  `json:"when,omitempty"`
	// WaivedWhen: while it holds, the item is still asked and shown, but
	// left unconfirmed it does not block (天宁's 不予审核 hold 除法律法规明确
	// 规定外: a law cited lifts it). Hidden instead (When), a confirmation
	// given could not be taken back, nor one asked for by a reviewer given.
	WaivedWhen *Cond `json:"waived_when,omitempty"`
	// Ground names the 不予审核 ground an unconfirmed item stands for,
	// where a cited law lifts it (Assessment.Excepted): "尚未确认：…" read
	// as a ground of its own.
	Ground string `json:"ground,omitempty"`
	Source string `json:"source"`
	Own
}

// BlockerRule prevents submission while When holds. Field is the declaration
// path the UI should jump to.
type BlockerRule struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Fix    string `json:"fix"`
	Field  string `json:"field"`
	When   *Cond  `json:"when"`
	Source string `json:"source"`
	Own
}

// sectionDef is a declaration field a profile may make mandatory.
type sectionDef struct {
	label string
	blank func(d *Declaration) bool
}

var sectionFields = map[string]sectionDef{
	"goals":                  {"建设目标", func(d *Declaration) bool { return isBlank(d.Goals) }},
	"indicators":             {"绩效目标及指标", func(d *Declaration) bool { return isBlank(d.Indicators) }},
	"content":                {"建设内容", func(d *Declaration) bool { return isBlank(d.Content) }},
	"modules":                {"功能模块", func(d *Declaration) bool { return len(d.Modules) == 0 }},
	"current_state":          {"现有系统与整合情况", func(d *Declaration) bool { return isBlank(d.CurrentState) }},
	"data_resources":         {"数据资源", func(d *Declaration) bool { return isBlank(d.DataResources) }},
	"sharing_analysis":       {"信息资源共享分析篇", func(d *Declaration) bool { return isBlank(d.SharingAnalysis) }},
	"security.plan":          {"安全保障方案", func(d *Declaration) bool { return isBlank(d.Security.Plan) }},
	"security.level":         {"等级保护级别", func(d *Declaration) bool { return d.Security.Level == 0 }},
	"crypto.summary":         {"密码应用方案", func(d *Declaration) bool { return isBlank(d.Crypto.Summary) }},
	"deployment.resources":   {"部署资源需求", func(d *Declaration) bool { return isBlank(d.Deployment.Resources) }},
	"deployment.explanation": {"部署情况说明", func(d *Declaration) bool { return isBlank(d.Deployment.Explanation) }},
	"xinchuang.notes":        {"信创适配与产品安全可靠说明", func(d *Declaration) bool { return isBlank(d.Xinchuang.Notes) }},
	"om_plan":                {"运维方案", func(d *Declaration) bool { return isBlank(d.OMPlan) }},
	"plan_basis":             {"规划依据", func(d *Declaration) bool { return isBlank(d.PlanBasis) }},
	"schedule":               {"进度安排", func(d *Declaration) bool { return len(d.Schedule) == 0 }},
	"funding":                {"资金来源", func(d *Declaration) bool { return len(d.Funding) == 0 }},
}

// SectionFields returns the declaration field paths a profile may make
// mandatory, sorted.
func SectionFields() []string {
	names := make([]string, 0, len(sectionFields))
	for n := range sectionFields {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// blockerFieldPattern is the shape of a declaration field path a blocker may name.
var blockerFieldPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// ValidID reports whether id may name a profile (or a rule, a deadline):
// a lower-case letter, then letters, digits and underscores, 40 at most.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// maxProfileSize bounds a profile file; real ones are a few kilobytes.
const maxProfileSize = 1 << 20

// LoadProfile decodes and checks the profile in data, which was read from
// the file name (used in messages and, without ".json", as the expected ID).
// It rejects unknown fields, unknown facts, operators and material codes,
// gapped or overlapping investment bands, missing labels and bad deadlines.
// It fails with an EINVALID *Error whose Message names the file and whose
// Fields name each JSON path (e.g. "routes[1].min_wan") with the problem in
// Chinese.
func LoadProfile(name string, data []byte) (*Profile, error) {
	file := path.Base(name)
	fail := func(field, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		return &Error{Code: EINVALID, Message: fmt.Sprintf("规则文件“%s”无法读取：%s", file, msg),
			Fields: []FieldError{{Field: field, Message: msg}}}
	}
	if len(data) > maxProfileSize {
		return nil, fail("", "文件超过 %d 字节", maxProfileSize)
	}
	var raw any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fail("", "不是有效的 JSON（%s）", syntaxWhere(data, err))
	}
	if dec.More() {
		return nil, fail("", "JSON 对象之后还有多余内容")
	}
	if _, ok := raw.(map[string]any); !ok {
		return nil, fail("", "顶层须为 JSON 对象")
	}
	var p Problems
	unknownFields(&p, raw, reflect.TypeFor[Profile](), "")
	if len(p) > 0 {
		return nil, profileErr(file, p)
	}
	prof := &Profile{}
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(prof); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fail(te.Field, "%s：类型不正确，应为%s", te.Field, jsonTypeName(te.Type))
		}
		return nil, fail("", "内容无法解析（%s）", syntaxWhere(data, err))
	}
	prof.validate(&p, strings.TrimSuffix(file, ".json"))
	if len(p) > 0 {
		return nil, profileErr(file, p)
	}
	sum := sha256.Sum256(data)
	prof.Version = hex.EncodeToString(sum[:])
	prof.File = file
	prof.raw = bytes.Clone(data)
	return prof, nil
}

// CheckNew fails with an EINVALID *Error naming every field that a profile
// being set must get right beyond what LoadProfile checks: rules added
// after bureaus had stored profiles, which LoadProfile leaves out so that
// a stored or cached profile still loads (now: every holiday notice is a
// whole year's). The bureau runs it when a profile is set.
func (prof *Profile) CheckNew() error {
	var p Problems
	prof.Calendar.checkWhole(&p)
	if len(p) > 0 {
		return profileErr(prof.File, p)
	}
	return nil
}

// LoadProfiles loads every *.json file in dir of fsys (for example
// assets.Profiles, "profiles") and returns the profiles by ID. It fails with
// the EINVALID *Error of the first malformed file (in name order), with an
// EINVALID *Error when two files carry the same ID or dir holds no profile,
// or with a wrapped error when dir cannot be read.
func LoadProfiles(fsys fs.FS, dir string) (map[string]*Profile, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list profiles in %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, Errorf(EINVALID, "目录“%s”中没有规则文件（*.json）", dir)
	}
	sort.Strings(names)
	out := make(map[string]*Profile, len(names))
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read profile %s: %w", n, err)
		}
		prof, err := LoadProfile(n, data)
		if err != nil {
			return nil, err
		}
		if prev, dup := out[prof.ID]; dup {
			return nil, Errorf(EINVALID, "规则文件“%s”与“%s”的 id 都是“%s”", prev.File, prof.File, prof.ID)
		}
		out[prof.ID] = prof
	}
	return out, nil
}

func profileErr(file string, p Problems) error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf("规则文件“%s”有 %d 处错误", file, len(p)), Fields: p}
}

// syntaxWhere describes where a JSON decoding error happened, as a line and column.
func syntaxWhere(data []byte, err error) string {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return "文件为空"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "文件不完整，可能缺少结尾的括号或引号"
	case !errors.As(err, &se):
		return "语法错误"
	}
	off := min(max(int(se.Offset), 0), len(data))
	line := bytes.Count(data[:off], []byte("\n")) + 1
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("第 %d 行第 %d 列附近语法错误", line, col)
}

func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "其他类型"
	}
	switch t.Kind() {
	case reflect.String:
		return "字符串"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "整数"
	case reflect.Bool:
		return "true 或 false"
	case reflect.Slice:
		return "数组"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "对象"
	}
	return "其他类型"
}

// unknownFields records every key of v that type t has no JSON field for,
// with its full path. Key matching is exact (encoding/json alone would also
// accept "ID" for "id").
func unknownFields(p *Problems, v any, t reflect.Type, at string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return // a type mismatch, reported by the strict decoder
		}
		fields := map[string]reflect.Type{}
		jsonFieldTypes(t, fields)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub := k
			if at != "" {
				sub = at + "." + k
			}
			ft, ok := fields[k]
			if !ok {
				p.Add(sub, "%s：未知字段“%s”（字段名区分大小写，请检查拼写）", sub, k)
				continue
			}
			unknownFields(p, obj[k], ft, sub)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return
		}
		for i, e := range arr {
			unknownFields(p, e, t.Elem(), fmt.Sprintf("%s[%d]", at, i))
		}
	}
}

// jsonFieldTypes adds the JSON field names of struct type t to fields,
// with those of its embedded structs (Own), as encoding/json flattens them.
func jsonFieldTypes(t reflect.Type, fields map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			jsonFieldTypes(f.Type, fields)
			continue
		}
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		fields[name] = f.Type
	}
}

// validate checks the decoded profile and parses its amounts; want is the ID
// the file name implies.
func (prof *Profile) validate(p *Problems, want string) {
	required := func(field, value, what string) {
		if isBlank(value) {
			p.Add(field, "%s：请填写%s", field, what)
		}
	}
	switch {
	case !idPattern.MatchString(prof.ID):
		p.Add("id", "id：“%s”无效，应为小写字母开头的字母、数字和下划线", prof.ID)
	case prof.ID != want:
		p.Add("id", "id：“%s”与文件名“%s.json”不一致", prof.ID, want)
	}
	required("jurisdiction", prof.Jurisdiction, "辖区名称")
	required("bureau", prof.Bureau, "受理审核单位（数管局）名称")
	required("regulation", prof.Regulation, "依据的管理办法名称")
	required("seed", prof.Seed, "来源文件名")
	if prof.Year != 0 && (prof.Year < 2000 || prof.Year > 2100) {
		p.Add("year", "year：“%d”不是有效年份（来源未写明年份时填 0）", prof.Year)
	}
	prof.validateRoutes(p)
	ids := map[string]string{}
	uniqueID := func(field, id string) {
		if !idPattern.MatchString(id) {
			p.Add(field, "%s：“%s”无效，应为小写字母开头的字母、数字和下划线（至多 40 个）", field, id)
			return
		}
		if prev, dup := ids[id]; dup {
			p.Add(field, "%s：编号“%s”与 %s 重复", field, id, prev)
			return
		}
		ids[id] = field
	}
	cond := func(c *Cond, field string) {
		if c != nil {
			c.validate(p, field, 1)
		}
	}
	for i := range prof.Obligations {
		o := &prof.Obligations[i]
		f := fmt.Sprintf("obligations[%d]", i)
		uniqueID(f+".id", o.ID)
		required(f+".label", o.Label, "中文说明")
		required(f+".source", o.Source, "出处（条款）")
		cond(o.When, f+".when")
		if o.BudgetRequired && o.Budget == "" {
			p.Add(f+".budget_required", "%s.budget_required：须同时写明费用类别 budget", f)
		}
		if o.Budget != "" && !known(BudgetChoices, o.Budget) {
			p.Add(f+".budget", "%s.budget：未知的费用类别“%s”（可用：%s）", f, o.Budget, codes(BudgetChoices))
		}
	}
	for i := range prof.Sections {
		s := &prof.Sections[i]
		f := fmt.Sprintf("sections[%d]", i)
		if _, ok := sectionFields[s.Field]; !ok {
			p.Add(f+".field", "%s.field：“%s”不是可设为必填的申报书栏目（可用：%s）", f, s.Field, strings.Join(SectionFields(), "、"))
		}
		required(f+".source", s.Source, "出处（条款）")
		cond(s.When, f+".when")
	}
	for i := range prof.Materials {
		m := &prof.Materials[i]
		f := fmt.Sprintf("materials[%d]", i)
		switch {
		case (m.Code == "") == (len(m.OneOf) == 0):
			p.Add(f+".code", "%s：须且只能填写 code 或 one_of 之一", f)
		case m.Code != "" && !KnownMaterial(m.Code):
			p.Add(f+".code", "%s.code：未知的材料代码“%s”", f, m.Code)
		case len(m.OneOf) == 1:
			p.Add(f+".one_of", "%s.one_of：只有一种材料时请用 code", f)
		}
		for j, c := range m.OneOf {
			if !KnownMaterial(c) {
				p.Add(fmt.Sprintf("%s.one_of[%d]", f, j), "%s.one_of[%d]：未知的材料代码“%s”", f, j, c)
			}
		}
		if len(m.OneOf) > 1 && isBlank(m.Label) {
			p.Add(f+".label", "%s.label：多选一的材料须写明中文名称", f)
		}
		required(f+".source", m.Source, "出处（条款）")
		cond(m.When, f+".when")
	}
	for i := range prof.Checklist {
		c := &prof.Checklist[i]
		f := fmt.Sprintf("checklist[%d]", i)
		uniqueID(f+".id", c.ID)
		required(f+".label", c.Label, "须确认的中文内容")
		required(f+".source", c.Source, "出处（条款）")
		cond(c.When, f+".when")
		cond(c.WaivedWhen, f+".waived_when")
	}
	for i := range prof.Blockers {
		b := &prof.Blockers[i]
		f := fmt.Sprintf("blockers[%d]", i)
		uniqueID(f+".id", b.ID)
		required(f+".label", b.Label, "中文说明")
		required(f+".fix", b.Fix, "整改办法")
		required(f+".source", b.Source, "出处（条款）")
		if !blockerFieldPattern.MatchString(b.Field) {
			p.Add(f+".field", "%s.field：“%s”不是申报书字段路径（如 deployment.mode）", f, b.Field)
		}
		if b.When == nil {
			p.Add(f+".when", "%s.when：阻止提交的规则须写明条件", f)
		}
		cond(b.When, f+".when")
	}
	for i := range prof.Deadlines {
		prof.Deadlines[i].validate(p, fmt.Sprintf("deadlines[%d]", i), ids)
	}
	prof.Calendar.validate(p)
	prof.validateFlows(p)
	if prof.ApprovalOpinion != nil {
		prof.ApprovalOpinion.validate(p)
	}
	if r := prof.Review; r != nil {
		if r.WorkingDays < 1 || r.WorkingDays > 60 {
			p.Add("review.working_days", "review.working_days：办理时限应在 1–60 个工作日之间，不是 %d", r.WorkingDays)
		}
		required("review.source", r.Source, "出处（条款）")
	}
	if prof.TrialMinMonths < 0 || prof.TrialMinMonths > 24 {
		p.Add("trial_min_months", "trial_min_months：试运行最短月数应在 0–24 之间，不是 %d", prof.TrialMinMonths)
	}
	materialList(p, "acceptance_materials", prof.AcceptanceMaterials)
	materialList(p, "acceptance_filing_materials", prof.AcceptanceFilingMaterials)
	materialList(p, "acceptance_additions", prof.AcceptanceAdditions)
	for i, c := range prof.AcceptanceAdditions {
		if !contains(prof.AcceptanceMaterials, c) {
			p.Add(fmt.Sprintf("acceptance_additions[%d]", i), "acceptance_additions[%d]：“%s”不在 acceptance_materials 中", i, c)
		}
	}
	for i := range prof.RouteOverrides {
		prof.RouteOverrides[i].validate(p, fmt.Sprintf("route_overrides[%d]", i))
	}
	prof.validateLifecycle(p, ids)
	seen := map[Kind]bool{}
	for i, n := range prof.KindNames {
		f := fmt.Sprintf("kind_names[%d]", i)
		switch {
		case !n.Kind.Valid():
			p.Add(f+".kind", "%s.kind：未知的材料类型“%s”", f, n.Kind)
		case n.Kind == KindAdjustment || n.Kind == KindOMFiling || n.Kind == KindPerformance:
			// their titles name the type or year, not the kind: a new
			// name would head the menus while every title kept the old
			p.Add(f+".kind", "%s.kind：“%s”的名称随类型或年度而定，不能另行命名", f, n.Kind.Label())
		case seen[n.Kind]:
			p.Add(f+".kind", "%s.kind：材料类型“%s”重复", f, n.Kind)
		}
		seen[n.Kind] = true
		required(f+".name", n.Name, "本地区对这类材料的称呼")
		for _, c := range [][2]string{{"name", n.Name}, {"approve", n.Approve}, {"approved", n.Approved}, {"reject", n.Reject}} {
			if utf8.RuneCountInString(c[1]) > maxKindName {
				p.Add(f+"."+c[0], "%s.%s：名称不超过 %d 个字", f, c[0], maxKindName)
			}
		}
		required(f+".source", n.Source, "出处（条款）")
		if n.ReviewOnly && n.Kind != KindAcceptance {
			p.Add(f+".review_only", "%s.review_only：只适用于竣工验收申请（acceptance）", f)
		}
		if n.ReviewOnlyWhen != nil {
			n.ReviewOnlyWhen.validate(p, f+".review_only_when", 0)
			if !n.ReviewOnly {
				p.Add(f+".review_only_when", "%s.review_only_when：须与 review_only 一起使用", f)
			}
		}
		if n.When != nil {
			n.When.validate(p, f+".when", 0)
			required(f+".otherwise", n.Otherwise, "其他项目应当怎样做")
		}
	}
}

// UnitAccepts reports whether the unit organises the acceptance of the
// project whose declaration is d (nil: not known, read as an empty one)
// itself after the bureau's review of its acceptance application
// (KindName.ReviewOnly, for the projects ReviewOnlyWhen holds for): the
// bureau's approval is then no 通过验收.
func (prof *Profile) UnitAccepts(d *Declaration) bool {
	if prof.kindName(KindAcceptance) == nil {
		return false // nil prof too
	}
	if d == nil {
		d = &Declaration{}
	}
	f := extractFacts(d, "")
	f["route"] = factValue{code: prof.routing(f, 0).Code}
	return prof.unitAccepts(f)
}

// AcceptanceNote returns what a 竣工验收申请 of the project whose
// declaration is d means under prof, for the reviewer deciding it and the
// clerk sending it, where the bureau's 验收通过 records the acceptance
// itself (not UnitAccepts): that decision is the acceptance's conclusion,
// taken once it was held as the rules say (霍邱, 六安: 建设单位联合县数管局
// 组织、县公管局见证, the profile's obligation "acceptance_witness"), not a
// consent to organise it. A 霍邱 reviewer passed an application "同意组织
// 竣工验收，请与县公管局联系见证", and the clerk's list read 已通过验收 the
// same minute (two walkthroughs). "" where the unit accepts the project
// itself after the bureau's review (郁南's 验收前置审核, 武汉's 验收前确认).
// The client says the same to the clerk in its own words.
func (prof *Profile) AcceptanceNote(d *Declaration) string {
	if prof == nil || prof.UnitAccepts(d) {
		return ""
	}
	note := fmt.Sprintf("“%s”“%s”是竣工验收的结论，不是同意组织验收：请在验收结束后作出，审核意见写明验收意见；受理后至验收结束，申请为“%s”。",
		prof.ActionLabel(ActionApprove, KindAcceptance), prof.ActionLabel(ActionReject, KindAcceptance), prof.StatusLabel(StatusPreliminary, KindAcceptance))
	if o := prof.AcceptanceWitness(); o != nil {
		note += fmt.Sprintf("本地区规定：%s（%s）。", strings.TrimRight(o.Label, "。"), o.Source)
	}
	return note
}

// AcceptanceWitness returns the profile's rule for how the acceptance is
// held (its obligation "acceptance_witness": 霍邱's 建设单位联合县数管局组织、
// 县公管局见证), nil when it has none.
func (prof *Profile) AcceptanceWitness() *ObligationRule {
	if prof == nil {
		return nil
	}
	for i, o := range prof.Obligations {
		if o.ID == "acceptance_witness" && !o.Off {
			return &prof.Obligations[i]
		}
	}
	return nil
}

// unitAccepts is UnitAccepts for a project of facts f.
func (prof *Profile) unitAccepts(f map[string]factValue) bool {
	n := prof.kindName(KindAcceptance)
	return n != nil && n.ReviewOnly && (n.ReviewOnlyWhen == nil || n.ReviewOnlyWhen.eval(f))
}

// KindName is the name a regulation gives a kind of filing, and the names
// of the bureau's decisions on it where they differ from the kind's own
// (the bureau approves a 验收前置审核, it does not accept the project).
type KindName struct {
	Kind     Kind   `json:"kind"`
	Name     string `json:"name"`               // 验收前置审核申请
	Approve  string `json:"approve,omitempty"`  // the approval: 前置审核通过
	Approved string `json:"approved,omitempty"` // the state it leaves: 已通过前置审核
	Reject   string `json:"reject,omitempty"`   // the refusal, and the state: 前置审核不予通过
	// ReviewOnly, for the acceptance application, says the bureau's
	// approval reviews the project before the unit organises its own
	// acceptance (郁南 第二十一条: 经审核通过后，由项目建设单位自行组织验收): it
	// is not the project's 通过验收, which the unit's 验收后备案 records with
	// its 验收日期, and from which the deadlines after acceptance count.
	ReviewOnly bool `json:"review_only,omitempty"`
	// ReviewOnlyWhen limits ReviewOnly to the projects whose declaration it
	// holds for (郁南: a professional project; a public project's
	// acceptance is the bureau's own, its approval the acceptance).
	ReviewOnlyWhen *Cond `json:"review_only_when,omitempty"`
	// When limits the kind to the projects whose declaration it holds for
	// (郁南's 验收前置审核: a professional project under 立项审批); the
	// clerk of another project is told Otherwise, what the regulation has
	// it do instead.
	When      *Cond  `json:"when,omitempty"`
	Otherwise string `json:"otherwise,omitempty"`
	Source    string `json:"source"` // 第二十一条第一款
}

// maxKindName is the longest a kind's name may be, in characters: it heads
// the editor and a list's rows.
const maxKindName = 20

// KindName returns what prof's regulation calls filings of kind k: its
// KindNames entry, else the kind's own label. A nil prof gives the label.
func (prof *Profile) KindName(k Kind) string {
	if n := prof.kindName(k); n != nil {
		return n.Name
	}
	return k.Label()
}

// kindName returns prof's entry for kind k, nil when it has none.
func (prof *Profile) kindName(k Kind) *KindName {
	if prof != nil {
		for i := range prof.KindNames {
			if prof.KindNames[i].Kind == k {
				return &prof.KindNames[i]
			}
		}
	}
	return nil
}

// KindNotFor returns what prof's regulation has a project do instead of a
// filing of kind k when its KindNames entry's When does not hold for the
// project's declaration d (郁南: a public project's acceptance is the
// bureau's own, a professional project under 备案 needs no 验收前置审核);
// "" when the kind is for the project, or d is nil (not known here).
func (prof *Profile) KindNotFor(k Kind, d *Declaration) string {
	n := prof.kindName(k)
	if n == nil || n.When == nil || d == nil {
		return ""
	}
	f := extractFacts(d, "")
	f["route"] = factValue{code: prof.routing(f, 0).Code}
	if n.When.eval(f) {
		return ""
	}
	return n.Otherwise
}

// ActionLabel names action a on a filing of kind k as prof's regulation
// does (KindName's Approve and Reject), else as a.LabelFor(k).
func (prof *Profile) ActionLabel(a Action, k Kind) string {
	if n := prof.kindName(k); n != nil {
		switch {
		case a == ActionApprove && n.Approve != "":
			return n.Approve
		case a == ActionReject && n.Reject != "":
			return n.Reject
		}
	}
	return a.LabelFor(k)
}

// StatusLabel names state s of a filing of kind k as prof's regulation
// does (KindName's Approved and Reject), else as s.LabelFor(k).
func (prof *Profile) StatusLabel(s Status, k Kind) string {
	if n := prof.kindName(k); n != nil {
		switch {
		case s == StatusApproved && n.Approved != "":
			return n.Approved
		case s == StatusRejected && n.Reject != "":
			return n.Reject
		}
	}
	return s.LabelFor(k)
}

// BureauShort returns the name the bureau goes by in a sentence or a
// heading: the short name its profile gives in brackets (霍邱县数据资源管理局
// （县数管局）: 县数管局), else its name (天宁区数据局); "数管局" without a
// profile. The console said 数管局审核台 beside 区数据局审核员 (a walkthrough).
func (prof *Profile) BureauShort() string {
	if prof == nil || strings.TrimSpace(prof.Bureau) == "" {
		return "数管局"
	}
	name := strings.TrimSpace(prof.Bureau)
	if body, ok := strings.CutSuffix(name, "）"); ok {
		if i := strings.LastIndex(body, "（"); i > 0 && i+len("（") < len(body) {
			return body[i+len("（"):]
		}
	}
	return name
}

// ShownTitle returns title, Title's of a filing of kind k, with the kind
// named as prof's regulation names it (…平台竣工验收申请 is …平台验收前置审核申请
// under 郁南). Titles are composed, and kept by stores, with the kind's own
// label; this is how they are shown.
func (prof *Profile) ShownTitle(k Kind, title string) string {
	project, what, year, ok := SplitTitle(k, title)
	if name := prof.KindName(k); ok && what == k.Label() && year == 0 && name != what {
		return project + name
	}
	if ok && k == KindAdjustment {
		return project + prof.ShownAdjustment(what)
	}
	return title
}

// StoredTitleWords returns text, words a reviewer searches titles by as
// prof shows them (ShownTitle), in the words titles are stored in: 天宁's
// …重大变更申请 is stored …重大变更备案, 郁南's …验收前置审核申请 …竣工验收申请.
// A reviewer who pasted a title seen on a page into the queue's search
// found nothing (found in review).
func (prof *Profile) StoredTitleWords(text string) string {
	if prof == nil {
		return text
	}
	for _, k := range AllKinds() {
		// a declaration's title is its project's name alone: ShownTitle
		// never puts a kind's name in
		if name := prof.KindName(k); k != KindDeclaration && name != k.Label() && name != "" {
			text = strings.ReplaceAll(text, name, k.Label())
		}
	}
	for _, c := range AdjustTypeChoices {
		if as := prof.AdjustmentAs(c.Label); as != "备案" && as != "" {
			text = strings.ReplaceAll(text, c.Label+as, c.Label+"备案")
		}
	}
	return untypedAdjustment(text)
}

// untypedAdjustment returns text with the words a draft adjustment of no
// type is shown with after its project (…项目调整（变更、终止）, see
// ShownAdjustment) in the words its title is stored with (…备案). The
// kind's name standing alone, at the start of text or of a word, is not a
// title, and stays: it searches for the kind.
func untypedAdjustment(text string) string {
	label := KindAdjustment.Label()
	var b strings.Builder
	for {
		i := strings.Index(text, label)
		if i < 0 {
			break
		}
		b.WriteString(text[:i])
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && !unicode.IsSpace(r) {
			b.WriteString("备案")
		} else {
			b.WriteString(label)
		}
		text = text[i+len(label):]
	}
	b.WriteString(text)
	return b.String()
}

// ShownAdjustment returns what, the words of an adjustment's title after
// its project (项目调整备案, 重大变更备案…, as Title writes them), as prof
// routes the adjustment (AdjustmentAs): 重大变更申请 under 天宁. Words of no
// type are returned as they are. The Chinese title (ShownTitle) and the
// client's English one both say it so.
func (prof *Profile) ShownAdjustment(what string) string {
	typ, found := strings.CutSuffix(what, "备案")
	switch {
	case found && typ == "":
		// no type chosen yet (a draft): the kind, not a bare 备案, which
		// read as the project's own filing (…自助终端采购备案) in the
		// clerk's editor (found in a walkthrough)
		return KindAdjustment.Label()
	case found:
		return typ + prof.AdjustmentAs(typ)
	}
	return what
}

// AdjustmentAs is what an adjustment of type label typ (项目调整, 重大变更…)
// is, as prof routes it, for its title and its printed form's name: 备案
// where every rule for it is a filing, or where no rule says (as without a
// profile); 申请 where every one needs an approval; nothing where that
// depends on the adjustment (武汉's self-adjustment). A 天宁 重大设计变更,
// which 须经批准, read …重大变更备案 (a walkthrough).
func (prof *Profile) AdjustmentAs(typ string) string {
	if prof == nil {
		return "备案"
	}
	code := ""
	for _, c := range AdjustTypeChoices {
		if c.Label == typ {
			code = c.Code
		}
	}
	filing, approval := false, false
	for _, r := range prof.LifecycleRules(KindAdjustment, code, nil) {
		switch {
		case r.SelfAdjust != nil:
			filing, approval = true, true
		case r.Route == RouteFiling:
			filing = true
		default:
			approval = true
		}
	}
	switch {
	case approval && !filing:
		return "申请"
	case approval && filing:
		return ""
	}
	return "备案"
}

func materialList(p *Problems, field string, list []string) {
	seen := map[string]bool{}
	for i, c := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !KnownMaterial(c):
			p.Add(f, "%s：未知的材料代码“%s”", f, c)
		case seen[c]:
			p.Add(f, "%s：材料“%s”重复", f, c)
		}
		seen[c] = true
	}
}

// validateRoutes checks that the investment bands are labelled and, in file
// order, run from 0 to no upper limit, each starting where the previous ends.
func (prof *Profile) validateRoutes(p *Problems) {
	if len(prof.Routes) == 0 {
		p.Add("routes", "routes：请至少填写一个审批路径（投资额分档）")
		return
	}
	prev := Money(0)
	ok := true // whether prev is meaningful
	for i := range prof.Routes {
		r := &prof.Routes[i]
		f := fmt.Sprintf("routes[%d]", i)
		if !known(routeCodes, r.Code) {
			p.Add(f+".code", "%s.code：未知的审批路径“%s”（可用：%s）", f, r.Code, codes(routeCodes))
		}
		for _, req := range [][3]string{{"label", r.Label, "中文说明"}, {"approver", r.Approver, "审批或受理部门"}, {"source", r.Source, "出处（条款）"}} {
			if isBlank(req[1]) {
				p.Add(f+"."+req[0], "%s.%s：请填写%s", f, req[0], req[2])
			}
		}
		if r.Basis != "" && r.Basis != BasisDeclared && r.Basis != BasisApproved {
			p.Add(f+".basis", "%s.basis：应为 declared（申报总投资）或 approved（核定投资），不是“%s”", f, r.Basis)
		}
		minOK := true
		if m, err := ParseWan(r.MinWan); err != nil {
			p.Add(f+".min_wan", "%s.min_wan：%s", f, ErrorMessage(err))
			minOK = false
		} else if m < 0 {
			p.Add(f+".min_wan", "%s.min_wan：金额不能为负数", f)
			minOK = false
		} else {
			r.min = m
		}
		if minOK && ok {
			switch {
			case i == 0 && r.min != 0:
				p.Add(f+".min_wan", "%s.min_wan：第一档须从 0 万元起（现为 %s），否则低于它的项目没有路径", f, r.min)
			case i > 0 && r.min > prev:
				p.Add(f+".min_wan", "%s.min_wan：与上一档的上限（%s）之间有空档，本档应从 %s 起", f, prev, prev)
			case i > 0 && r.min < prev:
				p.Add(f+".min_wan", "%s.min_wan：与上一档重叠（上一档到 %s 为止），本档应从 %s 起", f, prev, prev)
			}
		}
		last := i == len(prof.Routes)-1
		switch {
		case r.MaxWan == "" && !last:
			p.Add(f+".max_wan", "%s.max_wan：只有最后一档可以不设上限", f)
			ok = false
		case r.MaxWan == "":
		default:
			m, err := ParseWan(r.MaxWan)
			switch {
			case err != nil:
				p.Add(f+".max_wan", "%s.max_wan：%s", f, ErrorMessage(err))
				ok = false
			case minOK && m <= r.min:
				p.Add(f+".max_wan", "%s.max_wan：上限（%s）须大于下限（%s）", f, m, r.min)
				ok = false
			case last:
				p.Add(f+".max_wan", "%s.max_wan：最后一档不能设上限（%s 以上的项目将没有路径）", f, m)
			default:
				r.max, prev, ok = m, m, true
			}
		}
	}
}

// band returns the band amount falls into, or nil when it is negative.
func (prof *Profile) band(amount Money) *RouteRule {
	for i := range prof.Routes {
		r := &prof.Routes[i]
		if amount >= r.min && (r.max == 0 || amount < r.max) {
			return r
		}
	}
	return nil
}

// KeepsDrafts reports whether the bureau keeps units' drafts (on unless
// the profile switches it off; on without a profile).
func (p *Profile) KeepsDrafts() bool { return p == nil || p.KeepDrafts == nil || *p.KeepDrafts }
