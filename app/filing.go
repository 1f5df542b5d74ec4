package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of a filing.
type Kind string

// The filings a unit drafts.
const (
	KindDeclaration Kind = "declaration"  // 项目申报书（年度需求计划）
	KindCatalogue   Kind = "catalogue"    // 政务数据共享资源目录（含三清单）
	KindTrialReport Kind = "trial_report" // 试运行报告
	KindAcceptance  Kind = "acceptance"   // 竣工验收申请
)

// The filings of the rest of a project's life (see LifecycleKinds).
const (
	KindGoLive           Kind = "go_live"           // 投入运行
	KindAdjustment       Kind = "adjustment"        // 项目调整、变更、逾期、终止
	KindAcceptanceFiling Kind = "acceptance_filing" // 验收后备案（验收报告备案）
	KindOMFiling         Kind = "om_filing"         // 运维备案
	KindPerformance      Kind = "performance"       // 绩效自评价 / 年度绩效评价报告
)

// Kinds lists the kinds the client offers and the bureau accepts today, in
// the order the UI shows them. Stores, menus and the bureau's filters range
// over it.
var Kinds = []Kind{KindDeclaration, KindCatalogue, KindTrialReport, KindAcceptance}

// LifecycleKinds lists the kinds of the later life of a project, whose
// bodies, rules and deadlines app knows but which the client and the bureau
// do not offer yet: CheckBody refuses them (see Kind.Offered) until they
// are moved into Kinds.
var LifecycleKinds = []Kind{KindGoLive, KindAdjustment, KindAcceptanceFiling, KindOMFiling, KindPerformance}

// AllKinds returns every kind app knows: Kinds, then LifecycleKinds.
func AllKinds() []Kind { return slices.Concat(Kinds, LifecycleKinds) }

// Label returns the Chinese name of the kind.
func (k Kind) Label() string {
	switch k {
	case KindDeclaration:
		return "项目申报书"
	case KindCatalogue:
		return "共享资源目录"
	case KindTrialReport:
		return "试运行报告"
	case KindAcceptance:
		return "竣工验收申请"
	case KindGoLive:
		return "投入运行"
	case KindAdjustment:
		return "项目调整（变更、终止）"
	case KindAcceptanceFiling:
		return "验收后备案"
	case KindOMFiling:
		return "运维备案"
	case KindPerformance:
		return "绩效评价"
	}
	return string(k)
}

// Valid reports whether k is a kind app knows (one of AllKinds): its body
// decodes and its rules run.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) || slices.Contains(LifecycleKinds, k) }

// Offered reports whether k is one of Kinds, which the client offers and
// the bureau accepts today.
func (k Kind) Offered() bool { return slices.Contains(Kinds, k) }

// Revision identifies one version of a filing's content. A filing starts at
// revision 1; a filing returned for revision (退回修改) is edited into a new
// revision whose BaseID names the one it revises. A submitted revision is
// immutable: its body hash is what the bureau acknowledges.
type Revision struct {
	ID          string    `json:"id"`                    // UUID minted by the client
	Number      int       `json:"number"`                // 1, 2, …
	BaseID      string    `json:"base_id,omitempty"`     // the revision this one revises
	SubmittedAt time.Time `json:"submitted_at,omitzero"` // zero while it is being drafted
}

// Submitted reports whether the revision has been submitted and is frozen.
func (r Revision) Submitted() bool { return !r.SubmittedAt.IsZero() }

// Attachment is a file attached to a filing, content-addressed by SHA-256.
// Material says what it is (a code from Materials, e.g. "feasibility").
type Attachment struct {
	Material  string `json:"material"`
	Name      string `json:"name"`
	SHA256    string `json:"sha256"` // lowercase hex
	Size      int64  `json:"size"`
	MediaType string `json:"media_type,omitempty"`
}

