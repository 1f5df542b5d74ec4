package app

import (
	"fmt"
	"math/big"
	"strings"
)

// AdjustType is what an adjustment filing reports (调整类型).
type AdjustType string

// Adjustment types.
const (
	// AdjustContent is an adjustment of the main construction content and
	// its money within the approved estimate (武汉 第十九条).
	AdjustContent AdjustType = "adjust"
	// AdjustMajorChange is a major change (重大变更、重大设计变更), e.g. for a
	// change of law or policy (郁南 第二十条, 天宁 解读 三、（九）).
	AdjustMajorChange AdjustType = "major_change"
	// AdjustOverdue is a delivery later than contracted (逾期交付, 郁南 第二十条).
	AdjustOverdue AdjustType = "overdue"
	// AdjustTerminate is the termination of the project's contract because
	// its goal cannot be fully reached (终止, 郁南 第二十条).
	AdjustTerminate AdjustType = "terminate"
)

// AdjustTypeChoices lists the adjustment types in the order a form offers them.
var AdjustTypeChoices = []Choice{{string(AdjustContent), "项目调整"}, {string(AdjustMajorChange), "重大变更"},
	{string(AdjustOverdue), "逾期交付"}, {string(AdjustTerminate), "项目终止"}}

// Adjustment is a filing about a change to an approved project (项目调整、
// 变更、逾期、终止): the approved budget lines and the adjusted ones, so the
// money moved and its share of the approved estimate are computed exactly,
// and the rule profile decides whether the unit may adjust by itself and
// file it (自行调整并备案) or needs a new approval (see
// Profile.AdjustmentRoute).
type Adjustment struct {
	ProjectName string     `json:"project_name"`
	UnitName    string     `json:"unit_name"`
	ApprovalRef string     `json:"approval_ref,omitempty"` // 原立项批复文号
	Type        AdjustType `json:"type"`
	Reason      string     `json:"reason"` // 调整原因及依据

	// ApprovedTotal is the approved estimate (批复概算总投资 / 核定投资).
	ApprovedTotal Money `json:"approved_total,omitempty"`
	// GoalUnchanged says the construction goal stays as approved (建设目标不变).
	GoalUnchanged bool `json:"goal_unchanged,omitempty"`
	// Situation is the code of the situation the profile lists for a
	// self-adjustment that applies (武汉 第十九条所列情形), "" for none.
	Situation string       `json:"situation,omitempty"`
	Before    []BudgetItem `json:"before,omitempty"` // 原批复概算明细
	After     []BudgetItem `json:"after,omitempty"`  // 调整后概算明细

	NewDueOn     string `json:"new_due_on,omitempty"`    // 逾期交付：预计交付日期 YYYY-MM-DD
	TerminatedOn string `json:"terminated_on,omitempty"` // 终止：合同终止日期 YYYY-MM-DD

	AppliedOn string  `json:"applied_on"` // 报送日期 YYYY-MM-DD
	Contact   Contact `json:"contact"`
}

// MovesMoney reports whether the adjustment is about money: a 项目调整 (or
// one of no type yet), a 重大变更 that gives an estimate or budget lines,
// or any whose lines move money. A 逾期交付 or a 终止 is not, though the
// client fills in the project's approved lines for every type: its
// 批复概算总投资 0 and 资金调整数额 0 were printed and shown as facts (found in
// a walkthrough), and its unchanged lines and estimate are not checked
// (Validate, CheckApprovedTotal).
func (a *Adjustment) MovesMoney() bool {
	switch a.Type {
	case AdjustOverdue, AdjustTerminate:
		return a.Moved() != 0
	case AdjustMajorChange:
		return a.ApprovedTotal != 0 || len(a.Before)+len(a.After) > 0
	}
	return true
}

// AsksGoal reports whether 建设目标不变 is said of the adjustment: of one
// about money (a self-adjustment keeps the goal, 武汉 第十九条) and a 重大
// 变更, or when the unit ticked it.
func (a *Adjustment) AsksGoal() bool {
	return a.MovesMoney() || a.Type == AdjustMajorChange || a.GoalUnchanged
}

