package pdf

import (
	"strings"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/paper"
	"egovdesk/assets"
)

var (
	fontsOnce sync.Once
	testFonts *Fonts
)

func fonts(t testing.TB) *Fonts {
	fontsOnce.Do(func() {
		f, err := NewFonts(assets.FontRegular, assets.FontBold, nil)
		if err != nil {
			t.Fatal(err)
		}
		testFonts = f
	})
	return testFonts
}

var sum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func declarationBody() app.Body {
	d := apptest.Declaration()
	d.SupervisingDept = "霍邱县数据资源管理局"
	d.Indicators = "事件按时办结率不低于 95%；群众满意度不低于 90%。"
	d.CurrentState = "现有“城关镇综治信息系统”（2019 年建设）将整合进本平台，原系统下线。"
	d.PlanBasis = "《霍邱县“十四五”数字政府建设规划》"
	d.OMAnnual = app.Wans(12)
	return app.Body{ID: "8d0f5a4e-1111-4c3b-9e0a-2f5d6c7b8a90", Kind: app.KindDeclaration, Revision: 2,
		RevisionID: "3f2a9c1e-77aa-4b1e-9a77-0c6d2b8e1f00", Declaration: d,
		Attachments: []app.Attachment{{Material: "feasibility", Name: "可行性研究报告.pdf", SHA256: sum, Size: 2 << 20},
			{Material: "application_report", Name: "申请报告（盖章）.pdf", SHA256: strings.Repeat("ab", 32), Size: 300 << 10}}}
}

func testOptions(code bool) Options {
	o := Options{Options: paper.Options{Date: time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)}}
	if code {
		o.Code = &app.PrintCode{RevisionID: "3f2a9c1e-77aa-4b1e-9a77-0c6d2b8e1f00", Revision: 2, BodySHA256: sum}
	}
	return o
}
