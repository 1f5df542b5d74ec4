package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// inboxScreen lists the bureau's decisions and notices, unread ones marked;
// opening one shows the filing, the decision and the reviewer's comment and
// marks it read.
type inboxScreen struct {
	u *UI

	list    *enterList
	allRead *Button // 全部标为已读, while any is unread
	detail  *fyne.Container
	empty   *paragraph
	obj     fyne.CanvasObject

	// state, on the Fyne thread
	msgs     []app.Message
	routes   map[string]string // of the refused declarations among msgs' filings (refusedRoutes)
	selected string
	shown    bool
	// opened: the clerk just opened the inbox; the next reload shows the
	// newest unread message, not the one read last time (the new one sat
	// above, scrolled out of sight; found in a walkthrough).
	opened bool
}

func newInboxScreen(u *UI) *inboxScreen {
	s := &inboxScreen{u: u, detail: container.NewVBox(), empty: note("")}
	s.list = &enterList{List: widget.List{
		Length: func() int { return len(s.msgs) },
		CreateItem: func() fyne.CanvasObject {
			return container.NewVBox(&widget.Label{Truncation: fyne.TextTruncateEllipsis},
				&widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis})
		},
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.msgs) {
				return
			}
			m := s.msgs[i]
			c := o.(*fyne.Container)
			title := c.Objects[0].(*widget.Label)
			title.SetText(headline(s.u.link.Profile(), m, s.routes[m.FilingID]))
			title.TextStyle = fyne.TextStyle{Bold: !m.Read}
			title.Refresh()
			read := T("已读")
			if !m.Read {
				read = "● " + T("未读")
			}
			c.Objects[1].(*widget.Label).SetText(read + " · " + m.At.Local().Format("2006-01-02 15:04"))
		},
		OnSelected: s.onSelected,
	}}
	s.list.ExtendBaseWidget(s.list)
	s.allRead = newButton(&Button{Button: widget.Button{Text: T("全部标为已读"), Icon: theme.ConfirmIcon(), Importance: widget.LowImportance, OnTapped: s.onAllRead}})
	s.allRead.Disable()
	left := container.NewBorder(container.NewBorder(nil, nil, nil, s.allRead, heading(T("收件箱"))), s.empty, nil, nil, s.list)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.4
	s.obj = container.NewPadded(split)
	return s
}

func (s *inboxScreen) object() fyne.CanvasObject { return s.obj }

func (s *inboxScreen) reloadIfShown() {
	if s.shown {
		s.reload()
	}
}

// reload reads the inbox off the Fyne thread and shows it.
func (s *inboxScreen) reload() {
	s.u.goWait(func(ctx context.Context) {
		msgs, err := s.u.store.Inbox(ctx)
		var refused []string
		for _, m := range msgs {
			if m.FilingKind == app.KindDeclaration && m.Decision != nil && m.Decision.To == app.StatusRejected {
				refused = append(refused, m.FilingID)
			}
		}
		routes := refusedRoutes(ctx, s.u.store, s.u.link.Profile(), refused)
		s.u.do(func() {
			if s.shown {
				s.routes = routes
				s.showAll(msgs, err)
			}
		})
	})
}

// showAll shows what reload read.
func (s *inboxScreen) showAll(msgs []app.Message, err error) {
	if err != nil {
		s.empty.SetText(errorText(err))
		return
	}
	s.msgs = msgs
	s.list.Refresh()
	if slices.ContainsFunc(msgs, func(m app.Message) bool { return !m.Read }) {
		s.allRead.Enable()
	} else {
		s.allRead.Disable()
	}
	if len(msgs) == 0 {
		s.empty.SetText(Tf("还没有消息。%s的每个决定都会出现在这里，并弹出桌面通知。", s.u.bureau()))
		s.detail.RemoveAll()
	} else {
		s.empty.SetText(fmt.Sprintf(T("共 %d 条"), len(msgs)))
	}
	if s.opened {
		s.opened = false
		for i, m := range msgs {
			if !m.Read {
				s.list.ScrollTo(i)
				// The list keeps the row selected by its number: the
				// message read last time was row 0 too, and selecting
				// row 0 again did nothing.
				s.list.UnselectAll()
				s.list.Select(i) // shows it and marks it read (onSelected)
				return
			}
		}
	}
	for i, m := range msgs {
		if m.ID == s.selected {
			s.show(m)
			s.list.Select(i)
			return
		}
	}
}

func (s *inboxScreen) onSelected(i widget.ListItemID) {
	if i >= len(s.msgs) {
		return
	}
	m := s.msgs[i]
	if s.selected == m.ID {
		return
	}
	s.selected = m.ID
	s.show(m)
	if !m.Read {
		id := m.ID
		s.u.goWait(func(ctx context.Context) {
			if err := s.u.store.MarkRead(ctx, id); err != nil {
				fyne.LogError("mark read", err)
			}
		})
	}
}

