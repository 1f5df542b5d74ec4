package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The bureau signs every receipt with its SM2 key; the client recorded
// that key at its first sync. When the bureau lost its key and made a new
// one, every receipt is refused and the outbox waits: the connection bar
// and 设置 say so (keyChangeWarning), and 核对并信任新密钥… lets the clerk
// trust the new key after checking its ID with the bureau — typing the
// first 8 digits the bureau told them, so that a glance is not enough.

// keyIDDigits is how many leading hex digits of the new key's ID the
// clerk types to trust it.
const keyIDDigits = 8

// groupKeyID writes a key ID in groups of four digits, as it is read out
// over the phone: "3f2a 9c01 …".
func groupKeyID(id string) string {
	var b strings.Builder
	for i, r := range id {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shortKeyID is the first keyIDDigits digits of a key ID, grouped, and "…".
func shortKeyID(id string) string {
	if len(id) <= keyIDDigits {
		return groupKeyID(id)
	}
	return groupKeyID(id[:keyIDDigits]) + "…"
}

// keyChangeWarning is the warning of a key change, with the key IDs
// shortened.
func keyChangeWarning(kc *ReceiptKeyChange) string {
	return Tf("数管局的回执签名密钥已更换：本机记录的密钥 %s，数管局现在使用 %s。请向数管局核实新密钥编号（数管局通知或电话）后再信任；核实前，发送队列中的材料不会被确认。",
		shortKeyID(kc.PinnedKeyID), shortKeyID(kc.ServedKeyID))
}

// keyChangePanel is the warning of a key change in 设置, with the button
// that checks and trusts the new key; empty while there is none.
type keyChangePanel struct {
	u   *UI
	obj *fyne.Container
}

func newKeyChangePanel(u *UI) *keyChangePanel {
	p := &keyChangePanel{u: u, obj: container.NewVBox()}
	p.showStatus(u.link.Status())
	u.keyChange = p // kept up to date by UI.showCounts while 设置 is shown
	return p
}

// showStatus shows the warning of st's key change, or nothing. It runs on
// the Fyne thread.
func (p *keyChangePanel) showStatus(st SyncStatus) {
	kc := st.KeyChange
	if kc == nil {
		p.obj.Objects = nil
		if tr, ok := p.u.link.(ReceiptKeyTruster); ok {
			if ch := tr.ReceiptKeyChanges(); len(ch) > 0 {
				last := ch[len(ch)-1]
				p.obj.Objects = []fyne.CanvasObject{heading(T("回执签名密钥")),
					note(p.u.named(Tf("数管局的回执签名密钥于 %s 更换，经您核对后已信任：原密钥 %s，现密钥 %s。此前收到的回执是用原密钥核验的。",
						last.At.Local().Format("2006-01-02 15:04"), shortKeyID(last.OldKeyID), shortKeyID(last.NewKeyID))))}
			}
		}
		p.obj.Refresh()
		return
	}
	objs := []fyne.CanvasObject{
		heading(T("回执签名密钥")),
		&paragraph{Text: p.u.named(keyChangeWarning(kc)), Importance: widget.DangerImportance},
		&paragraph{Text: p.u.named(Tf("数管局现在使用的密钥编号：%s", groupKeyID(kc.ServedKeyID))),
			TextStyle: fyne.TextStyle{Monospace: true}},
	}
	if _, ok := p.u.link.(ReceiptKeyTruster); ok {
		objs = append(objs, container.NewHBox(newButton(&Button{Button: widget.Button{Text: T("核对并信任新密钥…"), Icon: theme.ConfirmIcon(),
			Importance: widget.WarningImportance, OnTapped: func() { p.u.confirmReceiptKey(*kc) }}})))
	}
	p.obj.Objects = []fyne.CanvasObject{widget.NewCard("", "", container.NewVBox(objs...))}
	p.obj.Refresh()
}

// normalKeyDigits is what the clerk typed as a key ID: without spaces,
// colons or dashes, in lower case.
func normalKeyDigits(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == ':' || r == '-' || r == '\u3000' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// confirmReceiptKey shows the new key's ID in groups and trusts it once
// the clerk typed its first keyIDDigits digits as the bureau told them.
// It runs on the Fyne thread.
func (u *UI) confirmReceiptKey(kc ReceiptKeyChange) {
	tr, ok := u.link.(ReceiptKeyTruster)
	if !ok {
		return
	}
	id := &widget.Label{Text: groupKeyID(kc.ServedKeyID), TextStyle: fyne.TextStyle{Monospace: true},
		SizeName: theme.SizeNameSubHeadingText, Alignment: fyne.TextAlignCenter}
	digits := newDialogField(false)
	digits.SetPlaceHolder(Tf("新密钥编号的前 %d 位", keyIDDigits))
	problem := &paragraph{Importance: widget.DangerImportance}
	content := container.NewVBox(
		&paragraph{Text: u.named(T("数管局的回执签名密钥与本机记录的不同。请以数管局的书面通知或您平时联系数管局的电话为准，核实数管局确实更换了密钥，并请对方读出新密钥的编号，与下面逐组核对："))},
		widget.NewCard("", "", id),
		&paragraph{Text: Tf("本机原来记录的密钥：%s", groupKeyID(kc.PinnedKeyID)), Importance: widget.LowImportance},
		&paragraph{Text: u.named(Tf("请输入数管局告知的新密钥编号的前 %d 位（数字 0–9 和字母 a–f）：", keyIDDigits))},
		digits, problem,
		&paragraph{Text: u.named(T("编号一致才信任。只要有一位不同，请不要信任，并告诉数管局：可能有人冒充数管局服务器。")), Importance: widget.WarningImportance},
	)
	d := dialog.NewCustomWithoutButtons(u.named(T("核对数管局的新回执签名密钥")), container.NewStack(minWidth(560), content), u.win)
	cancel := newDialogButton(T("取消"), theme.CancelIcon(), widget.MediumImportance, d.Hide)
	trust := newDialogButton(T("编号一致，信任新密钥"), theme.ConfirmIcon(), widget.HighImportance, nil)
	trust.OnTapped = func() {
		typed := normalKeyDigits(digits.Text)
		switch {
		case len(typed) != keyIDDigits || strings.Trim(typed, "0123456789abcdef") != "":
			problem.SetText(u.named(Tf("请输入 %d 位编号（数字 0–9 和字母 a–f），以数管局告知的为准。", keyIDDigits)))
			return
		case !strings.HasPrefix(kc.ServedKeyID, typed):
			problem.SetText(u.named(T("您输入的编号与数管局服务器现在使用的密钥不一致，未信任。请再次向数管局核实；编号不一致时请不要信任，并告诉数管局。")))
			return
		}
		problem.SetText(T("正在信任新密钥…"))
		trust.Disable()
		cancel.Disable()
		u.goWait(func(ctx context.Context) {
			err := tr.TrustReceiptKey(ctx, kc.ServedKeyID)
			u.do(func() {
				trust.Enable()
				cancel.Enable()
				if err != nil {
					problem.SetText(u.named(errorText(err)))
					return
				}
				d.Hide()
				showMessage(T("已信任新密钥"), u.named(T("已信任数管局的新回执签名密钥。发送队列中的材料将重新发送，回执用新密钥核验。")), u.win)
				u.refresh()
			})
		})
	}
	digits.OnSubmitted = func(string) { trust.OnTapped() }
	d.SetButtons([]fyne.CanvasObject{cancel, trust})
	d.Show()
	u.win.Canvas().Focus(digits)
}