// BudgetChange is one budget line of an adjustment, before and after: a
// line is the same line on both sides when its category and its name
// (spaces trimmed) are the same.
type BudgetChange struct {
	Category BudgetCategory
	Name     string
	Before   Money // 0 for a new line
	After    Money // 0 for a line removed
}

// Delta returns After - Before.
func (c BudgetChange) Delta() Money { return c.After - c.Before }

// BeforeSum returns the sum of the approved lines.
func (a *Adjustment) BeforeSum() Money { return sumItems(a.Before) }

// AfterSum returns the sum of the adjusted lines.
func (a *Adjustment) AfterSum() Money { return sumItems(a.After) }

func sumItems(items []BudgetItem) Money {
	var s Money
	for _, b := range items {
		s = addMoney(s, b.Amount)
	}
	return s
}

func lineKey(c BudgetCategory, name string) string {
	return string(c) + "\x00" + strings.TrimSpace(name)
}

// Changes returns the lines old and new side by side: the approved lines in
// their order, then the lines only the adjusted budget has, in its order.
// Lines repeated on one side are added up.
func (a *Adjustment) Changes() []BudgetChange {
	var out []BudgetChange
	at := map[string]int{}
	line := func(b BudgetItem) *BudgetChange {
		k := lineKey(b.Category, b.Name)
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, BudgetChange{Category: b.Category, Name: strings.TrimSpace(b.Name)})
		}
		return &out[i]
	}
	for _, b := range a.Before {
		line(b).Before += b.Amount
	}
	for _, b := range a.After {
		line(b).After += b.Amount
	}
	return out
}

// Moved returns the money the adjustment moves (资金调整数额): the larger of
// what the lines that grow gain and what the lines that shrink lose. When
// the total stays the same the two are equal; money cut from the project
// counts as moved as well.
func (a *Adjustment) Moved() Money {
	var up, down Money
	for _, c := range a.Changes() {
		if d := c.Delta(); d > 0 {
			up += d
		} else {
			down -= d
		}
	}
	return max(up, down)
}

// MovedBasisPoints returns the money moved as a share of the approved
// estimate in basis points (1/100 of a per cent), rounded up so that a share
// shown as 15.00% is never above 15 %; -1 when the approved estimate is not
// positive.
func (a *Adjustment) MovedBasisPoints() int64 {
	if a.ApprovedTotal <= 0 {
		return -1
	}
	n := new(big.Int).Mul(big.NewInt(int64(a.Moved())), big.NewInt(10000))
	d := big.NewInt(int64(a.ApprovedTotal))
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 1 << 62
	}
	return q.Int64()
}

// movedWithin reports whether the money moved is at most bp basis points
// of the approved estimate, compared exactly.
func (a *Adjustment) movedWithin(bp int64) bool {
	if a.ApprovedTotal <= 0 {
		return false
	}
	l := new(big.Int).Mul(big.NewInt(int64(a.Moved())), big.NewInt(10000))
	r := new(big.Int).Mul(big.NewInt(int64(a.ApprovedTotal)), big.NewInt(bp))
	return l.Cmp(r) <= 0
}

// PercentText formats basis points as a person reads a share: "12.5%",
// "15%"; "—" for a negative value.
func PercentText(bp int64) string {
	if bp < 0 {
		return "—"
	}
	return formatDecimal(bp, 2) + "%"
}

