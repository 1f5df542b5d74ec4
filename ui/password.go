package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// PasswordChangeError is a login the bureau refuses until the password is
// changed: an initial password an admin set (or reset), or one past the
// bureau's expiry. Message is the bureau's reason, in Chinese.
type PasswordChangeError struct{ Message string }

func (e *PasswordChangeError) Error() string { return e.Message }

// PasswordChanger is a Link that can change such a password and then
// connect as Link.Connect does.
type PasswordChanger interface {
	ChangePassword(ctx context.Context, addr, login, old, new string) error
}

// passwordDialog is the dialog that changes a password the bureau refused
// a login with, then connects.
type passwordDialog struct {
	d         *dialog.CustomDialog
	nw, again *dialogField
	problem   *paragraph
	submit    *Button
}

// askNewPassword shows the change-password dialog for the login that pe
// refused (at addr, with the password old).
func (s *setupScreen) askNewPassword(addr, login, old string, pe *PasswordChangeError) *passwordDialog {
	pc, ok := s.u.link.(PasswordChanger)
	if !ok {
		s.fail(T("连接失败：") + pe.Message)
		return nil
	}
	s.fail(T("须先修改密码才能连接：请在对话框中设置新密码"))
	p := &passwordDialog{nw: newDialogField(true), again: newDialogField(true),
		problem: &paragraph{Importance: widget.DangerImportance}}
	p.problem.Hide()
	content := container.NewVBox(
		&paragraph{Text: pe.Message, Importance: widget.WarningImportance},
		widget.NewForm(widget.NewFormItem(T("登录名"), widget.NewLabel(login)),
			widget.NewFormItem(T("新密码"), p.nw), widget.NewFormItem(T("再次输入"), p.again)),
		p.problem,
	)
	p.d = dialog.NewCustomWithoutButtons(T("修改密码"), container.NewStack(minWidth(520), content), s.u.win)
	cancel := newDialogButton(T("取消"), nil, widget.MediumImportance, func() {
		p.d.Hide()
		s.fail(T("须先修改密码才能连接：请再次点击“连接数管局”，在对话框中设置新密码"))
	})
	p.submit = newDialogButton(T("修改密码并连接"), nil, widget.HighImportance, nil)
	p.submit.OnTapped = func() {
		nw := p.nw.Text
		switch {
		case nw == "":
			p.say(T("请填写新密码"))
			return
		case nw != p.again.Text:
			p.say(T("两次输入的新密码不一致，请重新输入"))
			return
		}
		p.submit.Disable()
		p.say(T("正在修改…"))
		s.u.goWait(func(ctx context.Context) {
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			err := pc.ChangePassword(ctx, addr, login, old, nw)
			s.u.do(func() {
				p.submit.Enable()
				if err != nil {
					p.say(errorText(err))
					return
				}
				p.d.Hide()
				s.password.SetText("")
				s.u.refresh()
				s.u.ShowHome()
			})
		})
	}
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.submit})
	p.d.Show()
	s.u.win.Canvas().Focus(p.nw)
	return p
}

// say shows msg under the form.
func (p *passwordDialog) say(msg string) {
	p.problem.SetText(msg)
	p.problem.Show()
}
