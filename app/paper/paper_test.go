package paper

import (
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

func TestNumeral(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 12: "十二", 20: "二十", 23: "二十三"} {
		if got := Numeral(n); got != want {
			t.Errorf("Numeral(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestShare(t *testing.T) {
	for _, c := range []struct {
		part, whole app.Money
		want        string
	}{{app.Wans(150), app.Wans(180), "83.3%"}, {app.Wans(30), app.Wans(180), "16.7%"}, {1, 3, "33.3%"}, {5, 5, "100.0%"}, {1, 0, "—"}} {
		if got := share(c.part, c.whole); got != c.want {
			t.Errorf("share(%d, %d) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
}

// The declaration's chapters follow the editor's sections, and its
// investment chapter totals the budget and funding with their 大写 amounts.
func TestDeclarationLayout(t *testing.T) {
	d := apptest.Declaration()
	d.UnitType = app.UnitMedical
	doc, err := Build(app.Body{Kind: app.KindDeclaration, Declaration: d}, Options{Date: time.Date(2027, 3, 5, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range doc.Chapters {
		titles = append(titles, c.Title)
	}
	want := []string{"基本信息", "项目性质与类别", "建设目标与内容", "数据资源", "安全保障", "密码应用方案", "部署方案", "信创适配",
		"运行维护", "实施进度", "投资概算与资金来源", "申报材料"}
	if !slices.Equal(titles, want) {
		t.Errorf("chapters %v, want %v", titles, want)
	}
	text := strings.Join(doc.Text(), "\n")
	for _, w := range []string{"人民币壹佰捌拾万元整", "合计（大写）：人民币壹佰捌拾万元整", "2027年3月5日", "83.3%", "平台软件开发", "医疗机构"} {
		if !strings.Contains(text, w) {
			t.Errorf("layout lacks %q", w)
		}
	}
	if strings.Contains(text, "法律法规另有规定的依据") {
		t.Error("a declaration citing no law prints the exception's heading")
	}
	// On the government cloud there is no reason not to be to print (it
	// printed 不部署在政务云的理由 —; found in a 天宁 walkthrough).
	if d.Deployment.Mode != app.DeployEgovCloud || strings.Contains(text, "部署的理由") {
		t.Errorf("a project on the government cloud prints why it is not (mode %s)", d.Deployment.Mode)
	}
	other := *d
	other.Deployment.Mode, other.Deployment.Explanation = app.DeployOther, "视频专网设备须就近部署"
	doc, _ = Build(app.Body{Kind: app.KindDeclaration, Declaration: &other}, Options{})
	if text := strings.Join(doc.Text(), "\n"); !strings.Contains(text, "未按要求部署的理由（情况说明）") || !strings.Contains(text, "视频专网设备须就近部署") {
		t.Error("a project deployed otherwise does not print why")
	}
	d.LegalException = "《中华人民共和国保守国家秘密法》第二十四条"
	doc, _ = Build(app.Body{Kind: app.KindDeclaration, Declaration: d}, Options{})
	if text := strings.Join(doc.Text(), "\n"); !strings.Contains(text, "法律法规另有规定的依据") || !strings.Contains(text, "保守国家秘密法") {
		t.Error("the law a declaration cites for its exception is not printed")
	}
	if strings.Contains(text, "同步设计") {
		t.Error("a project not built with a fixed-asset project says it is")
	}
	d.CapitalProject = true // 武汉 第九条
	doc, _ = Build(app.Body{Kind: app.KindDeclaration, Declaration: d}, Options{})
	if text := strings.Join(doc.Text(), "\n"); !strings.Contains(text, "信息化硬件、专用设备或成套软件与固定资产投资项目同步设计、同步施工") {
		t.Error("a project built with a fixed-asset investment project does not say so on paper")
	}
	if _, err := Build(app.Body{Kind: app.KindDeclaration}, Options{}); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("a body without content: %v", err)
	}
}

func TestChineseDateIsBeijingDay(t *testing.T) {
	// 17:30 UTC on 14 March is already 15 March in Beijing.
	if got := ChineseDate(time.Date(2027, 3, 14, 17, 30, 0, 0, time.UTC)); got != "2027年3月15日" {
		t.Errorf("ChineseDate = %s", got)
	}
}

// The printed 需求清单 carries every column the clerk fills in, 频度 too
// (it was typed and left off the stamped copy).
func TestDemandListPrintsItsFrequency(t *testing.T) {
	c := apptest.Catalogue()
	c.Demands = []app.Demand{{ResourceName: "企业登记信息", Provider: "霍邱县市场监督管理局", Usage: app.UsageAPI,
		Frequency: app.UpdateDaily, Basis: "《优化营商环境条例》第三十七条", Scenario: "社区个体工商户帮办代办"}}
	doc, err := Build(app.Body{Kind: app.KindCatalogue, Catalogue: c}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range doc.Chapters {
		if ch.Title != "需求清单" {
			continue
		}
		tb := ch.Blocks[0].Table
		i := slices.Index(tb.Head, "频度")
		if i < 0 || len(tb.Rows) != 1 || tb.Rows[0][i] != "每日" || len(tb.Widths) != len(tb.Head) {
			t.Fatalf("需求清单: head %v, rows %v", tb.Head, tb.Rows)
		}
		return
	}
	t.Fatal("no 需求清单")
}

// fieldValues is the value printed beside each label of doc's fields.
func fieldValues(doc *Document) map[string]string {
	got := map[string]string{}
	for _, ch := range doc.Chapters {
		for _, b := range ch.Blocks {
			for _, f := range b.Fields {
				got[f.Label] = f.Value
			}
		}
	}
	return got
}

// Optional figures left empty print as 未填写, not as a measured zero: the
// stamped copy said 满意度 0% and 平均响应 0 毫秒 of boxes no one filled.
func TestTrialReportPrintsEmptyFiguresAsNotFilled(t *testing.T) {
	tr := &app.TrialReport{ProjectName: "城关镇智慧社区平台", TrialStart: "2027-03-01", TrialEnd: "2027-04-01"}
	tr.Performance.AvgResponseMs = 350
	doc, err := Build(app.Body{Kind: app.KindTrialReport, TrialReport: tr}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := fieldValues(doc)
	for label, want := range map[string]string{"并发用户数": app.NotFilled, "平均响应时间（毫秒）": "350", "CPU 峰值": app.NotFilled,
		"用户满意度": app.NotFilled, "培训场次": "0", "未修复高危漏洞": "0"} {
		if got[label] != want {
			t.Errorf("%s printed %q, want %q", label, got[label], want)
		}
	}
}

// A 等保 or 密码应用 level not chosen prints as 未填写, not as 未定级 (a state
// of its own, which a draft's copy claimed of an empty box).
func TestLevelNotChosenPrintsAsNotFilled(t *testing.T) {
	d := apptest.Declaration()
	d.Security.Level, d.Crypto.Level = 0, 3
	doc, err := Build(app.Body{Kind: app.KindDeclaration, Declaration: d}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := fieldValues(doc)
	if got["等级保护级别"] != app.NotFilled || got["密码应用等级"] != "第三级" {
		t.Errorf("等级保护级别 %q, 密码应用等级 %q; want %q and 第三级", got["等级保护级别"], got["密码应用等级"], app.NotFilled)
	}
}

// An item shared more strictly than its resource prints its own basis or
// condition beside its share type: the stamped copy said 不予共享 with no
// reason.
func TestItemPrintsItsOwnShareBasis(t *testing.T) {
	c := apptest.Catalogue()
	r := &c.Entries[0]
	r.ShareType = app.ShareUnconditional
	r.Items = []app.DataItem{{Name: "姓名", DataType: app.DataType("C"), Length: 50},
		{Name: "身份证号", DataType: app.DataType("C"), Length: 18, ShareType: app.ShareNone, ShareBasis: "《居民身份证法》第十九条"}}
	doc, err := Build(app.Body{Kind: app.KindCatalogue, Catalogue: c}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range doc.Chapters {
		for _, b := range ch.Blocks {
			if b.Table == nil || !slices.Contains(b.Table.Head, "信息项名称") {
				continue
			}
			rows := b.Table.Rows
			if len(rows) != 2 || rows[0][4] != "无条件共享" || rows[1][4] != "不予共享：《居民身份证法》第十九条" {
				t.Fatalf("items: %v", rows)
			}
			return
		}
	}
	t.Fatal("no items table")
}

// What the unit confirmed is printed in the profile's words on the copy it
// stamps (天宁's 本单位没有违反政务信息资源共享管理规定的情形); a declaration
// without confirmations has no such chapter.
func TestDeclarationPrintsWhatWasConfirmed(t *testing.T) {
	d := apptest.Declaration()
	doc, _ := Build(app.Body{Kind: app.KindDeclaration, Declaration: d}, Options{})
	if text := strings.Join(doc.Text(), "\n"); strings.Contains(text, "确认事项") {
		t.Error("a declaration without confirmations prints the chapter")
	}
	d.Confirmations = []string{"sharing_compliant", "gone"}
	words := map[string]string{"sharing_compliant": "本单位没有违反政务信息资源共享管理规定的情形"}
	doc, _ = Build(app.Body{Kind: app.KindDeclaration, Declaration: d}, Options{ConfirmLabel: func(id string) string {
		if w, ok := words[id]; ok {
			return w
		}
		return id
	}})
	i := slices.IndexFunc(doc.Chapters, func(c Chapter) bool { return c.Title == "确认事项" })
	if i < 0 || doc.Chapters[i+1].Title != "申报材料" {
		t.Fatalf("no 确认事项 before 申报材料: %v", doc.Chapters)
	}
	rows := doc.Chapters[i].Blocks[0].Table.Rows
	if len(rows) != 2 || rows[0][1] != words["sharing_compliant"] || rows[0][2] != "已确认" || rows[1][1] != "gone" {
		t.Errorf("confirmations printed as %v", rows)
	}
}

// 规格, 数量 and 计算依据 are printed when a budget line has them: the
// client's form has none, and a 霍邱 clerk's copy showed three columns
// always empty (a walkthrough). A line that has one brings its column back,
// right-aligned as before where it was.
func TestBudgetPrintsOnlyColumnsItHas(t *testing.T) {
	budgetOf := func(d *app.Declaration) *Table {
		doc, err := Build(app.Body{Kind: app.KindDeclaration, Declaration: d}, Options{Date: time.Date(2027, 3, 5, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range doc.Chapters {
			for _, b := range c.Blocks {
				if b.Table != nil && slices.Contains(b.Table.Head, "费用类别") {
					return b.Table
				}
			}
		}
		t.Fatal("no budget table")
		return nil
	}
	d := apptest.Declaration()
	for i := range d.Budget {
		d.Budget[i].Spec, d.Budget[i].Quantity, d.Budget[i].Basis, d.Budget[i].Domestic = "", 0, "", false
	}
	tb := budgetOf(d)
	if want := []string{"序号", "费用类别", "名称", "金额（万元）"}; !slices.Equal(tb.Head, want) {
		t.Errorf("head %v, want %v", tb.Head, want)
	}
	if len(tb.Widths) != 4 || !slices.Equal(tb.Right, []bool{false, false, false, true}) || len(tb.Rows[0]) != 4 || len(tb.Foot[0]) != 4 || tb.Foot[0][3] == "" {
		t.Errorf("widths %v, right %v, row %v, foot %v", tb.Widths, tb.Right, tb.Rows[0], tb.Foot[0])
	}
	d.Budget[1].Quantity, d.Budget[0].Basis = 30, "市场询价"
	tb = budgetOf(d)
	if want := []string{"序号", "费用类别", "名称", "数量", "金额（万元）", "计算依据"}; !slices.Equal(tb.Head, want) {
		t.Errorf("with a quantity and a basis: head %v, want %v", tb.Head, want)
	}
	if tb.Rows[1][3] != "30" || tb.Rows[0][5] != "市场询价" || !tb.Right[3] || !tb.Right[4] {
		t.Errorf("rows %v, right %v", tb.Rows, tb.Right)
	}
	// 国产/信创, ticked on one line, prints as 是 there (the client's box
	// printed nowhere).
	d.Budget[1].Domestic = true
	tb = budgetOf(d)
	if want := []string{"序号", "费用类别", "名称", "数量", "金额（万元）", "计算依据", "国产/信创"}; !slices.Equal(tb.Head, want) ||
		tb.Rows[1][6] != "是" || tb.Rows[0][6] != "" {
		t.Errorf("with a line 国产: head %v, rows %v", tb.Head, tb.Rows)
	}
}
