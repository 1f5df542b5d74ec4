package app

import (
	"fmt"
	"strings"
	"unicode"
)

// Catalogue is the data-sharing resource catalogue (政务数据共享资源目录) of
// one project, filed with the project (Filing.ProjectID names its
// declaration), together with the three lists (三清单) written into the
// contract: 需求清单 (Demands), 责任清单 (Duties) and 负面清单 (Negatives).
//
// Excel: the 1272号文 template has one row per information item (信息项)
// with the resource-level columns repeated on each row. Resource therefore
// holds only scalar columns plus Items and RelatedCodes: an exporter writes one
// row per Items element (RelatedCodes joined with "；"), an importer groups
// rows by Code() and takes the resource columns from the first row of a group.
// Each list of the 三清单 is one sheet with one row per element.
type Catalogue struct {
	Title        string `json:"title"`
	ProjectName  string `json:"project_name,omitempty"`
	ProviderName string `json:"provider_name"` // 信息资源提供方（编制目录的部门）
	ProviderCode string `json:"provider_code"` // 提供方代码：统一社会信用代码或省定机构代码

	Entries   []Resource `json:"entries"`
	Demands   []Demand   `json:"demands,omitempty"`
	Duties    []Duty     `json:"duties,omitempty"`
	Negatives []Negative `json:"negatives,omitempty"`
}

// Resource is one entry of the catalogue (信息资源), with the core metadata
// of the 2017 guide.
//
// Share attributes are set on the resource and apply to every item; an item
// may override the share type only to make it stricter (see DataItem), so the
// resource's share type is the most open any of its items is shared. The open
// attribute (开放属性) is resource-level only.
type Resource struct {
	Category     string `json:"category"` // 分类码（前段码）：类 1 位、项 2 位、目 3 位、细目
	Sequence     string `json:"sequence"` // 顺序码（后段码），数字
	Name         string `json:"name"`     // ≤ 128 字
	ProviderName string `json:"provider_name"`
	ProviderCode string `json:"provider_code"`
	Office       string `json:"office,omitempty"` // 内设科室
	Abstract     string `json:"abstract"`

	FormatClass FormatClass `json:"format_class"`
	FormatType  string      `json:"format_type"` // a code of FormatTypeChoices(FormatClass), or free text for 自描述格式/其他

	Items []DataItem `json:"items"`

	ShareType      ShareType      `json:"share_type"`
	ShareCondition string         `json:"share_condition,omitempty"` // 有条件共享时必填
	ShareBasis     string         `json:"share_basis,omitempty"`     // 不予共享时必填：法律法规或政策依据
	ShareModeClass ShareModeClass `json:"share_mode_class,omitempty"`
	ShareModeType  ShareModeType  `json:"share_mode_type,omitempty"` // 仅共享平台方式

	Open          bool   `json:"open"`                     // 是否向社会开放
	OpenCondition string `json:"open_condition,omitempty"` // 开放时必填

	UpdateCycle  UpdateCycle `json:"update_cycle"`
	PublishDate  string      `json:"publish_date,omitempty"`  // YYYY-MM-DD
	RelatedCodes []string    `json:"related_codes,omitempty"` // 关联资源代码
}

// DataItem is one information item of a resource (信息项). ShareType is empty
// when the item is shared as its resource is; when set it must be stricter
// than the resource's, with its own condition or legal basis.
type DataItem struct {
	Name     string   `json:"name"`
	DataType DataType `json:"data_type"`
	Length   int      `json:"length,omitempty"` // 字符型必填

	ShareType      ShareType `json:"share_type,omitempty"`
	ShareCondition string    `json:"share_condition,omitempty"`
	ShareBasis     string    `json:"share_basis,omitempty"`
}

