package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// returnedWithRemarks is a declaration the bureau returned with remarks on
// 建设目标 and on a budget line, and with the approved amount of an
// earlier 初审通过 in its history.
func returnedWithRemarks(t *testing.T) *app.Filing {
	t.Helper()
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	f, err := app.NewFiling(app.KindDeclaration, "f-remarks", "r1", "u1", at)
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	f.Revision.SubmittedAt = at
	f.Status = app.StatusReturned
	f.History = []app.Transition{
		{At: at, Actor: "李梅", Role: app.RoleUnit, Action: app.ActionSubmit, From: app.StatusDraft, To: app.StatusSubmitted, RevisionID: "r1", RevisionNumber: 1},
		{At: at.Add(time.Hour), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted, To: app.StatusReturned,
			Comment: "请按逐项意见修改", RevisionID: "r1", RevisionNumber: 1, Step: "受理",
			Remarks: map[string]string{"goals": "建设目标请量化到可考核的指标", "budget[0].amount": "请附三家询价"}},
	}
	return f
}

// A returned declaration shows the reviewer's remark on 建设目标 under that
// field, labelled 审核意见 and not in the red of a problem, both read-only
// and in the revision being edited; a remark on a budget line, which has
// no line of its own, is in the banner.
func TestRemarkShownBesideTheField(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	check := func(when string) {
		t.Helper()
		l, ok := h.e.remarked["goals"]
		if !ok {
			t.Fatalf("%s: no remark under 建设目标", when)
		}
		if l.Text != "审核意见：建设目标请量化到可考核的指标" || l.Importance == widget.DangerImportance {
			t.Errorf("%s: remark %q importance %v", when, l.Text, l.Importance)
		}
		// In the field's own box, after its message line.
		h.e.jump("goals")
		msg := h.e.msgs["goals"]
		var box *fyne.Container
		walk(h.e.body.Content, func(o fyne.CanvasObject) {
			if c, ok := o.(*fyne.Container); ok {
				for _, ch := range c.Objects {
					if ch == msg {
						box = c
					}
				}
			}
		})
		if box == nil {
			t.Fatalf("%s: 建设目标's message line is not shown", when)
		}
		last := box.Objects[len(box.Objects)-1]
		if !strings.Contains(textOf(last), "审核意见：建设目标请量化到可考核的指标") {
			t.Errorf("%s: the field's box ends with %q, not the remark", when, textOf(last))
		}
		if b := textOf(h.e.banner); !strings.Contains(b, "审核意见（投资概算明细 第 1 行 · 金额）：请附三家询价") || !strings.Contains(b, "请按逐项意见修改") {
			t.Errorf("%s: banner %q", when, b)
		}
		// and that remark takes the clerk to the row's section
		var link *tapLabel
		walk(h.e.banner, func(o fyne.CanvasObject) {
			if l, ok := o.(*tapLabel); ok && strings.HasPrefix(l.Text, "审核意见（投资概算明细 第 1 行 · 金额）") {
				link = l
			}
		})
		if link == nil {
			t.Fatalf("%s: the remark on a budget row is no link", when)
		}
		h.e.showSection(0)
		test.Tap(link)
		if want := h.e.sectionOf("budget[0].amount"); h.e.current != want || want == 0 {
			t.Errorf("%s: the budget row's remark shows section %d, the row is in %d", when, h.e.current, want)
		}
		// The section list says which sections have remarks: the clerk
		// opened every one to find them.
		for path, want := range map[string]bool{"goals": true, "budget": true, "project_name": false} {
			if got := h.e.sectionLabel(h.e.sectionOf(path)); strings.HasPrefix(got, remarkMark) != want {
				t.Errorf("%s: the section of %s reads %q", when, path, got)
			}
		}
		if b := textOf(h.e.banner); !strings.Contains(b, "左侧标 ※ 的部分有逐项审核意见") {
			t.Errorf("%s: the banner does not explain the mark: %q", when, b)
		}
	}
	check("read-only")
	test.Tap(h.e.revise)
	x.eventually(t, "the revision in the editor", func() bool {
		return x.u.editor != nil && x.u.editor != h.e && x.u.editor.editable
	})
	// at the section the remark took the clerk to, not at 基本信息 (found
	// in a clerk's walkthrough)
	if was, now := h.e.current, x.u.editor.current; now != was || was == 0 {
		t.Errorf("修改后重新提交 opened section %d, the clerk was reading %d", now, was)
	}
	h = x.editor(t)
	check("revising")
}

