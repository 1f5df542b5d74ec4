package app

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// lifecycleBodies returns one complete body of every life-cycle kind.
func lifecycleBodies() []Body {
	c := Contact{Person: "李娟", Phone: "027-85551234"}
	sum := strings.Repeat("cd", 32)
	mk := func(k Kind) Body {
		return Body{ID: "f-" + string(k), Kind: k, ProjectID: "p-1", Revision: 2, RevisionID: "r-2", BaseID: "r-1",
			Attachments: []Attachment{{Material: "acceptance_report", Name: "验收报告.pdf", SHA256: sum, Size: 2048, MediaType: "application/pdf"}}}
	}
	g, a, af, o, p := mk(KindGoLive), mk(KindAdjustment), mk(KindAcceptanceFiling), mk(KindOMFiling), mk(KindPerformance)
	g.GoLive = &GoLive{ProjectName: "武汉市民政局养老服务信息平台", UnitName: "武汉市民政局", ApprovalRef: "武数审〔2027〕8号",
		GoLiveOn: "2028-03-15", Scope: "全市 13 个区民政部门", Contact: c}
	a.Adjustment = &Adjustment{ProjectName: "武汉市民政局养老服务信息平台", UnitName: "武汉市民政局", Type: AdjustContent,
		Reason: "根据市政府部署增加补贴对接", ApprovedTotal: Wans(100), GoalUnchanged: true, Situation: "superior_request",
		Before:    []BudgetItem{{Category: BudgetHardware, Name: "服务器", Amount: Wans(40)}, {Category: BudgetSoftwareDev, Name: "平台开发", Amount: Wans(60)}},
		After:     []BudgetItem{{Category: BudgetHardware, Name: "服务器", Amount: Wans(30)}, {Category: BudgetSoftwareDev, Name: "平台开发", Amount: Wans(70)}},
		AppliedOn: "2027-09-01", Contact: c}
	af.AcceptanceFiling = &AcceptanceFiling{ProjectName: "天宁区智慧城管综合指挥平台", UnitName: "天宁区城市管理局", AcceptanceID: "f-acc",
		AcceptedOn: "2026-09-24", Conclusion: "验收通过", FiledOn: "2026-10-09", Contact: c}
	o.OMFiling = &OMFiling{ProjectName: "霍邱县城关镇智慧社区管理平台", UnitName: "霍邱县城关镇人民政府", Year: 2027, GoLiveOn: "2027-06-01",
		Provider: "安徽某信息技术有限公司", Amount: Wans(12) + 34, Situation: "运行稳定", Contact: c}
	p.Performance = &Performance{ProjectName: "武汉市民政局养老服务信息平台", UnitName: "武汉市民政局", Type: PerformanceAnnual, Year: 2027,
		PeriodStart: "2027-03", PeriodEnd: "2028-06", Goals: "完成", Progress: "60%", Investment: "已支付 300 万元",
		Opinions: "无异议", Conclusion: "良好", FiledOn: "2027-12-20", Contact: c}
	return []Body{g, a, af, o, p}
}

// Every life-cycle kind round-trips through the canonical body encoding,
// and its shape is checked as the first four kinds' is.
func TestLifecycleBodiesRoundTrip(t *testing.T) {
	for _, b := range lifecycleBodies() {
		t.Run(string(b.Kind), func(t *testing.T) {
			data, sum, err := b.Encode()
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeBody(data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, b) {
				t.Fatalf("round trip changed the body:\n got %+v\nwant %+v", got, b)
			}
			if data2, sum2, _ := got.Encode(); sum2 != sum || string(data2) != string(data) {
				t.Fatal("re-encoding is not canonical")
			}
			if p := CheckText(b); len(p) != 0 {
				t.Errorf("text limits: %v", p)
			}
			wrong := b
			wrong.Kind = KindDeclaration
			if _, err := DecodeBody(mustEncode(t, wrong)); !strings.Contains(err.Error(), "不符") {
				t.Errorf("kind mismatch: %v", err)
			}
			two := b
			two.Declaration = &Declaration{}
			if _, err := DecodeBody(mustEncode(t, two)); !strings.Contains(err.Error(), "只能有一份") {
				t.Errorf("two contents: %v", err)
			}
			f, err := NewFiling(b.Kind, "f", "r", "u", time.Now())
			if err != nil || f.Body().Kind != b.Kind {
				t.Fatalf("NewFiling: %v", err)
			}
			fb := f.Body()
			if k, c := fb.content(); k != b.Kind || c == nil {
				t.Errorf("NewFiling's body holds %s", k)
			}
		})
	}
}