// Filing is one document a unit files with the bureau, with its workflow
// state and history. Exactly one of the body fields is set, matching Kind.
type Filing struct {
	ID        string `json:"id"` // UUID minted by the client
	Kind      Kind   `json:"kind"`
	UnitID    string `json:"unit_id"`
	ProjectID string `json:"project_id,omitempty"` // the declaration a catalogue, trial report or acceptance belongs to
	// ProjectYear is the plan year of that declaration, so the filing is
	// listed under its project's year; the client's store fills it in on save.
	ProjectYear int       `json:"project_year,omitempty"`
	Status      Status    `json:"status"`
	Revision    Revision  `json:"revision"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`

	Attachments []Attachment `json:"attachments,omitempty"`
	History     []Transition `json:"history,omitempty"`

	// Unparsed keeps, by field path, what the clerk typed into a field that
	// could not be read as its type ("12o" for an amount), so that nothing
	// typed is lost until it is corrected. It is saved with the working copy,
	// is not part of the Body, and blocks submission (see Check).
	Unparsed map[string]string `json:"unparsed,omitempty"`

	Declaration *Declaration `json:"declaration,omitempty"`
	Catalogue   *Catalogue   `json:"catalogue,omitempty"`
	TrialReport *TrialReport `json:"trial_report,omitempty"`
	Acceptance  *Acceptance  `json:"acceptance,omitempty"`

	GoLive           *GoLive           `json:"go_live,omitempty"`
	Adjustment       *Adjustment       `json:"adjustment,omitempty"`
	AcceptanceFiling *AcceptanceFiling `json:"acceptance_filing,omitempty"`
	OMFiling         *OMFiling         `json:"om_filing,omitempty"`
	Performance      *Performance      `json:"performance,omitempty"`
}

// NewFiling returns a draft filing of kind k at revision 1 with an empty body.
// id and revisionID are UUIDs minted by the caller.
func NewFiling(k Kind, id, revisionID, unitID string, now time.Time) (*Filing, error) {
	f := &Filing{ID: id, Kind: k, UnitID: unitID, Status: StatusDraft,
		Revision: Revision{ID: revisionID, Number: 1}, Created: now, Updated: now}
	switch k {
	case KindDeclaration:
		f.Declaration = &Declaration{}
	case KindCatalogue:
		f.Catalogue = &Catalogue{}
	case KindTrialReport:
		f.TrialReport = &TrialReport{}
	case KindAcceptance:
		f.Acceptance = &Acceptance{}
	case KindGoLive:
		f.GoLive = &GoLive{}
	case KindAdjustment:
		f.Adjustment = &Adjustment{}
	case KindAcceptanceFiling:
		f.AcceptanceFiling = &AcceptanceFiling{}
	case KindOMFiling:
		f.OMFiling = &OMFiling{}
	case KindPerformance:
		f.Performance = &Performance{}
	default:
		return nil, Errorf(EINVALID, "未知的材料类型“%s”", k)
	}
	return f, nil
}

// Title returns the name a person knows the filing by: the project name, or the
// catalogue's or report's title. It may be empty for a fresh draft.
func (f *Filing) Title() string {
	switch {
	case f.Declaration != nil:
		return f.Declaration.ProjectName
	case f.Catalogue != nil:
		return f.Catalogue.Title
	case f.TrialReport != nil:
		return titled(f.TrialReport.ProjectName, "试运行报告")
	case f.Acceptance != nil:
		return titled(f.Acceptance.ProjectName, "竣工验收申请")
	case f.GoLive != nil:
		return titled(f.GoLive.ProjectName, "投入运行")
	case f.Adjustment != nil:
		return titled(f.Adjustment.ProjectName, LabelOf(AdjustTypeChoices, string(f.Adjustment.Type))+"备案")
	case f.AcceptanceFiling != nil:
		return titled(f.AcceptanceFiling.ProjectName, "验收后备案")
	case f.OMFiling != nil:
		what := "运维备案"
		if f.OMFiling.Year != 0 {
			what = fmt.Sprintf("%d 年度运维备案", f.OMFiling.Year)
		}
		return titled(f.OMFiling.ProjectName, what)
	case f.Performance != nil:
		return titled(f.Performance.ProjectName, f.Performance.what())
	}
	return ""
}

