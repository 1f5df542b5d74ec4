package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// The timeline's submission entry shows the kept receipt: verified with
// the first digits of its SM3, or why it was not verified; a button saves
// the receipt.
func TestTimelineShowsTheReceipt(t *testing.T) {
	tr := app.Transition{At: time.Now(), Action: app.ActionSubmit, From: app.StatusDraft, To: app.StatusSubmitted,
		RevisionID: "r1", RevisionNumber: 1, Actor: "李梅", Role: app.RoleUnit}
	hash := strings.Repeat("ab", 32)
	sm := "d2437cafd85fd9ce4156f137bc9c2b0ac010216ceec76611ded8e32b99ee5292"
	rc := &app.ReceiptProof{Verified: true, BodySM3: sm, Revision: 1}
	got := textOf(transitionView(nil, app.KindDeclaration, "", tr, hash, rc, nil, nil))
	if !strings.Contains(got, "校验码 ABAB-ABAB") || !strings.Contains(got, "回执已验签（SM2），SM3 摘要 D243-7CAF-D85F-D9CE") {
		t.Errorf("verified receipt:\n%s", got)
	}
	got = textOf(transitionView(nil, app.KindDeclaration, "", tr, hash, &app.ReceiptProof{Problem: "数管局未提供回执签名公钥（较早版本的数管局服务器），回执未验签"}, nil, nil))
	if !strings.Contains(got, "⚠ 数管局未提供回执签名公钥") || strings.Contains(got, "已验签") {
		t.Errorf("unverified receipt:\n%s", got)
	}
	if got := textOf(transitionView(nil, app.KindDeclaration, "", tr, hash, nil, nil, nil)); strings.Contains(got, "验签") {
		t.Errorf("no receipt kept, yet:\n%s", got)
	}

	var saved *app.ReceiptProof
	var btn *widget.Button
	walk(transitionView(nil, app.KindDeclaration, "", tr, hash, rc, func(p *app.ReceiptProof) { saved = p }, nil), func(o fyne.CanvasObject) {
		if b := buttonOf(o); b != nil && b.Text == "保存签名回执…" {
			btn = b
		}
	})
	if btn == nil {
		t.Fatal("no button to save the receipt")
	}
	test.Tap(btn)
	if saved != rc {
		t.Errorf("the button saved %+v, want %+v", saved, rc)
	}
	walk(transitionView(nil, app.KindDeclaration, "", tr, hash, nil, func(*app.ReceiptProof) {}, nil), func(o fyne.CanvasObject) {
		if b := buttonOf(o); b != nil && b.Text == "保存签名回执…" {
			t.Error("a save button without a receipt")
		}
	})
}
