package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// timelineScreen is the history of one filing: every submitted revision and
// every decision with the reviewer's comment, newest first. A filing returned
// for revision offers 修改后重新提交.
type timelineScreen struct {
	u *UI

	title  *widget.Label
	state  *widget.Label
	events *fyne.Container
	revise *Button
	edit   *Button
	obj    fyne.CanvasObject

	// state, on the Fyne thread
	id    string
	f     *app.Filing
	shown bool
}

func newTimelineScreen(u *UI) *timelineScreen {
	t := &timelineScreen{u: u,
		title:  &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Truncation: fyne.TextTruncateEllipsis},
		state:  &widget.Label{},
		events: container.NewVBox(),
	}
	t.revise = newButton(&Button{Button: widget.Button{Text: T("修改后重新提交"), Icon: theme.DocumentCreateIcon(), Importance: widget.HighImportance, OnTapped: t.onRevise}})
	t.edit = newButton(&Button{Button: widget.Button{Text: T("打开申报书"), Icon: theme.DocumentIcon(), OnTapped: func() { u.OpenFiling(t.id) }}})
	back := newButton(&Button{Button: widget.Button{Text: T("返回列表"), Icon: theme.NavigateBackIcon(), OnTapped: u.ShowHome}})
	// The buttons in a VBox keep their height, as the dossier's: the
	// border stretched them to the title's and state's two lines (80 px).
	header := container.NewBorder(nil, nil, nil, container.NewVBox(container.NewHBox(back, t.edit, t.revise)), container.NewVBox(t.title, t.state))
	t.obj = container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewPadded(t.events)))
	return t
}

func (t *timelineScreen) object() fyne.CanvasObject { return t.obj }

func (t *timelineScreen) open(id string) {
	t.id, t.shown = id, true
	// Nothing of the filing shown before shows while this one is read.
	t.title.SetText(T("正在读取…"))
	t.state.SetText("")
	t.events.RemoveAll()
	t.revise.Hide()
	t.edit.Hide()
	t.reload()
}

func (t *timelineScreen) reloadIfShown() {
	if t.shown {
		t.reload()
	}
}

// reload reads the filing, its revisions and its send state off the Fyne
// thread and shows them, unless another filing was opened meanwhile.
func (t *timelineScreen) reload() {
	id := t.id
	t.u.goWait(func(ctx context.Context) {
		f, err := t.u.store.Get(ctx, id)
		var (
			revs []app.RevisionInfo
			send app.Send
		)
		if err == nil {
			revs, _ = t.u.store.Revisions(ctx, id)
			send, _ = t.u.store.Send(ctx, id)
			// The decisions and their comments are read here: their
			// inbox entries stayed unread, one more each step of a
			// review (a 霍邱 walkthrough).
			if _, merr := t.u.store.MarkAllRead(ctx, id); merr != nil {
				fyne.LogError("mark the filing's messages read", merr)
			}
		}
		t.u.do(func() {
			if t.id == id && t.shown {
				t.show(f, revs, send, err)
			}
		})
	})
}

// show shows what reload read.
func (t *timelineScreen) show(f *app.Filing, revs []app.RevisionInfo, send app.Send, err error) {
	if err != nil {
		t.title.SetText(errorText(err))
		t.events.RemoveAll()
		return
	}
	t.f = f
	title := shownTitle(t.u.link.Profile(), f.Kind, f.Title())
	if title == "" {
		title = T("（未命名）")
	}
	t.title.SetText(title + " · " + T("进度与批复"))
	state := Tf("%s · %s · 当前第 %d 版", t.u.kindName(f.Kind), t.u.link.Profile().StatusOn(f.Status, f.Kind, t.u.link.Profile().RouteOf(f)), f.Revision.Number)
	if w := sendWord(send, f.Status); w != "" {
		state += " · " + w
	}
	t.state.SetText(state)
	if f.Status.Reopened() && f.Revision.Submitted() {
		t.revise.Show()
	} else {
		t.revise.Hide()
	}
	if f.Kind == app.KindDeclaration {
		t.edit.Show()
	} else {
		t.edit.Hide()
	}

	hashes := map[string]string{}
	receipts := map[string]*app.ReceiptProof{}
	for _, r := range revs {
		hashes[r.Revision.ID] = r.BodyHash
		receipts[r.Revision.ID] = r.Receipt
	}
	history := append([]app.Transition(nil), f.History...)
	sort.SliceStable(history, func(i, j int) bool { return history[i].At.After(history[j].At) })
	t.events.RemoveAll()
	if !f.Revision.Submitted() {
		t.events.Add(event(time.Time{}, fmt.Sprintf(T("第 %d 版 · 正在修改（草稿，未提交）"), f.Revision.Number), "", "", "", widget.MediumImportance))
	}
	route := t.u.link.Profile().RouteOf(f)
	for _, h := range history {
		t.events.Add(transitionView(t.u.link.Profile(), f.Kind, route, h, hashes[h.RevisionID], receipts[h.RevisionID], t.saveReceipt, func(path string) { t.u.OpenRemark(f.ID, h.RevisionID, path) }))
	}
	if len(history) == 0 {
		t.events.Add(note(Tf("还没有提交过。提交后，%s的每个决定和审核意见都会显示在这里。", t.u.bureau())))
	}
}