// Validate checks the filing's own rules (not those of a jurisdiction, see
// Profile.AdjustmentRoute) and returns every problem at once as an EINVALID
// *Error, or nil. An adjustment of content (AdjustContent) must give the
// approved estimate and both budgets, the approved lines adding up to it; a
// major change may give them; an overdue delivery gives the new date; a
// termination the date of the termination.
func (a *Adjustment) Validate() error {
	var p Problems
	projectHead(&p, a.ProjectName, a.UnitName)
	if !known(AdjustTypeChoices, string(a.Type)) {
		p.Add("type", "请选择调整类型（项目调整、重大变更、逾期交付或项目终止）")
	}
	if isBlank(a.Reason) {
		p.Add("reason", "请写明调整原因及依据（上级要求、政策调整、业务发展需要等）")
	}
	lines := a.Type == AdjustContent || len(a.Before)+len(a.After) > 0 && a.MovesMoney()
	if lines {
		a.validateBudgets(&p)
	} else if a.ApprovedTotal < 0 || a.ApprovedTotal > MaxAmount {
		p.Add("approved_total", "批复概算总投资应在 0 至 %s 之间", MaxAmount)
	}
	switch a.Type {
	case AdjustOverdue:
		if _, ok := parseCalDate(a.NewDueOn); !ok {
			p.Add("new_due_on", "请填写预计交付日期（如 2028-03-31）")
		}
	case AdjustTerminate:
		if _, ok := parseCalDate(a.TerminatedOn); !ok {
			p.Add("terminated_on", "请填写合同终止日期（如 2028-03-31）")
		}
	}
	if _, ok := parseCalDate(a.AppliedOn); !ok {
		p.Add("applied_on", "请填写报送日期（如 2028-01-15）")
	}
	contactProblems(&p, a.Contact)
	return p.Err()
}

func (a *Adjustment) validateBudgets(p *Problems) {
	switch {
	case a.ApprovedTotal <= 0:
		p.Add("approved_total", "请填写批复概算总投资（万元），须大于 0")
	case a.ApprovedTotal > MaxAmount:
		p.Add("approved_total", "批复概算总投资不能超过 %s，请核对单位（万元）", MaxAmount)
	}
	for _, side := range []struct {
		field, what string
		items       []BudgetItem
	}{{"before", "原批复概算明细", a.Before}, {"after", "调整后概算明细", a.After}} {
		if len(side.items) == 0 {
			p.Add(side.field, "请填写%s（逐项列出费用类别、名称和金额）", side.what)
			continue
		}
		if len(side.items) > MaxAdjustLines {
			p.Add(side.field, "%s不能超过 %d 行（现有 %d 行）", side.what, MaxAdjustLines, len(side.items))
			continue
		}
		seen := map[string]int{}
		for i, b := range side.items {
			f := fmt.Sprintf("%s[%d]", side.field, i)
			if b.blank() { // one problem for a line left empty, as the declaration's budget
				p.Add(f, "%s第 %d 行是空行：请选择费用类别并填写名称和金额，不需要的行请删除", side.what, i+1)
				continue
			}
			if !known(BudgetChoices, string(b.Category)) {
				p.Add(f+".category", "%s第 %d 行请选择费用类别", side.what, i+1)
			}
			if isBlank(b.Name) {
				p.Add(f+".name", "%s第 %d 行缺少名称", side.what, i+1)
			} else if j, dup := seen[lineKey(b.Category, b.Name)]; dup {
				p.Add(f+".name", "%s第 %d 行与第 %d 行的类别和名称相同，请合并为一行", side.what, i+1, j+1)
			} else {
				seen[lineKey(b.Category, b.Name)] = i
			}
			switch {
			case b.Amount <= 0:
				p.Add(f+".amount", "%s第 %d 行的金额须大于 0（删去的分项不必列出）", side.what, i+1)
			case b.Amount > MaxAmount:
				p.Add(f+".amount", "%s第 %d 行的金额不能超过 %s，请核对单位（万元）", side.what, i+1, MaxAmount)
			}
		}
	}
	if len(a.Before) > 0 && len(a.Before) <= MaxAdjustLines && a.ApprovedTotal > 0 {
		if sum := a.BeforeSum(); sum != a.ApprovedTotal {
			p.Add("before", "原批复概算明细合计 %s，与批复概算总投资 %s 不一致：请按批复逐项填写", sum, a.ApprovedTotal)
		}
	}
}

