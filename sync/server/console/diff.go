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
	o, n = align(o, n, "", moved)
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
	slices.SortFunc(kept, func(x, y change) int { return comparePaths(x.Path, y.Path) })
	return rows(kept, a, b), set, moved // a row's change takes its first field's place: the order holds
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

// comparePaths orders paths as the document reads: rows by number (row 10
// after row 9), a row removed beside the row it came before.
func comparePaths(x, y string) int {
	xs, ys := strings.Split(x, "."), strings.Split(y, ".")
	for i := range min(len(xs), len(ys)) {
		if xs[i] == ys[i] {
			continue
		}
		xn, xr, xok := rowNumber(xs[i])
		yn, yr, yok := rowNumber(ys[i])
		switch {
		case xok && yok && xn != yn:
			return xn - yn
		case xok && yok && xr != yr:
			if xr {
				return -1 // the old row before the one in its place
			}
			return 1
		}
		return strings.Compare(xs[i], ys[i])
	}
	return len(xs) - len(ys)
}

// align returns o and n (decoded JSON) with every table both have at the
// same path turned into an object keyed by row, so that flatten gives a
// row the same path in both: a row of n keeps its number; a row of o takes
// the number of the row of n it became, or "~" and its own number when it
// was taken out. pairRows says which became which; moved records it, by
// the old row's path with its parents' new numbers (path is o's and n's).
func align(o, n any, path string, moved map[string]string) (any, any) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch nt := n.(type) {
	case map[string]any:
		ot, ok := o.(map[string]any)
		if !ok {
			return o, n
		}
		o2, n2 := make(map[string]any, len(ot)), make(map[string]any, len(nt))
		for k, v := range nt {
			if ov, ok := ot[k]; ok {
				o2[k], n2[k] = align(ov, v, join(k), moved)
			} else {
				n2[k] = v
			}
		}
		for k, v := range ot {
			if _, ok := nt[k]; !ok {
				o2[k] = v
			}
		}
		return o2, n2
	case []any:
		ot, ok := o.([]any)
		if !ok {
			return o, n
		}
		o2, n2 := make(map[string]any, len(ot)), make(map[string]any, len(nt))
		for j, v := range nt {
			n2[strconv.Itoa(j)] = v
		}
		for i, j := range pairRows(ot, nt) {
			if j < 0 {
				o2["~"+strconv.Itoa(i)] = ot[i]
				moved[join(strconv.Itoa(i))] = join("~" + strconv.Itoa(i))
				continue
			}
			k := strconv.Itoa(j)
			moved[join(strconv.Itoa(i))] = join(k)
			o2[k], n2[k] = align(ot[i], nt[j], join(k), moved)
		}
		return o2, n2
	}
	return o, n
}

// maxPairCells bounds the work of pairing two tables' rows by their
// longest common run (rows × rows); past it the rows left between the
// unchanged first and last ones are paired by name and in order only.
const maxPairCells = 1 << 20