// transitionView shows one move of the filing: when, who, what and why; a
// submission also its check code and, when the bureau's receipt was kept
// (rc), whether its SM2 signature verified and the SM3 the bureau computed,
// with a button that calls save to keep the receipt in a file (none when
// save is nil). route is the filing's (app.Profile.RouteOf), which names a
// refusal.
func transitionView(prof *app.Profile, k app.Kind, route string, h app.Transition, hash string, rc *app.ReceiptProof, save func(*app.ReceiptProof), open func(path string)) fyne.CanvasObject {
	what := Tf("第 %d 版 · %s（原为%s）", h.RevisionNumber, prof.StatusOn(h.To, k, route), prof.StatusOn(h.From, k, route))
	switch {
	case h.Action == app.ActionSubmit:
		what = fmt.Sprintf(T("第 %d 版 · 提交"), h.RevisionNumber)
	case h.Action == app.ActionConcur:
		what = fmt.Sprintf(T("第 %d 版 · 联审同意（%s）"), h.RevisionNumber, h.From.Label())
	case h.Action == app.ActionWithdraw:
		what = Tf("第 %d 版 · 已从%s撤回（尚未受理）", h.RevisionNumber, prof.BureauShort())
	}
	who := h.Actor
	switch {
	case h.Role == app.RoleUnit:
		who += T("（本单位）")
	case who == "":
	case h.Role == app.RoleFinance || h.Role == app.RoleNDRC || h.Role == app.RoleCrypto:
		// a department of the joint review, or 霍邱's 发改委 at 批复立项:
		// not the bureau (found in a clerk's walkthrough)
		who += "（" + T(h.Role.Department()) + "）"
	default:
		who += Tf("（%s）", prof.BureauShort())
	}
	extra := ""
	if hash != "" && h.Action == app.ActionSubmit {
		// The digest as a short code a clerk can read out over the phone
		// to check that the bureau holds what was sent, not as a hash.
		extra = Tf("校验码 %s（与%s核对所收内容时使用）", strings.ToUpper(hash[:4]+"-"+hash[4:8]), prof.BureauShort())
		extra += receiptLine(rc)
	}
	imp := widget.MediumImportance
	switch h.To {
	case app.StatusReturned:
		imp = widget.WarningImportance
	case app.StatusRejected:
		imp = widget.DangerImportance
	case app.StatusApproved, app.StatusFiled:
		imp = widget.SuccessImportance
	}
	comment, lines := h.Comment, decisionLines(k, h, open)
	if h.Action == app.ActionWithdraw && comment != "" {
		// The unit's reason, not a reviewer's 意见, wrapped as a comment
		// is: in the bold heading a long one widened the window past the
		// screen (found in a walkthrough).
		lines = append([]fyne.CanvasObject{&paragraph{Text: T("撤回原因：") + comment, Importance: imp}}, lines...)
		comment = ""
	}
	box := event(h.At, what, who, comment, extra, imp, lines...)
	if c, ok := box.(*fyne.Container); ok && save != nil && rc != nil && h.Action == app.ActionSubmit && len(c.Objects) > 0 {
		btn := newButton(&Button{Button: widget.Button{Text: T("保存签名回执…"), Importance: widget.LowImportance, OnTapped: func() { save(rc) }}})
		sep := c.Objects[len(c.Objects)-1]
		c.Objects = append(c.Objects[:len(c.Objects)-1], container.NewHBox(btn), sep)
	}
	return box
}

// filterReceipt is the file type of a saved receipt.
var filterReceipt = FileFilter{Name: "回执文件（.json）", Exts: []string{".json"}}

