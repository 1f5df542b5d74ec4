package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// A remark written on a row of the returned revision follows the row to
// where the unit moved it: a row taken out above it, one put in, rows
// swapped; a remark on a row taken out says so. The console places the
// remarks by this and the client links to them by it.
func TestRemarksFollowTheirRows(t *testing.T) {
	encode := func(d *app.Declaration) []byte {
		t.Helper()
		f, err := app.NewFiling(app.KindDeclaration, "f", "r", "u", time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = d
		b, _, err := f.Body().Encode()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	old := apptest.Declaration() // 平台软件开发, 移动终端, 工程监理, 等保测评, …
	base := encode(old)
	last := fmt.Sprintf("budget[%d]", len(old.Budget)-1)
	for _, c := range []struct {
		name   string
		change func(d *app.Declaration)
		want   map[string]string // remark path → where it is now, "" when taken out
	}{
		{"the first row taken out", func(d *app.Declaration) { d.Budget = slices.Delete(d.Budget, 0, 1) },
			map[string]string{"budget[0]": "", "budget[1].amount": "budget[0].amount", "budget[3]": "budget[2]", "goals": "goals"}},
		{"a row put in at the top", func(d *app.Declaration) {
			d.Budget = slices.Insert(d.Budget, 0, app.BudgetItem{Category: app.BudgetIntegration, Name: "培训", Amount: app.Wans(2)})
		}, map[string]string{"budget[0]": "budget[1]", "budget[1].amount": "budget[2].amount"}},
		{"two rows swapped and one edited", func(d *app.Declaration) {
			d.Budget[0], d.Budget[1] = d.Budget[1], d.Budget[0]
			d.Budget[3].Amount = app.Wans(9)
		}, map[string]string{"budget[0].name": "budget[1].name", "budget[1]": "budget[0]", "budget[3].amount": "budget[3].amount"}},
		{"nothing changed", func(*app.Declaration) {}, map[string]string{"budget[2]": "budget[2]"}},
		// The edit a remark asked for, beside a row taken out or put in:
		// it read as the row deleted (found in a clerk's walkthrough).
		{"a row renamed, the row above taken out", func(d *app.Declaration) {
			d.Budget[1].Name = "camera X100 x20"
			d.Budget = slices.Delete(d.Budget, 0, 1)
		}, map[string]string{"budget[0]": "", "budget[1]": "budget[0]", "budget[3]": "budget[2]"}},
		{"the last row renamed, an empty row added after it", func(d *app.Declaration) {
			d.Budget[len(d.Budget)-1].Name = "第三方软件测试（含性能测试）"
			d.Budget = append(d.Budget, app.BudgetItem{})
		}, map[string]string{last: last, "budget[3]": "budget[3]"}},
		{"a row renamed and its amount changed, one taken out: its category kept", func(d *app.Declaration) {
			d.Budget[1].Name, d.Budget[1].Amount, d.Budget[1].Quantity = "移动执法终端", app.Wans(25), 0
			d.Budget = slices.Delete(d.Budget, 0, 1)
		}, map[string]string{"budget[0]": "", "budget[1]": "budget[0]"}},
		// As many taken out as put in, with nothing in common: not one
		// row changed (found in a clerk's walkthrough).
		{"one taken out, another renamed, one put in", func(d *app.Declaration) {
			d.Budget[3].Name = "等保三级测评服务"
			d.Budget = append(d.Budget[:1:1], append(d.Budget[2:4:4], app.BudgetItem{Category: app.BudgetIntegration, Name: "系统集成", Amount: app.Wans(149)})...)
		}, map[string]string{"budget[1]": "", "budget[2]": "budget[1]", "budget[3]": "budget[2]"}},
	} {
		d := apptest.Declaration()
		c.change(d)
		moved, err := app.RowMoves(base, encode(d))
		if err != nil {
			t.Fatal(err)
		}
		for p, want := range c.want {
			now, removed := app.FollowRows(app.KindDeclaration, p, moved)
			if removed != (want == "") || !removed && now != want {
				t.Errorf("%s: %s is now at %q (taken out %v), want %q", c.name, p, now, removed, want)
			}
			if was := app.RowMovedFrom(p, now); !removed && (now == p) != (was == 0) {
				t.Errorf("%s: %s, now %s, was row %d", c.name, p, now, was) // one level: the row's old number
			}
		}
	}
	// Nested rows: the number is said only when the last row alone moved.
	for _, c := range []struct {
		was, now string
		want     int
	}{
		{"resources[4].items[2].name", "resources[4].items[7].name", 3},
		{"resources[4].items[2].name", "resources[1].items[2].name", 0},
		{"resources[4].items[2].name", "resources[1].items[7].name", 0},
		{"goals", "goals", 0},
	} {
		if n := app.RowMovedFrom(c.was, c.now); n != c.want {
			t.Errorf("%s → %s: was row %d, want %d", c.was, c.now, n, c.want)
		}
	}
	if _, err := app.RowMoves(base, []byte("{")); err == nil {
		t.Error("a body that is not JSON gave moves")
	}
}

// A row taken out beside a row edited in place does not take the edited
// row's place: the pairs that keep most fields are kept, and a row as
// alike to two rows as to one goes with neither (found in review).
func TestRowMovesPairTheRowThatKeptMost(t *testing.T) {
	row := func(name, basis string) string {
		return `{"category":"integration","name":"` + name + `","quantity":1,"amount":50000` +
			map[bool]string{true: `,"basis":"` + basis + `"`, false: ""}[basis != ""] + `}`
	}
	body := func(rows ...string) []byte {
		return []byte(`{"declaration":{"budget":[{"name":"X","amount":1},` + strings.Join(rows, ",") + `,{"name":"Y","amount":2}]}}`)
	}
	for _, c := range []struct {
		name     string
		old, new []byte
		want     map[string]string // "" for taken out
	}{
		{"the renamed row keeps more than the row taken out",
			body(row("工程监理", ""), row("等保测评", "报价")), body(row("等保测评（含密评）", "报价")),
			map[string]string{"budget[1]": "", "budget[2]": "budget[1]", "budget[3]": "budget[2]"}},
		{"as alike to both: neither",
			body(row("工程监理", ""), row("等保测评", "")), body(row("等保测评（含密评）", "")),
			map[string]string{"budget[1]": "", "budget[2]": "", "budget[3]": "budget[2]"}},
		{"as many taken out as put in, nothing in common: not paired in order",
			[]byte(`{"declaration":{"budget":[{"name":"X","amount":1},{"category":"software_dev","name":"平台软件开发","amount":1540000},{"category":"software_testing","name":"第三方软件测试","amount":60000},{"name":"Y","amount":2}]}}`),
			[]byte(`{"declaration":{"budget":[{"name":"X","amount":1},{"category":"software_testing","name":"第三方软件测试服务","amount":60000},{"category":"integration","name":"系统集成","amount":1490000},{"name":"Y","amount":2}]}}`),
			map[string]string{"budget[1]": "", "budget[2]": "budget[1]", "budget[3]": "budget[3]"}},
		{"a table emptied", []byte(`{"declaration":{"budget":[{"name":"X"},{"name":"Y"}]}}`), []byte(`{"declaration":{}}`),
			map[string]string{"budget[0]": "", "budget[1].amount": ""}},
		{"a table null", []byte(`{"catalogue":{"entries":[{"name":"X"}]}}`), []byte(`{"catalogue":{"entries":null}}`),
			map[string]string{"entries[0]": ""}},
	} {
		moved, err := app.RowMoves(c.old, c.new)
		if err != nil {
			t.Fatal(err)
		}
		kind := app.KindDeclaration
		if strings.Contains(string(c.old), "catalogue") {
			kind = app.KindCatalogue
		}
		for p, want := range c.want {
			now, removed := app.FollowRows(kind, p, moved)
			if removed != (want == "") || !removed && now != want {
				t.Errorf("%s: %s is now at %q (taken out %v), want %q", c.name, p, now, removed, want)
			}
		}
	}
}