func mustEncode(t *testing.T, b Body) []byte {
	t.Helper()
	data, _, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// CheckText covers the new bodies: a too long one-line field is found
// with its path.
func TestLifecycleTextLimits(t *testing.T) {
	b := lifecycleBodies()[1]
	b.Adjustment.After[0].Name = strings.Repeat("服", MaxShortText+1)
	b.Adjustment.Reason = strings.Repeat("因", MaxLongText+1)
	p := CheckText(b)
	fields := map[string]bool{}
	for _, f := range p {
		fields[f.Field] = true
	}
	if !fields["after[0].name"] || !fields["reason"] {
		t.Fatalf("problems %v", p)
	}
}

func TestTitlesOfLifecycleFilings(t *testing.T) {
	want := map[Kind]string{
		KindGoLive:           "武汉市民政局养老服务信息平台投入运行",
		KindAdjustment:       "武汉市民政局养老服务信息平台项目调整备案",
		KindAcceptanceFiling: "天宁区智慧城管综合指挥平台验收后备案",
		KindOMFiling:         "霍邱县城关镇智慧社区管理平台 2027 年度运维备案",
		KindPerformance:      "武汉市民政局养老服务信息平台 2027 年度绩效评价报告",
	}
	for _, b := range lifecycleBodies() {
		f := &Filing{Kind: b.Kind, GoLive: b.GoLive, Adjustment: b.Adjustment, AcceptanceFiling: b.AcceptanceFiling,
			OMFiling: b.OMFiling, Performance: b.Performance}
		if got := f.Title(); got != want[b.Kind] {
			t.Errorf("%s: %q, want %q", b.Kind, got, want[b.Kind])
		}
	}
}

// The sums of an adjustment's lines stay exact: MaxAdjustLines lines of
// MaxAmount each fit in int64 with room for the share's arithmetic.
func TestAdjustmentLimitsKeepSumsExact(t *testing.T) {
	if int64(MaxAmount) > math.MaxInt64/int64(MaxAdjustLines)/20 {
		t.Fatalf("%d lines of %s can overflow", MaxAdjustLines, MaxAmount)
	}
	a := &Adjustment{ApprovedTotal: MaxAmount, Type: AdjustContent}
	for range MaxAdjustLines {
		a.Before = append(a.Before, BudgetItem{Category: BudgetHardware, Name: "x", Amount: MaxAmount})
	}
	if got := a.Moved(); got != Money(MaxAdjustLines)*MaxAmount {
		t.Errorf("moved %d", got)
	}
	if bp := a.MovedBasisPoints(); bp != int64(MaxAdjustLines)*10000 {
		t.Errorf("share %d bp", bp)
	}
}

// SplitTitle gives back the parts Title joined, for every kind, type and
// year, with project names that end in a year or a space, so a screen in
// another language can translate what the filing is.
func TestSplitTitleUndoesTitle(t *testing.T) {
	var fs []*Filing
	for _, name := range []string{"城关镇智慧社区平台", "智慧城市 2027", "Chengguan Platform"} {
		fs = append(fs, &Filing{Kind: KindTrialReport, TrialReport: &TrialReport{ProjectName: name}},
			&Filing{Kind: KindAcceptance, Acceptance: &Acceptance{ProjectName: name}},
			&Filing{Kind: KindGoLive, GoLive: &GoLive{ProjectName: name}},
			&Filing{Kind: KindAcceptanceFiling, AcceptanceFiling: &AcceptanceFiling{ProjectName: name}})
		for _, c := range AdjustTypeChoices {
			fs = append(fs, &Filing{Kind: KindAdjustment, Adjustment: &Adjustment{ProjectName: name, Type: AdjustType(c.Code)}})
		}
		for _, y := range []int{0, 2027} {
			fs = append(fs, &Filing{Kind: KindOMFiling, OMFiling: &OMFiling{ProjectName: name, Year: y}})
			for _, c := range append(PerformanceTypeChoices, Choice{Code: ""}) {
				fs = append(fs, &Filing{Kind: KindPerformance, Performance: &Performance{ProjectName: name, Type: PerformanceType(c.Code), Year: y}})
			}
		}
	}
	for _, f := range fs {
		title := f.Title()
		project, what, year, ok := SplitTitle(f.Kind, title)
		if !ok {
			t.Errorf("%s %q: not split", f.Kind, title)
			continue
		}
		again := titled(project, what)
		if year != 0 {
			again = titled(project, yearLabel(year)+strings.TrimPrefix(what, "年度"))
		}
		if again != title || !slices.Contains([]string{"城关镇智慧社区平台", "智慧城市 2027", "Chengguan Platform"}, project) {
			t.Errorf("%s %q: split into %q, %q, %d", f.Kind, title, project, what, year)
		}
	}
	for _, c := range []struct {
		k     Kind
		title string
	}{{KindDeclaration, "城关镇智慧社区平台"}, {KindCatalogue, "城关镇政务数据共享资源目录"}, {KindTrialReport, "试运行报告"}} {
		if _, _, _, ok := SplitTitle(c.k, c.title); ok {
			t.Errorf("%s %q was split", c.k, c.title)
		}
	}
}