// Demand is a line of the 需求清单: data the project needs from another department.
type Demand struct {
	ResourceName string      `json:"resource_name"`           // 所需信息资源名称
	ResourceCode string      `json:"resource_code,omitempty"` // 所需信息资源代码（已知时）
	Items        []string    `json:"items,omitempty"`         // 所需信息项；空为整个资源
	Provider     string      `json:"provider"`                // 提供部门
	Usage        DemandUsage `json:"usage"`                   // 使用方式
	Frequency    UpdateCycle `json:"frequency,omitempty"`     // 频度
	Basis        string      `json:"basis"`                   // 法律或职能依据
	Scenario     string      `json:"scenario"`                // 应用场景/事项
}

// Duty is a line of the 责任清单: data the project must provide, referring to
// an entry of this catalogue by its code.
type Duty struct {
	ResourceCode   string         `json:"resource_code"`
	Items          []string       `json:"items,omitempty"` // 信息项；空为整个资源
	Duty           string         `json:"duty"`            // 对应职责/事项
	UpdateCycle    UpdateCycle    `json:"update_cycle"`
	ShareType      ShareType      `json:"share_type"`
	ShareModeClass ShareModeClass `json:"share_mode_class,omitempty"`
	ShareModeType  ShareModeType  `json:"share_mode_type,omitempty"`
	Owner          string         `json:"owner"` // 责任人
	Due            string         `json:"due"`   // 完成时限 YYYY-MM-DD
}

// Negative is a line of the 负面清单: data of an entry that is not shared or
// not opened, with the legal basis.
type Negative struct {
	ResourceCode string           `json:"resource_code"`
	Items        []string         `json:"items,omitempty"` // 信息项；空为整个资源
	Category     NegativeCategory `json:"category"`
	Basis        string           `json:"basis"`                 // 法律法规或政策依据（条款）
	ReviewDate   string           `json:"review_date,omitempty"` // 复核日期 YYYY-MM-DD
	Alternative  string           `json:"alternative,omitempty"` // 替代方式，如核验接口
}

// Code returns the resource code (信息资源代码): classification code, "/"
// and sequence code, e.g. "101001/000001". It is "" while either is blank.
func (r *Resource) Code() string {
	c, s := strings.TrimSpace(r.Category), strings.TrimSpace(r.Sequence)
	if c == "" || s == "" {
		return ""
	}
	return c + "/" + s
}

// ItemShareType returns the share type of item i: its own when set, or the
// resource's. It panics when i is not an index of r.Items.
func (r *Resource) ItemShareType(i int) ShareType {
	if t := r.Items[i].ShareType; t != "" {
		return t
	}
	return r.ShareType
}

func (r *Resource) label() string {
	if isBlank(r.Name) {
		return "本条资源"
	}
	return "资源“" + strings.TrimSpace(r.Name) + "”"
}

func (r *Resource) item(name string) int {
	for i, it := range r.Items {
		if strings.TrimSpace(it.Name) == strings.TrimSpace(name) {
			return i
		}
	}
	return -1
}

// validCategory reports whether s is a classification code: digits only,
// first digit 1, 2 or 3, and 类 + 项 (3 digits) or 类 + 项 + 目 (6) and a 细目.
func validCategory(s string) bool {
	n := len(s)
	return digits(s) && (n == 3 || n >= 6 && n <= 20) && s[0] >= '1' && s[0] <= '3'
}

func validSequence(s string) bool { return s != "" && len(s) <= 12 && digits(s) }

// validResourceCode reports whether s has the shape 分类码/顺序码.
func validResourceCode(s string) bool {
	c, q, ok := strings.Cut(s, "/")
	return ok && validCategory(c) && validSequence(q)
}

