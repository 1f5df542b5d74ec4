package console

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"egovdesk/app"
)

// diff compares two bodies field by field and returns what changed, by
// JSON path ("declaration.budget.2.amount"), in the document's order, and
// the set of changed paths with every prefix of them.
//
// The rows of a table are paired before they are compared (align): a row
// taken out of the middle is that row removed, not every row after it
// changed and the last one removed. A removed row's path carries its old
// number marked with "~" ("declaration.budget.~1"), as it has no place in
// the new revision.
func diff(oldBody, newBody []byte) ([]change, map[string]bool) {
	changes, set, _ := diffRows(oldBody, newBody)
	return changes, set
}

// diffRows is diff that also says where each old row went (align's moved:
// "declaration.budget.3" → "declaration.budget.2", or ".~3" when taken out).
func diffRows(oldBody, newBody []byte) ([]change, map[string]bool, map[string]string) {
	var o, n any
	if json.Unmarshal(oldBody, &o) != nil || json.Unmarshal(newBody, &n) != nil {
		return nil, nil, nil
	}
	moved := map[string]string{}
	o, n = app.AlignRows(o, n, "", moved)
	a, b := map[string]string{}, map[string]string{}
	flatten("", o, a)
	flatten("", n, b)
	var out []change
	for k, nv := range b {
		if ov, ok := a[k]; !ok || ov != nv {
			out = append(out, change{Path: k, Old: a[k], New: nv})
		}
	}
	for k, ov := range a {
		if _, ok := b[k]; !ok {
			out = append(out, change{Path: k, Old: ov})
		}
	}
	skip := map[string]bool{"revision": true, "revision_id": true, "base_revision_id": true}
	set := map[string]bool{}
	kept := out[:0]
	for _, c := range out {
		if skip[c.Path] {
			continue
		}
		p := unmark(c.Path)
		// A flag turned off is left out of the body (false, or omitempty):
		// 是 → (空) read as if the answer had been taken away.
		if c.Old == "true" && c.New == "" {
			c.New = "false"
		} else if c.New == "true" && c.Old == "" {
			c.Old = "false"
		}
		c.Label = app.FieldLabel(p)
		c.Old, c.New = fieldValue(p, c.Old), fieldValue(p, c.New)
		kept = append(kept, c)
		p = c.Path
		for {
			set[p] = true
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[:i]
		}
	}
	slices.SortFunc(kept, func(x, y change) int { return app.CompareBodyPaths(x.Path, y.Path) }) // as the form reads
	return rows(kept, a, b), set, moved                                                          // a row's change takes its first field's place: the order holds
}

// unmark drops the marks of removed rows from path, for its label.
func unmark(path string) string { return strings.ReplaceAll(path, "~", "") }

// rowNumber reads a path segment that numbers a row: "3", or "~3" for a
// row removed.
func rowNumber(seg string) (n int, removed, ok bool) {
	removed = strings.HasPrefix(seg, "~")
	n, err := strconv.Atoi(strings.TrimPrefix(seg, "~"))
	return n, removed, err == nil && n >= 0
}

// rows folds the changes of a row added or removed whole (a new line of the
// budget, a resource taken out) into one change of the row, its values side
// by side: a new budget line read as four changes. A table inside such a
// row is told by its count of rows ("信息项：12 行"), not row by row. a and b
// are the old and new bodies flattened.
func rows(cs []change, a, b map[string]string) []change {
	prefixes := func(m map[string]string) map[string]bool {
		set := map[string]bool{}
		for k := range m {
			for i := range len(k) {
				if k[i] == '.' {
					set[k[:i]] = true
				}
			}
		}
		return set
	}
	inA, inB := prefixes(a), prefixes(b)
	// row returns the shortest prefix of path ending in a row number that
	// other does not have, "" when there is none.
	row := func(path string, other map[string]bool) string {
		for i := range len(path) {
			if path[i] != '.' {
				continue
			}
			p := path[:i]
			if _, _, ok := rowNumber(p[strings.LastIndexByte(p, '.')+1:]); ok && !other[p] {
				return p
			}
		}
		return ""
	}
	type folded struct {
		i      int             // its change in out
		added  bool            // a row put in, not taken out
		tables []string        // the tables inside it, in order
		counts map[string]bool // their rows, as "table.row"
	}
	var out []change
	grouped := map[string]*folded{} // row path → what it folds
	for _, c := range cs {
		r, added := "", c.Old == "" && c.New != ""
		switch {
		case added:
			r = row(c.Path, inA)
		case c.New == "" && c.Old != "":
			r = row(c.Path, inB)
		}
		if r == "" {
			out = append(out, c)
			continue
		}
		g, ok := grouped[r]
		if !ok {
			g = &folded{i: len(out), added: added, counts: map[string]bool{}}
			grouped[r] = g
			out = append(out, change{Path: r, Label: app.FieldLabel(unmark(r))})
		}
		rest := strings.Split(c.Path[len(r)+1:], ".")
		if k := slices.IndexFunc(rest, func(s string) bool { _, _, ok := rowNumber(s); return ok }); k > 0 {
			table := strings.Join(rest[:k], ".")
			if !slices.Contains(g.tables, table) {
				g.tables = append(g.tables, table)
			}
			g.counts[table+"."+rest[k]] = true
			continue
		}
		field, _ := strings.CutPrefix(c.Label, out[g.i].Label)
		v := strings.TrimPrefix(field, " · ") + "：" + c.New + c.Old // one of them is empty
		if added {
			out[g.i].New = joinValues(out[g.i].New, v)
		} else {
			out[g.i].Old = joinValues(out[g.i].Old, v)
		}
	}
	for r, g := range grouped {
		c := &out[g.i]
		for _, t := range g.tables {
			n := 0
			for k := range g.counts {
				if strings.HasPrefix(k, t+".") && !strings.Contains(k[len(t)+1:], ".") {
					n++
				}
			}
			label, _ := strings.CutPrefix(app.FieldLabel(unmark(r+"."+t)), c.Label+" · ")
			v := label + "：" + strconv.Itoa(n) + " 行"
			if g.added {
				c.New = joinValues(c.New, v)
			} else {
				c.Old = joinValues(c.Old, v)
			}
		}
		// A row taken out keeps its old number, one put in takes its new:
		// "第 4 行" twice, one of each, read as the same row (found in a
		// reviewer's walkthrough).
		if g.added {
			c.Label += "（新增）"
		} else {
			c.Label += "（已删除）"
		}
	}
	return out
}

// joinValues joins a row's field values ("金额：6 万元；名称：…").
func joinValues(a, b string) string {
	if a == "" {
		return b
	}
	return a + "；" + b
}

func flatten(prefix string, v any, out map[string]string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			flatten(join(k), x, out)
		}
	case []any:
		for i, x := range t {
			flatten(join(strconv.Itoa(i)), x, out)
		}
	case nil:
	case string: // as typed: JSON's escapes (\n, \u0026) are not the clerk's text
		if t != "" {
			out[prefix] = t
		}
	default:
		b, _ := json.Marshal(t)
		if s := string(b); s != "false" && s != "0" {
			out[prefix] = s
		}
	}
}
