package ui

import (
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// The timeline's submission entry shows the kept receipt: verified with
// the first digits of its SM3, or why it was not verified.
func TestTimelineShowsTheReceipt(t *testing.T) {
	tr := app.Transition{At: time.Now(), Action: app.ActionSubmit, From: app.StatusDraft, To: app.StatusSubmitted,
		RevisionID: "r1", RevisionNumber: 1, Actor: "李梅", Role: app.RoleUnit}
	hash := strings.Repeat("ab", 32)
	sm := "d2437cafd85fd9ce4156f137bc9c2b0ac010216ceec76611ded8e32b99ee5292"
	got := textOf(transitionView(tr, hash, &app.ReceiptProof{Verified: true, BodySM3: sm}))
	if !strings.Contains(got, "校验码 ABAB-ABAB") || !strings.Contains(got, "数管局回执已验签（SM2），SM3 摘要 D243-7CAF-D85F-D9CE") {
		t.Errorf("verified receipt:\n%s", got)
	}
	got = textOf(transitionView(tr, hash, &app.ReceiptProof{Problem: "数管局未提供回执签名公钥（较早版本的数管局服务器），回执未验签"}))
	if !strings.Contains(got, "⚠ 数管局未提供回执签名公钥") || strings.Contains(got, "已验签") {
		t.Errorf("unverified receipt:\n%s", got)
	}
	if got := textOf(transitionView(tr, hash, nil)); strings.Contains(got, "回执") && strings.Contains(got, "验签") {
		t.Errorf("no receipt kept, yet:\n%s", got)
	}
}
