package pdf

import (
	"fmt"
	"strings"
	"testing"

	"egovdesk/app"
)

// longDeclaration is a declaration of about 40 pages: long prose in every
// section and 150 budget lines.
func longDeclaration() app.Body {
	b := declarationBody()
	d := b.Declaration
	para := strings.Repeat("本项目依托县电子政务外网和政务云，建设覆盖全镇 12 个社区的网格化管理平台，实现事件上报、分拨、督办、考核的闭环管理；"+
		"平台与县级社会治理平台、数据共享交换平台对接，按照“一数一源、一源多用”的原则汇聚人口、房屋、事件数据，提升基层治理精细化水平。", 10)
	d.Goals, d.Content, d.DataResources, d.SharingAnalysis = para, para+"\n"+para, para, para
	d.Security.Plan, d.Crypto.Summary, d.OMPlan, d.CurrentState = para, para, para, para
	d.Budget = nil
	for i := 0; i < 380; i++ {
		d.Budget = append(d.Budget, app.BudgetItem{Category: app.BudgetHardware, Name: fmt.Sprintf("移动终端（第 %d 批）", i+1),
			Spec: "国产 ARM 平板", Quantity: 4, Amount: app.Wans(1) + app.Money(i), Basis: "市场询价三家取中"})
	}
	d.TotalInvestment = d.BudgetSum()
	return b
}

// TestLongDeclarationSize keeps a 40-page declaration, fonts included,
// within 2 MB.
func TestLongDeclarationSize(t *testing.T) {
	res, err := Render(longDeclaration(), fonts(t), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages < 38 || len(res.PDF) > 2<<20 {
		t.Errorf("%d pages, %d bytes; want about 40 pages within 2 MB", res.Pages, len(res.PDF))
	}
	t.Logf("%d pages, %d bytes", res.Pages, len(res.PDF))
}

func BenchmarkRender40Pages(b *testing.B) {
	body, f := longDeclaration(), fonts(b)
	var res Result
	for b.Loop() {
		var err error
		if res, err = Render(body, f, testOptions(true)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Pages), "pages")
	b.ReportMetric(float64(len(res.PDF)), "bytes")
}