// The timeline shows a decision's step, approved amount and remarks.
func TestTimelineShowsApprovedAndRemarks(t *testing.T) {
	tr := returnedWithRemarks(t).History[1]
	tr.Approved = app.Wans(150) + app.Wan/2
	view := transitionView(nil, app.KindDeclaration, "", tr, "", nil, nil, nil)
	got := textOf(view)
	for _, want := range []string{"审核步骤：受理", "核定金额：150.5 万元", "审核意见（建设目标）：建设目标请量化到可考核的指标", "意见：请按逐项意见修改"} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline entry lacks %q:\n%s", want, got)
		}
	}
	// A department's decision is the department's, not the bureau's:
	// 霍邱's 批复立项 is 县发改委's (found in a clerk's walkthrough).
	by := app.Transition{At: tr.At, Actor: "县发改委联审及审批员", Role: app.RoleNDRC, Action: app.ActionApprove,
		From: app.StatusExpert, To: app.StatusApproved, RevisionNumber: 1, Step: "批复立项"}
	if got := textOf(transitionView(nil, app.KindDeclaration, "", by, "", nil, nil, nil)); !strings.Contains(got, "县发改委联审及审批员（发展改革部门）") || strings.Contains(got, "数管局") {
		t.Errorf("the approval by 县发改委 reads:\n%s", got)
	}
	// With nowhere to go, not in a link's blue.
	walk(view, func(o fyne.CanvasObject) {
		if p, ok := o.(*paragraph); ok && p.Importance == widget.HighImportance {
			t.Errorf("%q is drawn as a link", p.Text)
		}
	})
}

// A remark's line in the timeline and in the inbox takes the clerk to the
// field it is on: the clerk read 审核意见（建设目标）and then had to look
// for 建设目标 section by section (found in a clerk's walkthrough). The
// step and the amount lead nowhere and are not links.
func TestRemarkLineOpensItsField(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	x.store.put(f)
	links := func(o fyne.CanvasObject) map[string]*tapLabel {
		out := map[string]*tapLabel{}
		walk(o, func(o fyne.CanvasObject) {
			if l, ok := o.(*tapLabel); ok {
				out[l.Text] = l
			}
		})
		return out
	}
	follow := func(where string, o fyne.CanvasObject) {
		t.Helper()
		ls := links(o)
		if len(ls) != 2 {
			t.Fatalf("%s: %d links, want the two remarks: %v", where, len(ls), ls)
		}
		for text := range ls {
			if !strings.HasPrefix(text, "审核意见（") {
				t.Errorf("%s: %q is a link", where, text)
			}
		}
		l := ls["审核意见（建设目标）：建设目标请量化到可考核的指标（点此转到）"]
		if l == nil {
			t.Fatalf("%s: no link for the remark on 建设目标: %v", where, ls)
		}
		x.u.ShowHome()
		x.pump()
		test.Tap(l)
		x.pump()
		h := x.editor(t)
		if h.e.f.ID != f.ID {
			t.Fatalf("%s: the editor shows %s", where, h.e.f.ID)
		}
		if want := h.e.sectionOf("goals"); h.e.current != want || want == 0 {
			t.Errorf("%s: the editor shows section %d, 建设目标 is in %d", where, h.e.current, want)
		}
	}

	x.u.OpenTimeline(f.ID)
	x.pump()
	x.eventually(t, "the timeline", func() bool { return len(links(x.u.timeline.events)) > 0 })
	follow("timeline", x.u.timeline.events)

	s := newInboxScreen(x.u)
	s.show(app.Message{ID: "m1", Kind: app.MessageDecision, FilingID: f.ID, FilingTitle: f.Title(), Decision: &f.History[1], At: f.History[1].At})
	follow("inbox", s.detail)
}

