package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// connBar is the bottom bar: online or offline, items waiting to be sent,
// the last successful sync, the reason of the last failure in plain Chinese,
// an upload under way and the 立即发送 button.
type connBar struct {
	u *UI

	state    *widget.Label
	waiting  *widget.Label
	last     *widget.Label
	reason   *widget.Label
	progress *widget.ProgressBar
	// progressBox holds progress at its width, shown and hidden with it.
	progressBox *fyne.Container
	sendNow     *Button
	login       *Button
	rekey       *Button // 核对并信任新密钥…, while the bureau's receipt key changed
	keyChange   *ReceiptKeyChange
	// box is the bar; root the window's content around it. A text that
	// grows (离线工作… in place of 已连接…, a disk warning) lays them out
	// again: the bar kept the positions of the texts before, and the state
	// was drawn over the warning (found in a clerk's walkthrough).
	box, root *fyne.Container
	laidOut   string // what the last layout was for
}

func newConnBar(u *UI) *connBar {
	b := &connBar{u: u,
		state:    &widget.Label{TextStyle: fyne.TextStyle{Bold: true}},
		waiting:  &widget.Label{},
		last:     &widget.Label{Importance: widget.LowImportance},
		reason:   &widget.Label{Importance: widget.DangerImportance, Truncation: fyne.TextTruncateEllipsis},
		progress: &widget.ProgressBar{},
	}
	b.sendNow = newButton(&Button{Button: widget.Button{Text: T("立即发送"), Icon: theme.MailSendIcon(), OnTapped: b.onSendNow}})
	b.login = newButton(&Button{Button: widget.Button{Text: T("重新登录"), Icon: theme.AccountIcon(), Importance: widget.WarningImportance, OnTapped: u.showLogin}})
	b.login.Hide()
	b.rekey = newButton(&Button{Button: widget.Button{Text: T("核对并信任新密钥…"), Icon: theme.ConfirmIcon(), Importance: widget.WarningImportance, OnTapped: b.onRekey}})
	b.rekey.Hide()
	b.progressBox = container.NewGridWrap(fyne.NewSize(140, b.progress.MinSize().Height), b.progress)
	b.progressBox.Hide()
	return b
}

func (b *connBar) object() fyne.CanvasObject {
	// In a narrow window the state, the reason and the buttons take a line
	// each (barLayout).
	left := newLeftFlow(b.state, b.waiting, b.last)
	right := newFlow(b.progressBox, b.login, b.rekey, b.sendNow)
	b.box = container.NewBorder(widget.NewSeparator(), nil, nil, nil, newBar(0, 160, left, b.reason, right))
	return b.box
}

// relayout lays the bar (and the window around it, for its height) out
// again when what it shows changed its size.
func (b *connBar) relayout() {
	key := fmt.Sprint(b.state.Text, "|", b.waiting.Text, "|", b.last.Text, "|", b.reason.Text, b.reason.Visible(), "|",
		b.progressBox.Visible(), b.login.Visible(), b.rekey.Visible())
	if key == b.laidOut || b.box == nil {
		return
	}
	b.laidOut = key
	if b.root != nil && !b.root.Size().IsZero() {
		b.root.Layout.Layout(b.root.Objects, b.root.Size())
	}
	b.box.Refresh()
}

func (b *connBar) onSendNow() { b.u.link.Kick() }

func (b *connBar) onRekey() {
	if b.keyChange != nil {
		b.u.confirmReceiptKey(*b.keyChange)
	}
}