// Validate checks one resource on its own, as the UI does while a row is
// typed, and returns every problem with a field path relative to the
// resource ("items[2].length"), or nil. Rules that need the whole catalogue
// (duplicates, 三清单) are checked by Catalogue.Validate.
func (r *Resource) Validate() []FieldError {
	var p Problems
	who := r.label()
	switch c := strings.TrimSpace(r.Category); {
	case c == "":
		p.Add("category", "请填写%s的信息资源分类码（如 101、307001）", who)
	case !validCategory(c):
		p.Add("category", "分类码“%s”格式不正确：只能是数字，首位为 1（基础）、2（主题）或 3（部门），依次为类 1 位、项 2 位、目 3 位及细目，如 101 或 307001", c)
	}
	switch s := strings.TrimSpace(r.Sequence); {
	case s == "":
		p.Add("sequence", "请填写%s的顺序码（如 000001）", who)
	case !validSequence(s):
		p.Add("sequence", "顺序码“%s”只能是 1 至 12 位数字（如 000001）", s)
	}
	switch n := runeLen(strings.TrimSpace(r.Name)); {
	case n == 0:
		p.Add("name", "请填写信息资源名称")
	case n > 128:
		p.Add("name", "信息资源名称不能超过 128 个字（现有 %d 个字）", n)
	}
	if isBlank(r.ProviderName) {
		p.Add("provider_name", "请填写%s的提供方（部门名称）", who)
	}
	if isBlank(r.ProviderCode) {
		p.Add("provider_code", "请填写%s的提供方代码（统一社会信用代码或机构代码）", who)
	} else if why := ProviderCodeProblem(r.ProviderCode); why != "" {
		p.Add("provider_code", "%s的提供方代码%s", who, why)
	}
	switch n := runeLen(strings.TrimSpace(r.Abstract)); {
	case n == 0:
		p.Add("abstract", "请填写%s的摘要：说明资源的内容、范围和用途", who)
	case n > 1000:
		p.Add("abstract", "%s的摘要不能超过 1000 个字（现有 %d 个字）", who, n)
	}
	r.validateFormat(&p, who)
	r.validateItems(&p, who)
	r.validateShare(&p, who)
	if r.Open && isBlank(r.OpenCondition) {
		p.Add("open_condition", "%s向社会开放，请填写开放条件", who)
	}
	if r.Open && r.ShareType == ShareNone {
		p.Add("open", "%s为不予共享，不能向社会开放，请改为不开放", who)
	}
	if !known(UpdateCycleChoices, string(r.UpdateCycle)) {
		p.Add("update_cycle", "请选择%s的更新周期", who)
	}
	if r.PublishDate != "" {
		if _, ok := parseCalDate(r.PublishDate); !ok {
			p.Add("publish_date", "%s的发布日期“%s”格式不正确，应为 2027-03-15 这样的日期", who, r.PublishDate)
		}
	}
	own := r.Code()
	for i, c := range r.RelatedCodes {
		c = strings.TrimSpace(c)
		f := fmt.Sprintf("related_codes[%d]", i)
		switch {
		case !validResourceCode(c):
			p.Add(f, "关联资源代码“%s”格式不正确，应为“分类码/顺序码”，如 101001/000001", c)
		case c == own:
			p.Add(f, "%s不能关联自身，请删除关联代码“%s”", who, c)
		}
	}
	return p
}

func (r *Resource) validateFormat(p *Problems, who string) {
	if !known(FormatClassChoices, string(r.FormatClass)) {
		p.Add("format_class", "请选择%s的格式分类（电子文件、电子表格、数据库等）", who)
		return
	}
	class := LabelOf(FormatClassChoices, string(r.FormatClass))
	switch t := strings.TrimSpace(r.FormatType); {
	case r.FormatClass.FreeText() && t == "":
		p.Add("format_type", "%s的格式分类为%s，请填写格式说明", who, class)
	case r.FormatClass.FreeText():
	case t == "":
		p.Add("format_type", "请选择%s的格式类型", who)
	case !known(FormatTypeChoices(r.FormatClass), t):
		p.Add("format_type", "格式类型“%s”不属于%s，请重新选择", t, class)
	}
}