// A department's 联审同意 leaves the filing 专家论证中: its inbox entry says
// who agreed, not "专家论证中（原状态：专家论证中）" four times over.
func TestInboxNamesAJointReviewersConcurrence(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	tr := app.Transition{At: x.u.Now(), Actor: "钱财政", Role: app.RoleFinance, Action: app.ActionConcur,
		From: app.StatusExpert, To: app.StatusExpert, RevisionNumber: 1}
	m := app.Message{ID: "m1", Kind: app.MessageDecision, FilingID: "f1", FilingTitle: "城关镇智慧社区管理平台", Decision: &tr, At: tr.At}
	// not 财政部门·联审联审同意 (found by a newcomer following the README)
	if h := headline(nil, m, ""); h != "城关镇智慧社区管理平台：财政部门联审同意" {
		t.Errorf("headline %q", h)
	}
	s := newInboxScreen(x.u)
	s.show(m)
	got := textOf(s.detail)
	if strings.Contains(got, "原状态") || !strings.Contains(got, app.ActionConcur.Label()+"，材料仍为“"+app.StatusExpert.Label()+"”") {
		t.Errorf("inbox entry:\n%s", got)
	}
}

// A field the clerk is taken to (a remark's link, the problem list) has
// its caret after its text, to add to it: at the start, the answer to a
// remark went before the text (found typing in the real window).
func TestJumpPutsTheCaretAfterTheText(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	long := strings.Repeat("建成覆盖全镇的智慧社区管理平台，", 12) // wraps in its box
	f.Declaration.Goals = long + "\n事件处置时限缩短 30%"
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	test.Tap(h.e.revise)
	x.eventually(t, "the revision in the editor", func() bool {
		return x.u.editor != nil && x.u.editor != h.e && x.u.editor.editable
	})
	h = x.editor(t)
	h.e.jump("goals")
	x.pump()
	focused := x.w.Canvas().Focused()
	if focused == nil {
		t.Fatal("建设目标 has no keyboard")
	}
	test.Type(focused, "，覆盖社区数 12 个")
	if got, want := h.e.f.Declaration.Goals, long+"\n事件处置时限缩短 30%，覆盖社区数 12 个"; got != want {
		t.Errorf("建设目标 reads %q, want %q", got, want)
	}
}