// pairRows returns, for each row of o, the row of n it became, -1 for a
// row taken out. Rows unchanged are paired first, as the longest common
// subsequence of the two tables; a changed row then goes with the new row
// of the same code or name (a resource moved and edited); between two
// unchanged rows the rest go in order when as many were taken out as put
// in (a row edited in place); any others were taken out or put in.
func pairRows(o, n []any) []int {
	ko, kn := rowKeys(o), rowKeys(n)
	pair := make([]int, len(o))
	for i := range pair {
		pair[i] = -1
	}
	lo := 0
	for lo < len(o) && lo < len(n) && ko[lo] == kn[lo] {
		pair[lo] = lo
		lo++
	}
	hio, hin := len(o), len(n)
	for hio > lo && hin > lo && ko[hio-1] == kn[hin-1] {
		hio, hin = hio-1, hin-1
		pair[hio] = hin
	}
	// The longest common subsequence of the rows between.
	mo, mn := hio-lo, hin-lo
	var anchors [][2]int
	if mo > 0 && mn > 0 && mo*mn <= maxPairCells {
		l := make([][]int32, mo+1)
		for i := range l {
			l[i] = make([]int32, mn+1)
		}
		for i := mo - 1; i >= 0; i-- {
			for j := mn - 1; j >= 0; j-- {
				if ko[lo+i] == kn[lo+j] {
					l[i][j] = l[i+1][j+1] + 1
				} else {
					l[i][j] = max(l[i+1][j], l[i][j+1])
				}
			}
		}
		for i, j := 0, 0; i < mo && j < mn; {
			switch {
			case ko[lo+i] == kn[lo+j]:
				anchors = append(anchors, [2]int{lo + i, lo + j})
				i, j = i+1, j+1
			case l[i+1][j] >= l[i][j+1]:
				i++
			default:
				j++
			}
		}
	}
	anchors = append(anchors, [2]int{hio, hin})
	used := make([]bool, len(n)) // rows of n paired
	for _, j := range pair {
		if j >= 0 {
			used[j] = true
		}
	}
	for _, a := range anchors[:len(anchors)-1] {
		pair[a[0]], used[a[1]] = a[1], true
	}
	// A table too long for the common run: its unchanged rows are paired
	// as found, each with the first unused row of the same content.
	if mo > 0 && mn > 0 && mo*mn > maxPairCells {
		same := map[string][]int{}
		for j := lo; j < hin; j++ {
			same[kn[j]] = append(same[kn[j]], j)
		}
		for i := lo; i < hio; i++ {
			if js := same[ko[i]]; len(js) > 0 {
				pair[i], used[js[0]] = js[0], true
				same[ko[i]] = js[1:]
			}
		}
	}
	// A changed row goes with the new row of its code or name, wherever
	// it moved (the new rows' names read once: a table of thousands of
	// renamed rows took seconds).
	byID := map[string][]int{}
	for j := range n {
		if !used[j] {
			if id := rowID(n[j]); id != "" {
				byID[id] = append(byID[id], j)
			}
		}
	}
	for i := range o {
		if pair[i] >= 0 {
			continue
		}
		id := rowID(o[i])
		for js := byID[id]; id != "" && len(js) > 0; js = js[1:] {
			if j := js[0]; !used[j] {
				pair[i], used[j] = j, true
				byID[id] = js[1:]
				break
			}
		}
	}
	// Between two unchanged rows, the rest in order when as many were
	// taken out as put in.
	pi, pj := lo, lo
	for _, a := range anchors {
		var leftO, leftN []int
		for i := pi; i < a[0]; i++ {
			if pair[i] < 0 {
				leftO = append(leftO, i)
			}
		}
		for j := pj; j < a[1]; j++ {
			if !used[j] {
				leftN = append(leftN, j)
			}
		}
		if len(leftO) == len(leftN) {
			for k, i := range leftO {
				pair[i], used[leftN[k]] = leftN[k], true
			}
		}
		pi, pj = a[0]+1, a[1]+1
	}
	return pair
}

// rowKeys returns each row's canonical JSON, to find the rows unchanged.
func rowKeys(rows []any) []string {
	keys := make([]string, len(rows))
	for i, r := range rows {
		b, _ := json.Marshal(r) // decoded JSON: it encodes, keys in order
		keys[i] = string(b)
	}
	return keys
}

// rowID is what names a row across revisions: its code, else its name
// (a list's row: its resource's code, else its name).
func rowID(row any) string {
	m, ok := row.(map[string]any)
	if !ok {
		return ""
	}
	str := func(k string) string { s, _ := m[k].(string); return strings.TrimSpace(s) }
	// A catalogue's resource goes by 分类码/顺序码, trimmed as app.Resource.Code
	// reads them: a space typed after a code does not make another resource.
	if cat, seq := str("category"), str("sequence"); cat != "" && seq != "" {
		return "code:" + cat + "/" + seq
	}
	for _, k := range []string{"code", "resource_code", "name", "resource_name"} {
		if s := str(k); s != "" {
			return k + ":" + s
		}
	}
	return ""
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