func (r *Resource) validateItems(p *Problems, who string) {
	if len(r.Items) == 0 {
		p.Add("items", "%s至少要有一个信息项", who)
	}
	seen := make(map[string]int)
	for i, it := range r.Items {
		f := fmt.Sprintf("items[%d]", i)
		name := strings.TrimSpace(it.Name)
		switch n := runeLen(name); {
		case n == 0:
			p.Add(f+".name", "%s第 %d 个信息项缺少名称", who, i+1)
		case n > 128:
			p.Add(f+".name", "信息项名称不能超过 128 个字（现有 %d 个字）", n)
		default:
			if j, dup := seen[name]; dup {
				p.Add(f+".name", "%s的信息项“%s”与第 %d 项重名", who, name, j+1)
			} else {
				seen[name] = i
			}
		}
		if name == "" {
			name = fmt.Sprintf("第 %d 项", i+1)
		}
		switch {
		case !known(DataTypeChoices, string(it.DataType)):
			p.Add(f+".data_type", "请选择信息项“%s”的数据类型", name)
		case it.DataType.NeedsLength() && it.Length <= 0:
			p.Add(f+".length", "信息项“%s”为字符型，请填写数据长度（正整数）", name)
		case it.Length < 0:
			p.Add(f+".length", "信息项“%s”的数据长度不能为负数", name)
		}
		if it.ShareType == "" {
			continue
		}
		if !known(ShareTypeChoices, string(it.ShareType)) {
			p.Add(f+".share_type", "信息项“%s”的共享类型“%s”无效", name, it.ShareType)
			continue
		}
		if known(ShareTypeChoices, string(r.ShareType)) && r.ShareType.stricter(it.ShareType) {
			p.Add(f+".share_type", "%s为%s，信息项“%s”不能比资源更宽松（%s），请改为%s或更严格", who,
				LabelOf(ShareTypeChoices, string(r.ShareType)), name,
				LabelOf(ShareTypeChoices, string(it.ShareType)), LabelOf(ShareTypeChoices, string(r.ShareType)))
		}
		if it.ShareType == r.ShareType {
			continue // same as the resource: its condition or basis applies
		}
		if it.ShareType == ShareConditional && isBlank(it.ShareCondition) {
			p.Add(f+".share_condition", "信息项“%s”为有条件共享，请填写共享条件", name)
		}
		if it.ShareType == ShareNone && isBlank(it.ShareBasis) {
			p.Add(f+".share_basis", "信息项“%s”为不予共享，请填写法律法规或政策依据", name)
		}
	}
}

func (r *Resource) validateShare(p *Problems, who string) {
	switch r.ShareType {
	case ShareUnconditional:
	case ShareConditional:
		if isBlank(r.ShareCondition) {
			p.Add("share_condition", "%s为有条件共享，请填写共享条件", who)
		}
	case ShareNone:
		if isBlank(r.ShareBasis) {
			p.Add("share_basis", "%s为不予共享，请填写法律法规或政策依据（具体条款）", who)
		}
		if r.ShareModeClass != "" || r.ShareModeType != "" {
			p.Add("share_mode_class", "%s为不予共享，不应填写共享方式，请清空", who)
		}
		return
	default:
		p.Add("share_type", "请选择%s的共享类型（无条件共享、有条件共享或不予共享）", who)
	}
	p2 := checkShareMode(r.FormatClass, r.ShareModeClass, r.ShareModeType, who)
	if r.ShareModeClass == "" {
		p2 = Problems{{Field: "share_mode_class", Message: fmt.Sprintf("请选择%s的共享方式（共享平台、邮件或介质）", who)}}
	}
	*p = append(*p, p2...)
}