// A remark written on a row of the returned revision follows its row in
// the revision being made: once the clerk takes out the row above it, the
// link names the row as it is numbered now (and as it was) and leads
// there, not to the row that took its number; a remark on the row taken
// out says so and leads nowhere. It holds after the editor is opened
// again, and from the timeline's link. The console places the same
// remarks by the same moves (app.RowMoves).
func TestRowRemarkFollowsItsRow(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	f.History[1].Remarks = map[string]string{"budget[0]": "软件开发费请拆分", "budget[2].amount": "请附监理取费依据"}
	h := revising(t, x, f)
	remarkLinks := func() map[string]*tapLabel {
		out := map[string]*tapLabel{}
		walk(h.e.banner, func(o fyne.CanvasObject) {
			if l, ok := o.(*tapLabel); ok && strings.HasPrefix(l.Text, "审核意见") {
				out[l.Text] = l
			}
		})
		return out
	}
	const before = "审核意见（投资概算明细 第 3 行 · 金额）：请附监理取费依据（点此转到）"
	if remarkLinks()[before] == nil {
		t.Fatalf("before any change: %v", remarkLinks())
	}

	// 删除 on the first budget row (平台软件开发), and confirm.
	var del *widget.Button
	walk(h.e.budgetBox.Objects[0], func(o fyne.CanvasObject) {
		if b := buttonOf(o); b != nil && b.Text == "删除" && del == nil {
			del = b
		}
	})
	if del == nil {
		t.Fatal("no 删除 on the first budget row")
	}
	test.Tap(del)
	x.tapDialogButton(t, "Yes", "是")
	const after = "审核意见（投资概算明细 第 2 行 · 金额，退回时为第 3 行）：请附监理取费依据（点此转到）"
	x.eventually(t, "the remark following its row", func() bool { return remarkLinks()[after] != nil })
	if got := remarkLinks(); len(got) != 1 {
		t.Errorf("links after the row was taken out: %v", got)
	}
	if b := textOf(h.e.banner); !strings.Contains(b, "审核意见（投资概算明细 第 1 行，退回时的这一行已删除）：软件开发费请拆分") {
		t.Errorf("the remark on the row taken out:\n%s", b)
	}
	x.w.Canvas().Focus(nil)
	test.Tap(remarkLinks()[after])
	x.pump()
	if got := x.w.Canvas().Focused(); got != h.entry("budget[1].amount") {
		t.Errorf("the remark led to %T, not to 工程监理's amount (now row 2)", got)
	}

	// Stored, left and opened again: the moves are read from the bodies.
	x.saved(t, "the row taken out", func(s *app.Filing) bool { return len(s.Declaration.Budget) == 5 })
	x.u.ShowHome()
	x.pump()
	x.u.OpenFiling(f.ID)
	x.pump()
	h = x.editor(t)
	x.eventually(t, "the remark following its row, opened again", func() bool { return remarkLinks()[after] != nil })
	// The timeline's link of the same remark goes to the row too, and
	// the link of the remark on the row taken out to no other row.
	x.u.OpenRemark(f.ID, "r1", "budget[2].amount")
	x.pump()
	h = x.editor(t)
	if got := x.w.Canvas().Focused(); got != h.entry("budget[1].amount") {
		t.Errorf("the timeline's link led to %T, not to 工程监理's amount", got)
	}
	x.u.OpenRemark(f.ID, "r1", "budget[0]")
	x.pump()
	if got := x.w.Canvas().Focused(); got != nil {
		t.Errorf("the link of the row taken out gave the keyboard to %T", got)
	}
	if d := x.dialogText(); !strings.Contains(d, "这条审核意见所在的行（投资概算明细 第 1 行）此后已删除") {
		t.Errorf("the link of the row taken out says %q", d)
	}
	x.tapDialogButton(t, "OK", "确定", "好")

	// Submitted, returned again and revised: a link of the first return
	// in the timeline follows its row from revision 1 to revision 3.
	if err := x.store.Submit(context.Background(), f.ID, "李梅", x.u.Now()); err != nil {
		t.Fatal(err)
	}
	g := x.store.stored(f.ID)
	g.Status = app.StatusReturned
	g.History = append(g.History, app.Transition{At: x.u.Now(), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn,
		From: app.StatusSubmitted, To: app.StatusReturned, RevisionID: g.Revision.ID, RevisionNumber: 2})
	if err := g.Revise("r3", x.u.Now()); err != nil {
		t.Fatal(err)
	}
	g.Declaration.Budget = slices.Delete(g.Declaration.Budget, 0, 1) // 移动终端 out: 工程监理 is row 1
	x.store.put(g)
	x.u.OpenRemark(f.ID, "r1", "budget[2].amount")
	x.pump()
	h = x.editor(t)
	if got := x.w.Canvas().Focused(); got != h.entry("budget[0].amount") {
		t.Errorf("the first return's link on revision 3 led to %T, not to 工程监理's amount (row 1)", got)
	}
}

