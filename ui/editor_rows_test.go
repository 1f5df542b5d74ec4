package ui

import (
	"maps"
	"testing"

	"egovdesk/app"
)

// Text kept for rows of a table follows its row when rows are removed or
// moved, so a restart shows each typo where the clerk typed it.
func TestKeptTextFollowsRows(t *testing.T) {
	e := &editorScreen{f: &app.Filing{Unparsed: map[string]string{
		"budget[0].amount":            "1o",
		"budget[1].amount":            "2o",
		"budget[2].amount":            "3o",
		"funding[1].amount":           "x",
		"entries[1].items[0].length":  "十八",
		"entries[1].items[2].length":  "32位",
		"entries[10].items[0].length": "长",
		"total_investment":            "12o",
	}}, parseErrs: map[string]string{"budget[1].amount": "why"}}

	e.dropRow("budget", 1)
	e.swapRows("entries[1].items", 0, 2)
	e.dropRow("entries", 10)

	want := map[string]string{
		"budget[0].amount":           "1o",
		"budget[1].amount":           "3o",
		"funding[1].amount":          "x",
		"entries[1].items[2].length": "十八",
		"entries[1].items[0].length": "32位",
		"total_investment":           "12o",
	}
	if !maps.Equal(e.f.Unparsed, want) {
		t.Fatalf("kept text after moving rows:\n got %v\nwant %v", e.f.Unparsed, want)
	}
	if _, ok := e.parseErrs["budget[1].amount"]; ok {
		t.Error("the removed row's message stayed at the index the next row now has")
	}
}

// The fields the clerk left filled in follow their rows too: once a row
// above was taken out, a row added at the end took the "left" of the row
// that had had its number and showed its blanks red at once (found in
// the real window).
func TestLeftFieldsFollowRows(t *testing.T) {
	e := &editorScreen{f: &app.Filing{}, left: map[string]bool{
		"budget[0].name": true, "budget[2].amount": true, "funding[2].amount": true, "goals": true}}
	e.dropRow("budget", 0)
	want := map[string]bool{"budget[1].amount": true, "funding[2].amount": true, "goals": true}
	if !maps.Equal(e.left, want) {
		t.Errorf("left after taking out row 1:\n got %v\nwant %v", e.left, want)
	}
}