// checkShareMode checks a share mode class and type pair for a resource of
// format class f; an empty class is accepted (callers decide if it is required).
func checkShareMode(f FormatClass, c ShareModeClass, t ShareModeType, who string) Problems {
	var p Problems
	if c == "" {
		if t != "" {
			p.Add("share_mode_class", "%s填写了共享方式类型，请同时选择共享方式分类", who)
		}
		return p
	}
	if !known(ShareModeClassChoices, string(c)) {
		p.Add("share_mode_class", "%s的共享方式分类“%s”无效，请重新选择", who, c)
		return p
	}
	types := ShareModeTypeChoices(c)
	switch {
	case types == nil && t != "":
		p.Add("share_mode_type", "%s以%s共享时不分类型，请清空共享方式类型", who, LabelOf(ShareModeClassChoices, string(c)))
	case types == nil:
	case t == "":
		p.Add("share_mode_type", "%s通过共享平台共享，请选择共享方式类型（文件、数据库或接口）", who)
	case !known(types, string(t)):
		p.Add("share_mode_type", "%s的共享方式类型“%s”无效，请重新选择", who, t)
	case !known(AllowedShareModeTypes(f, c), string(t)):
		p.Add("share_mode_type", "%s的格式为%s，共享方式类型不能是%s，应为%s", who,
			LabelOf(FormatClassChoices, string(f)), LabelOf(types, string(t)), choiceLabels(AllowedShareModeTypes(f, c)))
	}
	return p
}

func choiceLabels(cs []Choice) string {
	ls := make([]string, len(cs))
	for i, c := range cs {
		ls[i] = c.Label
	}
	return strings.Join(ls, "或")
}

// nameKey normalises a resource name for duplicate detection: spaces and
// punctuation are ignored and Latin letters compared case-insensitively.
func nameKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

func appendPrefixed(p *Problems, prefix string, fs []FieldError) {
	for _, f := range fs {
		f.Field = prefix + "." + f.Field
		*p = append(*p, f)
	}
}

// Validate checks the whole catalogue: each resource, duplicate codes and
// names, and the consistency of the three lists with the entries. It returns
// every problem at once as an EINVALID *Error, or nil, and never changes c.
func (c *Catalogue) Validate() error {
	var p Problems
	if isBlank(c.Title) {
		p.Add("title", "请填写目录名称（如“城关镇智慧社区项目政务数据共享资源目录”）")
	}
	if isBlank(c.ProviderName) {
		p.Add("provider_name", "请填写信息资源提供方（编制目录的部门名称）")
	}
	if isBlank(c.ProviderCode) {
		p.Add("provider_code", "请填写提供方代码（统一社会信用代码或机构代码）")
	} else if why := ProviderCodeProblem(c.ProviderCode); why != "" {
		p.Add("provider_code", "提供方代码%s", why)
	}
	if len(c.Entries) == 0 {
		p.Add("entries", "请至少登记一条信息资源")
	}
	byCode := make(map[string]int)
	byName := make(map[string]int)
	for i := range c.Entries {
		r := &c.Entries[i]
		f := fmt.Sprintf("entries[%d]", i)
		appendPrefixed(&p, f, r.Validate())
		if code := r.Code(); code != "" {
			if j, dup := byCode[code]; dup {
				p.Add(f+".sequence", "资源代码“%s”与第 %d 条资源重复，请修改顺序码", code, j+1)
			} else {
				byCode[code] = i
			}
		}
		if k := nameKey(r.Name); k != "" {
			if j, dup := byName[k]; dup {
				p.Add(f+".name", "资源名称“%s”与第 %d 条资源“%s”重复，请合并或改名", strings.TrimSpace(r.Name), j+1, strings.TrimSpace(c.Entries[j].Name))
			} else {
				byName[k] = i
			}
		}
	}
	c.validateDemands(&p)
	c.validateDuties(&p, byCode)
	c.validateNegatives(&p, byCode)
	return p.Err()
}

// entry finds the entry a list line refers to by code, reporting a problem
// at field when the code is blank or not in the catalogue.
func (c *Catalogue) entry(p *Problems, byCode map[string]int, field, list string, row int, code string) *Resource {
	code = strings.TrimSpace(code)
	i, ok := byCode[code]
	switch {
	case code == "":
		// The editor offers the resources as a drop-down: "请填写…资源代码"
		// of a list with no row sent the clerk looking for a box to type in.
		p.Add(field, "%s第 %d 行请选择对应的信息资源（本目录中登记的资源）", list, row)
		return nil
	case !ok:
		p.Add(field, "%s第 %d 行的资源代码“%s”不在本目录中，请先在目录中登记该资源或改正代码", list, row, code)
		return nil
	}
	return &c.Entries[i]
}