// A filing 县发改委 approved says so when opened, not that the bureau
// decided (found in a clerk's walkthrough).
func TestReadOnlyBannerNamesTheDepartmentThatDecided(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	f.Status = app.StatusApproved
	f.History = append(f.History[:1], app.Transition{At: f.History[0].At.Add(time.Hour), Actor: "县发改委联审及审批员", Role: app.RoleNDRC,
		Action: app.ActionApprove, From: app.StatusExpert, To: app.StatusApproved, RevisionID: "r1", RevisionNumber: 1, Step: "批复立项",
		Comment: "同意立项，核定投资 36 万元。"})
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	// and what it said with it, as a return's banner does
	if b := textOf(x.editor(t).e.banner); !strings.Contains(b, "只读 · 发展改革部门已作出决定：已批复") ||
		!strings.Contains(b, "决定意见（县发改委联审及审批员）：同意立项，核定投资 36 万元。") {
		t.Errorf("banner %q", b)
	}
}

// A remark on an item of a catalogue resource that moved (a resource
// taken out above it) names the item as it is now and as it was written,
// the resource's old number with it: "信息项 第 1 行，退回时为第 2 行" named
// the resource's old number as the item's (found in review).
func TestNestedRowRemarkNamesItsOldPlace(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	at := x.u.Now().Add(-time.Hour)
	f, err := app.NewFiling(app.KindCatalogue, "f-nested", "r1", "u1", at)
	if err != nil {
		t.Fatal(err)
	}
	res := func(seq, name string) app.Resource {
		return app.Resource{Category: "101001", Sequence: seq, Name: name, Items: []app.DataItem{{Name: name + "编号"}}}
	}
	f.Catalogue.Entries = []app.Resource{res("000001", "人口"), res("000002", "法人")}
	f.Revision.SubmittedAt, f.Status = at, app.StatusReturned
	const p = "entries[1].items[0].name"
	f.History = []app.Transition{
		{At: at, Role: app.RoleUnit, Action: app.ActionSubmit, From: app.StatusDraft, To: app.StatusSubmitted, RevisionID: "r1", RevisionNumber: 1},
		{At: at, Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted, To: app.StatusReturned,
			RevisionID: "r1", RevisionNumber: 1, Remarks: map[string]string{p: "信息项名称请写全"}},
	}
	h := revising(t, x, f)
	h.e.f.Catalogue.Entries = h.e.f.Catalogue.Entries[1:] // 人口 taken out: 法人 is resource 1
	h.e.edited()
	want := remarkField(app.KindCatalogue, "entries[0].items[0].name") + "，退回时为" + remarkField(app.KindCatalogue, p)
	x.eventually(t, "the remark naming the item's old place", func() bool { return strings.Contains(textOf(h.e.banner), want) })
}

// revising stores f, a returned filing, opens it, taps 修改后重新提交 and
// returns the editor of the revision.
func revising(t *testing.T, x *screenFixture, f *app.Filing) *probe {
	t.Helper()
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	test.Tap(x.editor(t).e.revise)
	x.eventually(t, "the revision in the editor", func() bool { return x.u.editor != nil && x.u.editor.editable })
	return x.editor(t)
}