// onAllRead marks every entry read: a clerk whose project went through
// 受理, 初审, three departments' 联审 and 批复 had six unread entries of
// it, and 21 in all, to open one by one (a 霍邱 walkthrough). The store's
// change reloads the list and the counts.
func (s *inboxScreen) onAllRead() {
	s.allRead.Disable()
	s.u.goWait(func(ctx context.Context) {
		if _, err := s.u.store.MarkAllRead(ctx, ""); err != nil {
			s.u.do(func() { s.u.showError(err) })
		}
		s.u.do(s.reloadIfShown)
	})
}

// show shows one entry: the filing, the decision and the comment.
func (s *inboxScreen) show(m app.Message) {
	s.detail.RemoveAll()
	s.detail.Add(&paragraph{Text: headline(s.u.link.Profile(), m, s.routes[m.FilingID]), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText})
	s.detail.Add(note(m.At.Local().Format("2006-01-02 15:04")))
	if d := m.Decision; d != nil {
		imp := widget.MediumImportance
		switch d.To {
		case app.StatusReturned:
			imp = widget.WarningImportance
		case app.StatusRejected:
			imp = widget.DangerImportance
		case app.StatusApproved, app.StatusFiled:
			imp = widget.SuccessImportance
		}
		prof, k, route := s.u.link.Profile(), m.FilingKind, s.routes[m.FilingID]
		what := Tf("决定：%s（原状态：%s）", T(prof.StatusOn(d.To, k, route)), T(prof.StatusLabel(d.From, k)))
		if d.From == d.To { // a step within a state: a department's 联审同意
			what = Tf("%s：%s，材料仍为“%s”", T(d.Role.Label()), T(d.Action.Label()), T(prof.StatusLabel(d.To, k)))
		}
		who, heads, none := T("审核人：%s · 第 %d 版"), T("审核意见"), T("（无审核意见）")
		if d.Role == app.RoleUnit { // the unit's own withdrawal
			what = Tf("本单位已从%s撤回（原状态：%s）", prof.BureauShort(), T(prof.StatusLabel(d.From, k)))
			who, heads, none = T("撤回人：%s · 第 %d 版"), T("撤回原因"), T("（没有写原因）")
		}
		s.detail.Add(&widget.Label{Text: what, Importance: imp, TextStyle: fyne.TextStyle{Bold: true}})
		s.detail.Add(&widget.Label{Text: fmt.Sprintf(who, d.Actor, d.RevisionNumber)})
		comment := d.Comment
		if comment == "" {
			comment = none
		}
		s.detail.Add(heading(heads))
		s.detail.Add(&paragraph{Text: comment})
		var open func(string)
		if id := m.FilingID; id != "" {
			open = func(path string) { s.u.OpenRemark(id, d.RevisionID, path) }
		}
		for _, l := range decisionLines(m.FilingKind, *d, open) { // step, 核定 amount, remarks on fields ("" kind: a declaration's)
			s.detail.Add(l)
		}
		if m.Stale {
			s.detail.Add(note(T("这条决定针对的是较早的版本；您之后的修改不受影响。")))
		}
	} else if m.Body != "" {
		s.detail.Add(&paragraph{Text: m.Body})
	}
	if m.FilingID != "" && strings.HasPrefix(m.ID, app.DraftDeletedPrefix) {
		// A draft deleted on another machine, in this one's trash.
		id := m.FilingID
		s.detail.Add(container.NewHBox(
			newButton(&Button{Button: widget.Button{Text: T("恢复草稿"), Icon: theme.ContentUndoIcon(), Importance: widget.HighImportance, OnTapped: func() { s.restoreDraft(id) }}})))
	} else if m.FilingID != "" {
		id := m.FilingID
		s.detail.Add(container.NewHBox(
			newButton(&Button{Button: widget.Button{Text: T("打开材料"), Icon: theme.DocumentIcon(), Importance: widget.HighImportance, OnTapped: func() { s.u.OpenFiling(id) }}}),
			newButton(&Button{Button: widget.Button{Text: T("进度与批复"), Icon: theme.HistoryIcon(), OnTapped: func() { s.u.OpenTimeline(id) }}}),
		))
	}
}

// restoreDraft takes draft id back out of the trash and opens it; one
// taken back already is opened.
func (s *inboxScreen) restoreDraft(id string) {
	s.u.goWait(func(ctx context.Context) {
		err := s.u.store.RestoreDraft(ctx, id)
		s.u.do(func() {
			if err != nil && app.ErrorCode(err) != app.ECONFLICT { // ECONFLICT: it is back already
				s.u.showError(err)
				return
			}
			s.u.OpenFiling(id)
		})
	})
}

// headline returns the entry's one-line title; route is its filing's
// (refusedRoutes), which names a refusal.
func headline(prof *app.Profile, m app.Message, route string) string {
	if m.Decision != nil {
		t := shownTitle(prof, m.FilingKind, m.FilingTitle)
		if t == "" {
			t = T("（未命名）")
		}
		if d := m.Decision; d.From == d.To {
			// 联审同意 leaves the filing 专家论证中: four departments'
			// entries all read "…：专家论证中".
			return Tf("%s：%s%s", t, T(d.Role.Department()), T(d.Action.Label()))
		}
		return t + T("：") + T(prof.StatusOn(m.Decision.To, m.FilingKind, route))
	}
	if m.Title != "" {
		return m.Title
	}
	return Tf("%s通知", prof.BureauShort())
}