// items resolves item names of r, reporting unknown ones, and returns their indexes.
func (r *Resource) items(p *Problems, field string, names []string) []int {
	var idx []int
	for k, n := range names {
		j := r.item(n)
		if j < 0 {
			p.Add(fmt.Sprintf("%s[%d]", field, k), "%s中没有信息项“%s”，请核对名称", r.label(), strings.TrimSpace(n))
			continue
		}
		idx = append(idx, j)
	}
	return idx
}

func (c *Catalogue) validateDemands(p *Problems) {
	for i, d := range c.Demands {
		f := fmt.Sprintf("demands[%d]", i)
		if isBlank(d.ResourceName) {
			p.Add(f+".resource_name", "需求清单第 %d 行请填写所需信息资源名称", i+1)
		}
		if code := strings.TrimSpace(d.ResourceCode); code != "" && !validResourceCode(code) {
			p.Add(f+".resource_code", "所需资源代码“%s”格式不正确，应为“分类码/顺序码”；不清楚可不填", code)
		}
		if isBlank(d.Provider) {
			p.Add(f+".provider", "需求清单第 %d 行请填写提供部门", i+1)
		}
		if !known(DemandUsageChoices, string(d.Usage)) {
			p.Add(f+".usage", "需求清单第 %d 行请选择使用方式（接口、库表或文件）", i+1)
		}
		if d.Frequency != "" && !known(UpdateCycleChoices, string(d.Frequency)) {
			p.Add(f+".frequency", "需求清单第 %d 行的频度“%s”无效，请重新选择", i+1, d.Frequency)
		}
		if isBlank(d.Basis) {
			p.Add(f+".basis", "需求清单第 %d 行请填写使用数据的法律或职能依据", i+1)
		}
		if isBlank(d.Scenario) {
			p.Add(f+".scenario", "需求清单第 %d 行请填写应用场景（用于哪项业务或事项）", i+1)
		}
	}
}

func (c *Catalogue) validateDuties(p *Problems, byCode map[string]int) {
	for i, d := range c.Duties {
		f := fmt.Sprintf("duties[%d]", i)
		r := c.entry(p, byCode, f+".resource_code", "责任清单", i+1, d.ResourceCode)
		if isBlank(d.Duty) {
			p.Add(f+".duty", "责任清单第 %d 行请填写对应的职责或事项", i+1)
		}
		if !known(UpdateCycleChoices, string(d.UpdateCycle)) {
			p.Add(f+".update_cycle", "责任清单第 %d 行请选择更新周期", i+1)
		}
		if !known(ShareTypeChoices, string(d.ShareType)) {
			p.Add(f+".share_type", "责任清单第 %d 行请选择共享类型", i+1)
		}
		if isBlank(d.Owner) {
			p.Add(f+".owner", "责任清单第 %d 行请填写责任人", i+1)
		}
		if _, ok := parseCalDate(d.Due); !ok && isBlank(d.Due) {
			p.Add(f+".due", "责任清单第 %d 行请填写完成时限（日期，如 2027-06-30）", i+1)
		} else if !ok {
			p.Add(f+".due", "责任清单第 %d 行的完成时限“%s”不是日期，请写成 2027-06-30 的形式", i+1, d.Due)
		}
		if r == nil {
			continue
		}
		appendPrefixed(p, f, checkShareMode(r.FormatClass, d.ShareModeClass, d.ShareModeType, r.label()))
		idx := r.items(p, f+".items", d.Items)
		if !known(ShareTypeChoices, string(d.ShareType)) || !known(ShareTypeChoices, string(r.ShareType)) {
			continue
		}
		// The duty may not share more openly than the catalogue does.
		strictest := r.ShareType
		for _, j := range idx {
			if t := r.ItemShareType(j); known(ShareTypeChoices, string(t)) && t.stricter(strictest) {
				strictest = t
			}
		}
		switch {
		case strictest == ShareNone && d.ShareType == ShareUnconditional:
			p.Add(f+".share_type", "%s在目录中为不予共享，不能列为无条件共享的责任数据；请改正共享类型，或将其列入负面清单", r.label())
		case strictest.stricter(d.ShareType):
			p.Add(f+".share_type", "责任清单中%s的共享类型（%s）比目录中的（%s）更宽松，请与目录保持一致", r.label(),
				LabelOf(ShareTypeChoices, string(d.ShareType)), LabelOf(ShareTypeChoices, string(strictest)))
		}
	}
}

