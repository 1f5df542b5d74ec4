package console

import (
	"testing"

	"egovdesk/app"
)

// A box ticked again moved its item to the end: the page read
// 确认事项 第 1 行：X → (空) and 第 2 行：(空) → X (found in review).
// Confirmations are compared as a set, in the profile's words.
func TestConfirmationsCompareAsASet(t *testing.T) {
	prof := &app.Profile{Checklist: []app.CheckRule{{ID: "a", Label: "甲"}, {ID: "b", Label: "乙"}}}
	body := func(ids string) []byte { return []byte(`{"declaration":{"goals":"x","confirmations":[` + ids + `]}}`) }
	changes := func(old, new string) ([]change, map[string]bool) {
		cs, changed, _ := diffRows(body(old), body(new))
		return confirmChanges(prof, cs, changed, body(old), body(new)), changed
	}
	if cs, changed := changes(`"a","b"`, `"b","a"`); len(cs) != 0 || changed["declaration.confirmations"] {
		t.Errorf("reordered: %+v, marked %v", cs, changed)
	}
	cs, changed := changes(`"a","b"`, `"b"`)
	if len(cs) != 1 || cs[0].Label != "确认事项：甲" || cs[0].Old != "已确认" || cs[0].New != "未确认" || !changed["declaration.confirmations"] {
		t.Errorf("one taken back: %+v", cs)
	}
	if cs, _ := changes(`"a"`, `"a","gone"`); len(cs) != 1 || cs[0].Label != "确认事项：（现行规则中没有的确认事项：gone）" || cs[0].New != "已确认" {
		t.Errorf("one the profile does not have: %+v", cs)
	}
}

// A flag turned off is left out of the body (omitempty): the change read
// 是 → (空), as if the answer had been taken away (found in review).
func TestAFlagTurnedOffReadsNo(t *testing.T) {
	cs, _, _ := diffRows([]byte(`{"declaration":{"capital_project":true,"goals":"x"}}`), []byte(`{"declaration":{"goals":"x"}}`))
	if len(cs) != 1 || cs[0].Old != "是" || cs[0].New != "否" {
		t.Errorf("turned off: %+v", cs)
	}
	cs, _, _ = diffRows([]byte(`{"declaration":{"goals":"x"}}`), []byte(`{"declaration":{"capital_project":true,"goals":"x"}}`))
	if len(cs) != 1 || cs[0].Old != "否" || cs[0].New != "是" {
		t.Errorf("turned on: %+v", cs)
	}
}
