//go:build ci

package ui

import (
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// A requirement no clause of the regulation states is marked as the
// bureau's own wherever the panel lists it: under 六安 a new declaration's
// 缺少等级保护级别 (the 办法 asks no level at declaration) was listed under
// 按办法不能提交的原因, and the 申请报告 among the materials as the 办法's.
func TestPanelMarksTheBureausAdditions(t *testing.T) {
	x := newScreens(t, "luan", nil)
	h := x.newEditor(t, app.KindDeclaration)
	panel := h.panel()
	mark := "（" + app.AdditionNote + "）"
	var marked []string
	for _, line := range strings.Split(panel, "\n") {
		if strings.Contains(line, mark) {
			marked = append(marked, line)
		}
	}
	a := h.e.prof.EvaluateSent(h.e.decl(), x.u.Now(), time.Time{})
	want := 0
	for _, b := range a.Blockers {
		if b.Addition {
			want++
		}
	}
	for _, m := range a.Materials {
		if m.Addition {
			want++
		}
	}
	if want < 2 || len(marked) < want || !strings.Contains(strings.Join(marked, "\n"), "等级保护级别") {
		t.Errorf("%d of the bureau's additions marked, want %d:\n%s", len(marked), want, panel)
	}
	if strings.Contains(panel, "按办法不能提交的原因") {
		t.Errorf("the reasons, one of them the bureau's, are headed 按办法:\n%s", panel)
	}
}

// The acceptance application's materials are marked as the bureau's own
// where they are, in the form and in the panel beside it (六安 asks the
// 合同, which its 办法 does not).
func TestAcceptanceMarksTheBureausMaterials(t *testing.T) {
	x := newScreens(t, "luan", nil)
	h := x.newEditor(t, app.KindAcceptance)
	ae := h.acceptance()
	mark := "合同（必需）（" + app.AdditionNote + "）"
	if form := textOf(ae.checklist); !strings.Contains(form, mark) {
		t.Errorf("the form's checklist:\n%s", form)
	}
	if panel := textOf(ae.summary); !strings.Contains(panel, mark) {
		t.Errorf("the panel beside it:\n%s", panel)
	}
}

// Where the bureau's 验收通过 is the acceptance itself (六安), the panel
// beside the application says so and how the acceptance is held: a 霍邱
// clerk read 已通过验收 the minute the bureau took the application.
func TestAcceptanceSaysWhatTheBureausDecisionMeans(t *testing.T) {
	x := newScreens(t, "luan", nil)
	h := x.newEditor(t, app.KindAcceptance)
	panel := textOf(h.acceptance().summary)
	for _, want := range []string{"竣工验收结束后，市数管局作出“验收通过”或“验收不予通过”的结论", "市公管局见证"} {
		if !strings.Contains(panel, want) {
			t.Errorf("the panel does not say %q:\n%s", want, panel)
		}
	}
}

// The dossier's decisions read in English on an English screen, but the
// reviewer's name and words: 县政务和数据局审核员（审核人员）受理 was shown
// whole (found in a walkthrough).
func TestDossierDecisionsInEnglish(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := declared(t, x)
	if err := SetupLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = SetupLanguage(LangChinese) })
	x.u.Show("dossier:" + d.ID)
	x.eventually(t, "the dossier", func() bool {
		return x.u.dossier != nil && strings.Contains(textOf(x.u.dossier.body), "王审核")
	})
	for _, line := range strings.Split(textOf(x.u.dossier.body), "\n") {
		if strings.Contains(line, "王审核") && hasHan(strings.NewReplacer("王审核", "", "同意", "").Replace(line)) {
			t.Errorf("a decision reads %q", line)
		}
	}
}