// update shows st and c. It runs on the Fyne thread.
func (b *connBar) update(st SyncStatus, c app.Counts) {
	switch {
	case !st.Connected:
		b.state.SetText("● " + Tf("离线工作（未连接%s）", b.u.bureau()))
		b.state.Importance = widget.MediumImportance
	case st.NeedsLogin:
		// Not a green 已连接 beside 登录已失效 (found in a clerk's
		// walkthrough after the bureau revoked the login).
		b.state.SetText("● " + T("登录已失效"))
		b.state.Importance = widget.DangerImportance
	case st.Online && st.Unavailable:
		b.state.SetText("● " + Tf("已连接，%s暂时无法受理", b.u.bureau()))
		b.state.Importance = widget.WarningImportance
	case st.Online:
		b.state.SetText("● " + Tf("已连接%s", b.u.bureau()))
		b.state.Importance = widget.SuccessImportance
	case st.Syncing:
		b.state.SetText("● " + T("正在连接…"))
		b.state.Importance = widget.MediumImportance
	default:
		b.state.SetText("● " + T("离线"))
		b.state.Importance = widget.WarningImportance
	}
	b.state.Refresh()
	waiting := st.Waiting
	if c.Outbox > waiting {
		waiting = c.Outbox
	}
	if waiting > 0 {
		b.waiting.SetText(fmt.Sprintf(T("待发送 %d 项"), waiting))
	} else {
		b.waiting.SetText(T("没有待发送的材料"))
	}
	switch {
	case st.Connected && !st.LastSuccess.IsZero():
		b.last.SetText(T("上次同步") + " " + clock(st.LastSuccess, b.u.now()))
	case st.Connected && st.Online && !st.Unavailable:
		b.last.SetText(Tf("正在接收%s的消息", b.u.bureau()))
	case st.Connected:
		b.last.SetText(T("尚未同步"))
	default:
		b.last.SetText(Tf("连接%s后自动发送", b.u.bureau()))
	}
	reason := T(st.LastError) // the sync loop's reasons are Chinese; the common ones have English
	if reason != "" && !st.NextRetry.IsZero() {
		reason += fmt.Sprintf(T("（%s 自动重试）"), clock(st.NextRetry, b.u.now()))
	}
	// Red only for what the clerk must do (log in again, trust the bureau's
	// certificate, install the new version); a failure the loop retries by
	// itself (offline, the bureau busy) waits calmly.
	if st.Conflict != "" && reason == "" {
		reason = T(st.Conflict) + T("：本机的修改已另存为新版本草稿，请查看消息")
	}
	if st.DraftsProblem != "" && reason == "" {
		reason = T(st.DraftsProblem) // calm: the filings still go, the copies are retried
	}
	b.reason.Importance = widget.WarningImportance
	if st.NeedsLogin || st.NeedsAction {
		b.reason.Importance = widget.DangerImportance
	}
	b.keyChange = st.KeyChange
	if kc := st.KeyChange; kc != nil {
		// In place of the receipt's refusal: what happened and what to do.
		reason = keyChangeWarning(kc)
		b.reason.Importance = widget.DangerImportance
	}
	if w := T(st.DiskWarning); st.DiskWarning != "" {
		if reason != "" {
			w += T("；") + reason
		}
		reason = w
		b.reason.Importance = widget.DangerImportance
	}
	b.reason.SetText(b.u.named(reason))
	if reason == "" { // no empty line for it in a narrow window (barLayout)
		b.reason.Hide()
	} else {
		b.reason.Show()
	}
	if st.NeedsLogin {
		b.login.Show()
	} else {
		b.login.Hide()
	}
	if _, ok := b.u.link.(ReceiptKeyTruster); ok && st.KeyChange != nil {
		b.rekey.Show()
	} else {
		b.rekey.Hide()
	}
	if st.Connected {
		b.sendNow.Enable()
	} else {
		b.sendNow.Disable()
	}
	if r := st.Restore; r != nil {
		// In place of 上次同步: the left side has room for the count.
		b.last.SetText(restoreText(b.u.bureau(), r))
		b.progress.SetValue(0)
		if r.Total > 0 {
			b.progress.SetValue(float64(r.Restored) / float64(r.Total))
		}
		b.progressBox.Show()
	} else if up := st.Upload; up != nil && up.Total > 0 {
		// On the left, in place of 上次同步, where it has room: on the
		// right, beside the buttons, it was cut to "…" at 1366 px and only
		// a bare bar showed (found in a clerk's walkthrough).
		b.last.SetText(fmt.Sprintf(T("正在上传 %s（%s / %s）"), up.Name, sizeText(up.Sent), sizeText(up.Total)))
		b.progress.SetValue(float64(up.Sent) / float64(up.Total))
		b.progressBox.Show()
	} else {
		b.progressBox.Hide()
	}
	b.relayout()
}