// A remark's link in a read-only filing outlines the field it leads to,
// which takes no keyboard to show where it is: it scrolled to a budget
// line among many and marked none. The outline follows its field when the
// window is resized; the revision being edited has the keyboard's own.
func TestReadOnlyLinkOutlinesItsField(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	for len(f.Declaration.Budget) < 12 {
		f.Declaration.Budget = append(f.Declaration.Budget, f.Declaration.Budget[0])
	}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	if h.e.editable {
		t.Fatal("a returned filing opens for editing before 修改")
	}
	outlined := func(path string) {
		t.Helper()
		m := h.e.marked
		if m == nil || !m.Visible() {
			t.Fatalf("%s: nothing marked", path)
		}
		target, _ := lookup(h.e.targets, path)
		pos, ok := offsetIn(h.e.shown, target)
		if !ok || m.Position().Y > pos.Y || m.Position().Y+m.Size().Height < pos.Y+target.Size().Height || m.Size().Width < target.Size().Width {
			t.Errorf("%s: the outline at %v %v does not go round the field at %v %v", path, m.Position(), m.Size(), pos, target.Size())
		}
	}
	outlines := func(path string) {
		t.Helper()
		h.e.jump(path)
		x.pump()
		outlined(path)
	}
	outlines("budget[9].amount")
	before := h.e.marked.Size()
	x.w.Resize(x.w.Canvas().Size().SubtractWidthHeight(300, 0))
	x.pump()
	if h.e.marked.Size() == before {
		t.Errorf("the outline kept its size %v in a narrower window", before)
	}
	outlined("budget[9].amount")
	outlines("goals")

	h = revising(t, x, f)
	h.e.jump("goals")
	x.pump()
	if h.e.marked != nil {
		t.Error("the revision being edited is outlined as well as focused")
	}
}

// A reviewer's remark on 确认事项 (the console gives it a remark box: 请核实
// 本单位…) is shown in that section, under the items, as at any field.
func TestRemarkOnTheConfirmations(t *testing.T) {
	x := newScreens(t, "tianning", nil)
	f := returnedWithRemarks(t)
	f.History[1].Remarks = map[string]string{"confirmations": "请核实本单位是否存在违反共享管理规定的情形"}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	l, ok := h.e.remarked["confirmations"]
	if !ok || !strings.Contains(l.Text, "请核实本单位") {
		t.Fatalf("no remark at 确认事项: %v", h.e.remarked)
	}
	h.e.jump("confirmations")
	if !strings.Contains(textOf(h.e.body.Content), "审核意见：请核实本单位") {
		t.Errorf("the remark is not in 确认事项's section")
	}
	if b := textOf(h.e.banner); strings.Contains(b, "审核意见（确认事项）") {
		t.Errorf("the remark is in the banner too: %q", b)
	}
}

// A remark on a checkbox (接入共享交换平台) is under the box, as under a
// text field; it was only a link in the banner, which led to the box
// without it (found in a walkthrough).
func TestRemarkUnderACheckbox(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	f.History[1].Remarks = map[string]string{"shares_data": "请接入县政务数据共享交换平台"}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	if _, ok := h.e.remarked["shares_data"]; !ok {
		t.Fatal("no remark under the checkbox")
	}
	if b := textOf(h.e.banner); strings.Contains(b, "请接入县政务数据共享交换平台") {
		t.Errorf("the remark is in the banner too: %q", b)
	}
}

// A revision the bureau has acted on does not say 已送达 beside its state:
// 退回修改 · 第 1 版 · 已送达, in green, read as the returned revision sent
// again (found in a clerk's walkthrough). While it waits at the bureau it
// does.
func TestDecidedRevisionDoesNotSayDelivered(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f := returnedWithRemarks(t)
	x.store.put(f)
	x.store.mu.Lock()
	x.store.send[f.ID] = app.Send{State: app.SendSent}
	x.store.mu.Unlock()
	x.u.OpenFiling(f.ID)
	x.pump()
	e := x.editor(t).e
	x.eventually(t, "the state line", func() bool { return e.status.Text != "" })
	if line := e.status.Text + e.send.Text; strings.Contains(line, "已送达") || !strings.Contains(line, "退回修改") {
		t.Errorf("a returned revision's state line reads %q", line)
	}
	x.u.OpenTimeline(f.ID)
	x.pump()
	tl := x.u.timeline
	x.eventually(t, "进度与批复's state line", func() bool { return strings.Contains(tl.state.Text, "退回修改") })
	if strings.Contains(tl.state.Text, "已送达") {
		t.Errorf("进度与批复 of a returned revision reads %q", tl.state.Text)
	}
}