func (c *Catalogue) validateNegatives(p *Problems, byCode map[string]int) {
	// covered[code] holds the items listed as 不予共享; "" means the whole resource.
	covered := make(map[string]map[string]bool)
	for i, n := range c.Negatives {
		f := fmt.Sprintf("negatives[%d]", i)
		r := c.entry(p, byCode, f+".resource_code", "负面清单", i+1, n.ResourceCode)
		what := "该资源"
		if r != nil {
			what = r.label()
		}
		if !known(NegativeCategoryChoices, string(n.Category)) {
			p.Add(f+".category", "负面清单第 %d 行请选择类别（不予共享或不予开放）", i+1)
		}
		if isBlank(n.Basis) {
			p.Add(f+".basis", "负面清单中%s须填写不予共享或不予开放的法律法规或政策依据（具体条款）", what)
		}
		if n.ReviewDate != "" {
			if _, ok := parseCalDate(n.ReviewDate); !ok {
				p.Add(f+".review_date", "负面清单第 %d 行的复核日期“%s”格式不正确，应为 2028-01-01 这样的日期", i+1, n.ReviewDate)
			}
		}
		if r == nil {
			continue
		}
		idx := r.items(p, f+".items", n.Items)
		switch n.Category {
		case NegativeNoShare:
			code := r.Code()
			if covered[code] == nil {
				covered[code] = make(map[string]bool)
			}
			if len(n.Items) == 0 {
				covered[code][""] = true
				if r.ShareType != ShareNone {
					p.Add(f+".category", "%s在负面清单中列为不予共享，但目录中为%s；请将目录中的共享类型改为不予共享，或从负面清单中删除", r.label(), LabelOf(ShareTypeChoices, string(r.ShareType)))
				}
			}
			for _, j := range idx {
				covered[code][strings.TrimSpace(r.Items[j].Name)] = true
				if t := r.ItemShareType(j); t != ShareNone {
					p.Add(f+".category", "信息项“%s”在负面清单中列为不予共享，但目录中为%s；请改正目录中该信息项的共享类型", strings.TrimSpace(r.Items[j].Name), LabelOf(ShareTypeChoices, string(t)))
				}
			}
		case NegativeNoOpen:
			if r.Open {
				p.Add(f+".category", "%s在负面清单中列为不予开放，但目录中为向社会开放；请改为不开放，或从负面清单中删除", r.label())
			}
		}
	}
	for i := range c.Entries {
		r := &c.Entries[i]
		cov := covered[r.Code()]
		if r.ShareType == ShareNone {
			if !cov[""] {
				p.Add(fmt.Sprintf("entries[%d].share_type", i), "%s为不予共享，须列入负面清单并写明依据", r.label())
			}
			continue
		}
		for j, it := range r.Items {
			name := strings.TrimSpace(it.Name)
			if it.ShareType == ShareNone && name != "" && !cov[""] && !cov[name] {
				p.Add(fmt.Sprintf("entries[%d].items[%d].share_type", i, j), "%s的信息项“%s”为不予共享，须列入负面清单并写明依据", r.label(), name)
			}
		}
	}
}
