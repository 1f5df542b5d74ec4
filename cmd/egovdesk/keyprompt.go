package main

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/atrest"
	"egovdesk/ui"
)

// keyPrompt fills w with what ask needs typed before the data directory
// opens: a new start-up passphrase (twice), the passphrase, or the
// recovery key. answer runs off the Fyne thread (Argon2id takes about half
// a second) and returns the keys or an error shown under the field;
// opened then runs on the Fyne thread with the keys.
func keyPrompt(w fyne.Window, ask keyAsk, answer func(string) (*atrest.Keys, error), do func(func()), opened func(*atrest.Keys)) {
	var title, text, label string
	switch ask {
	case askNew:
		title = ui.T("设置启动口令")
		text = "本机没有可用的系统密钥库（Windows 数据保护或桌面钥匙环），\n申报材料将用启动口令加密保存。\n" +
			"请设置一个至少 8 个字符的口令，以后每次启动 egovdesk 时输入。\n" +
			"忘记口令时，可用恢复密钥打开（进入后在“设置 → 自动备份”中查看并抄写保管）。"
		label = ui.T("启动口令")
	case askPassphrase:
		title = ui.T("输入启动口令")
		text = "本机的申报材料已加密保存，请输入启动口令。\n忘记口令时，可以输入恢复密钥（8 组，每组 4 个字母或数字）。"
		label = ui.T("启动口令")
	default:
		title = ui.T("输入恢复密钥")
		text = "本机保存申报材料的密钥已不可用（换了 Windows 账户、重装了系统或重置了钥匙环）。\n" +
			"请输入恢复密钥（8 组，每组 4 个字母或数字，见之前抄写保管的记录）。本机数据不会被改动。"
		label = ui.T("恢复密钥")
	}
	pass := &widget.Entry{Password: ask != askRecovery}
	again := &widget.Entry{Password: true}
	problem := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	ok := ui.NewTextButton(ui.T("确定"), widget.HighImportance, nil)
	items := []*widget.FormItem{widget.NewFormItem(label, pass)}
	if ask == askNew {
		items = append(items, widget.NewFormItem(ui.T("再输入一次"), again))
	}
	submit := func() {
		problem.Importance = widget.DangerImportance // set before the text: SetText draws it
		if ask == askNew && pass.Text != again.Text {
			problem.SetText(ui.T("两次输入的口令不一致，请重新输入"))
			return
		}
		if pass.Text == "" {
			problem.SetText(ui.T("请输入") + label)
			return
		}
		ok.Disable()
		problem.Importance = widget.MediumImportance // not an error: drawn as such when set after the text
		problem.SetText(ui.T("正在验证…"))
		typed := pass.Text
		go func() {
			k, err := answer(typed)
			do(func() {
				if err != nil {
					ok.Enable()
					problem.Importance = widget.DangerImportance
					problem.SetText(app.ErrorMessage(err))
					pass.SetText("")
					again.SetText("")
					w.Canvas().Focus(pass)
					return
				}
				opened(k)
			})
		}()
	}
	ok.OnTapped = submit
	pass.OnSubmitted = func(string) {
		if ask == askNew && again.Text == "" {
			w.Canvas().Focus(again)
			return
		}
		submit()
	}
	again.OnSubmitted = func(string) { submit() }
	box := container.NewVBox(
		&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText},
		&widget.Label{Text: ui.T(text), Wrapping: fyne.TextWrapWord},
		widget.NewForm(items...), problem, container.NewHBox(ok))
	w.SetContent(container.NewCenter(container.NewStack(spacer(640), container.NewPadded(box))))
	w.Canvas().Focus(pass)
}

// spacer is an invisible object px wide.
func spacer(px float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(px, 1))
	return r
}