// titleWhats are what Title names a later filing of kind k by after its
// project's name (without a year), the most specific first.
func titleWhats(k Kind) []string {
	switch k {
	case KindTrialReport:
		return []string{"试运行报告"}
	case KindAcceptance:
		return []string{"竣工验收申请"}
	case KindGoLive:
		return []string{"投入运行"}
	case KindAdjustment:
		var out []string
		for _, c := range AdjustTypeChoices {
			out = append(out, c.Label+"备案")
		}
		return append(out, "备案")
	case KindAcceptanceFiling:
		return []string{"验收后备案"}
	case KindOMFiling:
		return []string{"运维备案"}
	case KindPerformance:
		var out []string
		for _, c := range PerformanceTypeChoices {
			out = append(out, c.Label)
		}
		return append(out, "绩效评价报告")
	}
	return nil
}

// SplitTitle undoes Title for a filing of kind k: the project's name, what
// the filing is (the words Title put after it, without a year: 试运行报告,
// 重大变更备案, 年度绩效评价报告) and the year it is for, 0 when the title
// has none. ok is false for a title Title does not compose so (a
// declaration's, a catalogue's, an unnamed filing's). A screen in another
// language shows the parts with what translated; a list keeps only the
// title.
func SplitTitle(k Kind, title string) (project, what string, year int, ok bool) {
	for _, w := range titleWhats(k) {
		// "…平台 2027 年度运维备案", "…平台 2027 年度绩效评价报告": Title
		// writes the year before the words, its 年度 standing for theirs.
		if rest, found := strings.CutSuffix(title, " 年度"+strings.TrimPrefix(w, "年度")); found {
			if i := strings.LastIndexByte(rest, ' '); i > 0 {
				if y, err := strconv.Atoi(rest[i+1:]); err == nil && y > 0 {
					return rest[:i], w, y, true
				}
			}
		}
		if rest, found := strings.CutSuffix(title, w); found && strings.TrimSpace(rest) != "" {
			return rest, w, 0, true
		}
	}
	return "", "", 0, false
}

// titled names a filing about project as documents are titled: the
// project's name and what the document is ("…平台试运行报告"), so that a
// project's trial report and its acceptance application read apart in a
// list. A project not named yet gives "".
func titled(project, what string) string {
	if project = strings.TrimSpace(project); project == "" {
		return ""
	}
	if what != "" && what[0] >= '0' && what[0] <= '9' {
		return project + " " + what // "…平台 2027 年度运维备案", spaced as the year is
	}
	return project + what
}

// PlanYear returns the plan year of a declaration; for the other kinds, that
// of the project they belong to (ProjectYear), or else the year the filing was
// created.
func (f *Filing) PlanYear() int {
	switch {
	case f.Declaration != nil && f.Declaration.PlanYear != 0:
		return f.Declaration.PlanYear
	case f.Declaration == nil && f.ProjectYear != 0:
		return f.ProjectYear
	}
	return f.Created.Year()
}

// Editable reports whether the unit may change the content now: only while it
// is a draft, or after it was returned for revision.
func (f *Filing) Editable() bool { return f.Status.Editable() }