// CheckApprovedTotal holds an adjustment's 原批复概算总投资 to the record
// of its project, whose declaration is decl with the bureau's decisions
// history: the 核定 amount of its last approval, or the declared total when
// none carried one. The share an adjustment moves (武汉 第十九条: 15 %) is
// counted against it, and a unit that typed its own (200 万元 for a project
// approved at 100) moved 30 万元 as 15 % and was told it might adjust on
// its own (found in a regulation review). The bureau checks it on receipt
// and the client as the clerk types; nil for any other body, or without
// the declaration.
func CheckApprovedTotal(body Body, decl *Declaration, history []Transition) Problems {
	a := body.Adjustment
	if a == nil || decl == nil || a.ApprovedTotal <= 0 || !a.MovesMoney() {
		return nil // a 逾期交付's estimate, out of sight, is not its subject (found in review)
	}
	var p Problems
	switch approved := ApprovedInvestment(history); {
	case approved > 0 && a.ApprovedTotal != approved:
		p.Add("approved_total", "原批复概算总投资 %s 与项目的核定投资 %s 不一致：请按批复填写（调整比例按它计算）", a.ApprovedTotal, approved)
	case approved == 0 && decl.TotalInvestment > 0 && a.ApprovedTotal != decl.TotalInvestment:
		p.Add("approved_total", "原批复概算总投资 %s 与项目申报的总投资概算 %s 不一致：请按批复填写（调整比例按它计算）", a.ApprovedTotal, decl.TotalInvestment)
	}
	return p
}

// CheckProjectDecided refuses a filing of a project's later life (every
// kind but the declaration and the catalogue, which is drafted with it)
// while the bureau has not approved or filed the project's declaration,
// decl, whose decisions are history: a trial report and a 竣工验收申请 of a
// project only 已提交 were received and could be 验收通过, and a 验收后备案
// of a project never approved counted as its acceptance (a review of 六安
// and 郁南). Nothing is checked when decl is nil (a project the bureau does
// not hold: approved before the unit used this) or when its route needs
// no filing (单位自行管理). The client, whose copy of the project's state may
// be behind the bureau's, asks only what it knows (ProjectStateKnown).
func CheckProjectDecided(body Body, prof *Profile, decl *Declaration, history []Transition) Problems {
	if decl == nil || body.Kind == KindDeclaration || body.Kind == KindCatalogue {
		return nil
	}
	if prof != nil && prof.DeclarationRoute(decl) == RouteSelfManaged {
		return nil
	}
	st := projectState(history)
	var p Problems
	switch st {
	case StatusApproved, StatusFiled:
	case StatusRejected:
		if outcomeOf(prof.DeclarationRoute(decl)) == ActionFile {
			p.Add("project_id", "所属项目已被%s决定不予备案：不能再为它报送本材料；如选错了项目，请改选", prof.BureauShort())
		} else {
			p.Add("project_id", "所属项目已被%s决定不予立项：不能再为它报送本材料；如选错了项目，请改选", prof.BureauShort())
		}
	case StatusDraft:
		p.Add("project_id", "所属项目的申报书尚未提交：请先提交项目申报书，经%s批复立项或备案后再报送本材料", prof.BureauShort())
	case StatusReturned, StatusWithdrawn:
		p.Add("project_id", "所属项目的申报书已退回修改或撤回，尚未批复：请修改后重新提交，经%s批复立项或备案后再报送本材料", prof.BureauShort())
	default:
		p.Add("project_id", "所属项目的申报书尚在%s审核中：批复立项或备案后才能报送本材料", prof.BureauShort())
	}
	return p
}

// projectState is the state of a declaration whose decisions are history.
func projectState(history []Transition) Status {
	if n := len(history); n > 0 {
		return history[n-1].To
	}
	return StatusDraft
}

// ProjectStateKnown reports whether a copy of a declaration whose
// decisions are history knows whether the bureau has decided it: one
// under review may have been approved since, which the bureau checks on
// receipt (CheckProjectDecided); the client does not hold a later filing
// back for it (an offline clerk could not queue it).
func ProjectStateKnown(history []Transition) bool {
	switch projectState(history) {
	case StatusSubmitted, StatusPreliminary, StatusExpert:
		return false
	}
	return true
}