// saveReceipt writes the bureau's receipt rc, as received, to a file the
// clerk chooses: with the bureau's public key, anyone can check it
// (bureau receipt verify), which proves what the bureau acknowledged.
func (t *timelineScreen) saveReceipt(rc *app.ReceiptProof) {
	u := t.u
	name := fmt.Sprintf(T("数管局回执-第%d版"), rc.Revision) + ".json" // a file name: not a sentence (Tf would capitalise it)
	u.saveFile("保存签名回执", name, filterReceipt, func(path string) {
		var b bytes.Buffer
		if err := json.Indent(&b, rc.Receipt, "", "  "); err != nil {
			b.Reset()
			b.Write(rc.Receipt)
		}
		b.WriteByte('\n')
		u.goWait(func(context.Context) {
			err := os.WriteFile(path, b.Bytes(), 0o644)
			u.do(func() {
				if err != nil {
					u.showError(fmt.Errorf(T("回执未能保存：%w"), err))
					return
				}
				showMessage(T("回执已保存"), Tf("已把%s对第 %d 版的签名回执保存到\n%s\n\n凭此文件和回执签名公钥，可以证明对方收到了哪一版内容、何时收到（可用 bureau receipt verify 核验）。", u.bureau(), rc.Revision, filepath.Clean(path)), u.win)
			})
		})
	})
}

// event lays out one timeline entry.
// Lines are what a decision carries besides its comment (decisionLines).
func event(at time.Time, what, who, comment, extra string, imp widget.Importance, lines ...fyne.CanvasObject) fyne.CanvasObject {
	when := T("现在")
	if !at.IsZero() {
		when = at.Local().Format("2006-01-02 15:04")
	}
	box := container.NewVBox(
		container.NewHBox(&widget.Label{Text: when, Importance: widget.LowImportance},
			&widget.Label{Text: what, TextStyle: fyne.TextStyle{Bold: true}, Importance: imp},
			&widget.Label{Text: who}),
	)
	if comment != "" {
		box.Add(&paragraph{Text: T("意见：") + comment, Importance: imp})
	}
	for _, l := range lines {
		box.Add(l)
	}
	if extra != "" {
		box.Add(note(extra))
	}
	box.Add(widget.NewSeparator())
	return box
}

// onRevise makes the next revision of the returned filing and opens it.
func (t *timelineScreen) onRevise() {
	if t.f == nil {
		return
	}
	t.u.revise(t.f, t.revise)
}

// revise makes a new editable revision of returned (or withdrawn) filing f off the Fyne
// thread and opens it in the editor; btn is disabled meanwhile.
func (u *UI) revise(f *app.Filing, btn *Button) {
	c, err := copyFiling(f)
	if err == nil {
		err = c.Revise(newID(), u.now())
	}
	if err != nil {
		u.showError(err)
		return
	}
	btn.Disable()
	old := u.editor // the returned revision's, when revised from it
	u.goWait(func(ctx context.Context) {
		err := u.store.Save(ctx, c)
		if err == nil {
			// The clerk answers what the bureau said: it is read (the
			// list and 收件箱 still counted the return unread after the
			// revision was sent; a 天宁 walkthrough).
			if _, merr := u.store.MarkAllRead(ctx, f.ID); merr != nil {
				fyne.LogError("mark the filing's decisions read", merr)
			}
		}
		u.do(func() {
			btn.Enable()
			if err != nil {
				u.showError(err)
				return
			}
			u.openEditor(c, false)
			if old != nil && u.editor != nil && u.editor != old {
				// At the section the clerk was reading, often the one a
				// remark took them to: the new revision opened at 基本信息
				// (found in a clerk's walkthrough).
				u.editor.keepPlace(old)
			}
		})
	})
}

// receiptLine is what the timeline says of a kept receipt, on a line of its
// own: verified with its SM3 (the first 16 digits, grouped as the check
// code is), or why it was not verified; nothing without a receipt.
func receiptLine(rc *app.ReceiptProof) string {
	switch {
	case rc == nil:
		return ""
	case rc.Verified && len(rc.BodySM3) >= 16:
		sm := strings.ToUpper(rc.BodySM3)
		return "\n" + Tf("回执已验签（SM2），SM3 摘要 %s", sm[:4]+"-"+sm[4:8]+"-"+sm[8:12]+"-"+sm[12:16])
	case rc.Verified:
		return "\n" + T("回执已验签（SM2）")
	}
	return "\n⚠ " + T(rc.Problem)
}