// Body is the part of a filing that a revision freezes and the bureau receives:
// the content and the attachments it names, without workflow state.
type Body struct {
	ID          string       `json:"id"`
	Kind        Kind         `json:"kind"`
	ProjectID   string       `json:"project_id,omitempty"`
	Revision    int          `json:"revision"`
	RevisionID  string       `json:"revision_id"`
	BaseID      string       `json:"base_revision_id,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	Declaration *Declaration `json:"declaration,omitempty"`
	Catalogue   *Catalogue   `json:"catalogue,omitempty"`
	TrialReport *TrialReport `json:"trial_report,omitempty"`
	Acceptance  *Acceptance  `json:"acceptance,omitempty"`

	GoLive           *GoLive           `json:"go_live,omitempty"`
	Adjustment       *Adjustment       `json:"adjustment,omitempty"`
	AcceptanceFiling *AcceptanceFiling `json:"acceptance_filing,omitempty"`
	OMFiling         *OMFiling         `json:"om_filing,omitempty"`
	Performance      *Performance      `json:"performance,omitempty"`

	// FirstSent is when the filing was first submitted, as the one who
	// checks it knows (zero for a new one; Filing.Check sets it). It is not
	// content: it is never written or hashed. A declaration's plan year is
	// judged as of it (FactPlanYearAhead), so that a declaration sent on
	// time for next year is not refused when it comes back for changes
	// after New Year.
	FirstSent time.Time `json:"-"`
	// Project is the declaration of the project a later filing names, as
	// the one who reviews it holds it (nil when none is known). It is not
	// content either: an adjustment's route, and so how its review ends
	// (LaterOutcome), depends on it.
	Project *Declaration `json:"-"`
}

// Type returns the type of a later filing whose kind has types (an
// adjustment's, a performance report's), the type its profile rules are
// chosen by; "" for the other kinds.
func (b *Body) Type() string { return typeOf(b.Adjustment, b.Performance) }

// Type is the type of the filing's body (Body.Type).
func (f *Filing) Type() string { return typeOf(f.Adjustment, f.Performance) }

// typeOf is the type of a filing whose adjustment is a and performance
// report p (one at most is not nil).
func typeOf(a *Adjustment, p *Performance) string {
	switch {
	case a != nil:
		return string(a.Type)
	case p != nil:
		return string(p.Type)
	}
	return ""
}

// Body returns the filing's current body.
func (f *Filing) Body() Body {
	return Body{ID: f.ID, Kind: f.Kind, ProjectID: f.ProjectID,
		Revision: f.Revision.Number, RevisionID: f.Revision.ID, BaseID: f.Revision.BaseID,
		Attachments: f.Attachments, Declaration: f.Declaration, Catalogue: f.Catalogue,
		TrialReport: f.TrialReport, Acceptance: f.Acceptance, GoLive: f.GoLive, Adjustment: f.Adjustment,
		AcceptanceFiling: f.AcceptanceFiling, OMFiling: f.OMFiling, Performance: f.Performance}
}

// SetContent sets f's content to b's, of whichever kind: every place that
// builds a filing from a body goes through it, so a kind added to Body is
// not left out of one (taking over the bureau's filings copied four of the
// nine, and a go-live filing came back to a second computer empty).
func (f *Filing) SetContent(b *Body) {
	f.Declaration, f.Catalogue, f.TrialReport, f.Acceptance = b.Declaration, b.Catalogue, b.TrialReport, b.Acceptance
	f.GoLive, f.Adjustment, f.AcceptanceFiling, f.OMFiling, f.Performance = b.GoLive, b.Adjustment, b.AcceptanceFiling, b.OMFiling, b.Performance
}

// content returns the kind the body's content is of and the content, or
// "" and nil when no content is set. With more than one set it returns the
// first; CheckShape refuses such a body.
func (b *Body) content() (Kind, any) {
	for _, c := range b.contents() {
		if c.set {
			return c.kind, c.v
		}
	}
	return "", nil
}

type bodyContent struct {
	kind Kind
	set  bool
	v    any
}

// contents lists every content field of the body with its kind.
func (b *Body) contents() []bodyContent {
	return []bodyContent{
		{KindDeclaration, b.Declaration != nil, b.Declaration},
		{KindCatalogue, b.Catalogue != nil, b.Catalogue},
		{KindTrialReport, b.TrialReport != nil, b.TrialReport},
		{KindAcceptance, b.Acceptance != nil, b.Acceptance},
		{KindGoLive, b.GoLive != nil, b.GoLive},
		{KindAdjustment, b.Adjustment != nil, b.Adjustment},
		{KindAcceptanceFiling, b.AcceptanceFiling != nil, b.AcceptanceFiling},
		{KindOMFiling, b.OMFiling != nil, b.OMFiling},
		{KindPerformance, b.Performance != nil, b.Performance},
	}
}

// Encode returns the canonical JSON of the body (Go's encoder is
// deterministic for structs) and its SHA-256 in lowercase hex.
func (b Body) Encode() (data []byte, sum string, err error) {
	data, err = json.Marshal(b)
	if err != nil {
		return nil, "", fmt.Errorf("encode body of %s: %w", b.ID, err)
	}
	h := sha256.Sum256(data)
	return data, hex.EncodeToString(h[:]), nil
}

// DecodeBody decodes and checks the shape of a body received from elsewhere
// (the wire or disk). It fails with an EINVALID *Error in Chinese; it does not
// run the content rules (see Validate).
func DecodeBody(data []byte) (Body, error) {
	var b Body
	if err := json.Unmarshal(data, &b); err != nil {
		return Body{}, Errorf(EINVALID, "材料内容格式错误，无法解析：%v", jsonProblem(err))
	}
	return b, b.CheckShape()
}

// CheckShape checks the shape of a body as DecodeBody does after decoding
// it, for a body that was decoded as part of a larger JSON document (the
// bureau decodes a batch of submissions in one pass). It fails with an
// EINVALID *Error listing the field problems.
func (b *Body) CheckShape() error {
	var p Problems
	if b.ID == "" {
		p.Add("id", "缺少材料编号")
	}
	if b.RevisionID == "" {
		p.Add("revision_id", "缺少版本编号")
	}
	if b.Revision < 1 {
		p.Add("revision", "版本号须为正整数")
	}
	n := 0
	for _, c := range b.contents() {
		if c.set {
			n++
		}
	}
	switch kind, _ := b.content(); {
	case !b.Kind.Valid():
		p.Add("kind", "未知的材料类型“%s”", clipText(strings.Map(printable, strings.ToValidUTF8(string(b.Kind), "?")), 40))
	case n != 1:
		p.Add("kind", "材料内容须且只能有一份（现有 %d 份）", n)
	case kind != b.Kind:
		p.Add("kind", "材料类型“%s”与内容不符", b.Kind.Label())
	}
	for i, a := range b.Attachments {
		if !ValidSHA256(a.SHA256) {
			p.Add(fmt.Sprintf("attachments[%d].sha256", i), "附件“%s”的校验值不是有效的 SHA-256", a.Name)
		}
		if a.Size < 0 {
			p.Add(fmt.Sprintf("attachments[%d].size", i), "附件“%s”的大小不能为负数", a.Name)
		}
	}
	return p.Err()
}

// ValidSHA256 reports whether s is a SHA-256 in lowercase hex, the form
// attachments are named by.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// jsonProblem turns a decoding error into a short Chinese description that
// names the field, without Go type names.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("字段“%s”的类型不正确%s", te.Field, wantJSON(te.Type))
		}
		return "内容的类型不正确"
	case errors.As(err, &se):
		return fmt.Sprintf("第 %d 个字节处语法错误", se.Offset)
	}
	return "内容不是有效的 JSON"
}

// wantJSON says what a value of type t must look like in JSON, for a
// person fixing a body: "", when there is nothing useful to say.
func wantJSON(t reflect.Type) string {
	if t == nil {
		return ""
	}
	if t == reflect.TypeFor[Money]() {
		return "：金额须为以分为单位的整数（不带小数点和引号）"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "：须为整数"
	case reflect.String:
		return "：须为带引号的文字"
	case reflect.Bool:
		return "：须为 true 或 false"
	case reflect.Slice, reflect.Array:
		return "：须为列表 [...]"
	case reflect.Struct, reflect.Map:
		return "：须为对象 {...}"
	}
	return ""
}

// PrintName is the name a printed copy of f's revision is saved under,
// without extension: its title (its kind when untitled) and revision,
// "城关镇智慧社区平台-第2版", with the characters file systems refuse
// replaced and at most 80 characters of title. The client and the bureau
// name the same copy alike (the bureau's was "项目申报书-第2版" for every
// project). Under a profile, Profile.PrintName names the kind as its
// regulation does.
func PrintName(f *Filing) string { return (*Profile)(nil).PrintName(f) }

// PrintName is app.PrintName with f's kind named as prof's regulation
// names it (郁南's …验收前置审核申请-第1版, as the copy's heading says).
func (prof *Profile) PrintName(f *Filing) string {
	t := strings.TrimSpace(prof.ShownTitle(f.Kind, f.Title()))
	if t == "" {
		t = prof.KindName(f.Kind)
	}
	t = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || strings.ContainsRune(`\/:*?"<>|`, r) {
			return '_'
		}
		return r
	}, t)
	if r := []rune(t); len(r) > 80 {
		t = string(r[:80])
	}
	return fmt.Sprintf("%s-第%d版", t, f.Revision.Number)
}
