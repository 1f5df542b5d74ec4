package app

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Where the rows of a revision's tables went in the next: a reviewer's
// remark is written on a row of the revision returned (budget[3]), and the
// unit may take a row out above it, put one in, or move it. The console
// shows the remark beside the row it was written on; the client links to
// it there. Both read the rows' moves here, so that they agree.

// AlignRows returns o and n (decoded JSON) with every table both have at the
// same path turned into an object keyed by row, so that flatten gives a
// row the same path in both: a row of n keeps its number; a row of o takes
// the number of the row of n it became, or "~" and its own number when it
// was taken out. pairRows says which became which; moved records it, by
// the old row's path with its parents' new numbers (path is o's and n's).
func AlignRows(o, n any, path string, moved map[string]string) (any, any) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	if ot, ok := o.([]any); ok {
		if _, ok := n.([]any); !ok {
			// A table emptied (null, or left out when empty): every row
			// taken out. Its remarks led nowhere and read as answered.
			for i := range ot {
				moved[join(strconv.Itoa(i))] = join("~" + strconv.Itoa(i))
			}
			return o, n
		}
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
				o2[k], n2[k] = AlignRows(ov, v, join(k), moved)
			} else {
				n2[k] = v
			}
		}
		for k, v := range ot {
			if _, ok := nt[k]; !ok {
				o2[k], _ = AlignRows(v, nil, join(k), moved) // a table left out: its rows taken out
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
		pair, ko, kn := pairRows(ot, nt)
		for i, j := range pair {
			if j < 0 {
				o2["~"+strconv.Itoa(i)] = ot[i]
				moved[join(strconv.Itoa(i))] = join("~" + strconv.Itoa(i))
				continue
			}
			k := strconv.Itoa(j)
			moved[join(strconv.Itoa(i))] = join(k)
			if ko[i] == kn[j] {
				// Unchanged: its own tables are too, row for row (a path
				// not in moved keeps its number). Aligning them again took
				// seconds for a catalogue of thousands of items.
				o2[k], n2[k] = ot[i], nt[j]
				continue
			}
			o2[k], n2[k] = AlignRows(ot[i], nt[j], join(k), moved)
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
func pairRows(o, n []any) (pair []int, ko, kn []string) {
	ko, kn = rowKeys(o), rowKeys(n)
	pair = make([]int, len(o))
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
		if len(leftO) == len(leftN) && !objects(o, leftO) {
			for k, i := range leftO {
				pair[i], used[leftN[k]] = leftN[k], true
			}
		} else {
			pairAlike(o, n, leftO, leftN, pair)
		}
		pi, pj = a[0]+1, a[1]+1
	}
	return pair, ko, kn
}

// pairAlike pairs rows of o in leftO with rows of n in leftN, in order,
// that keep a field: a row edited in place (renamed, its amount changed,
// its category kept) beside a row taken out or put in. Paired by name or
// by count, it read as taken out, and the remark its edit answered as on
// a row deleted; paired by count alone, a row taken out and one put in
// read as one row changed (both found in clerks' walkthroughs). The pairs
// kept are those that keep most fields together (a weighted common run);
// a row as alike to two rows as to one is left unpaired, as there is no
// telling which it became. Past maxAlikeCells the rows are left unpaired.
func pairAlike(o, n []any, leftO, leftN []int, pair []int) {
	lo, ln := len(leftO), len(leftN)
	if lo == 0 || ln == 0 || lo*ln > maxAlikeCells {
		return
	}
	w := make([][]float64, lo)
	for a, i := range leftO {
		w[a] = make([]float64, ln)
		for b, j := range leftN {
			if s := alike(o[i], n[j]); s > 0 {
				w[a][b] = s
			}
		}
	}
	// A row as alike to another row as to this one is ambiguous either
	// way: neither pair is kept.
	tied := func(a, b int) bool {
		for c := range lo {
			if c != a && w[c][b] == w[a][b] {
				return true
			}
		}
		for d := range ln {
			if d != b && w[a][d] == w[a][b] {
				return true
			}
		}
		return false
	}
	var ambiguous [][2]int
	for a := range lo {
		for b := range ln {
			if w[a][b] > 0 && tied(a, b) {
				ambiguous = append(ambiguous, [2]int{a, b})
			}
		}
	}
	for _, ab := range ambiguous {
		w[ab[0]][ab[1]] = 0
	}
	// The pairs in order with the most kept in all.
	best := make([][]float64, lo+1)
	for a := range best {
		best[a] = make([]float64, ln+1)
	}
	for a := lo - 1; a >= 0; a-- {
		for b := ln - 1; b >= 0; b-- {
			best[a][b] = max(best[a+1][b], best[a][b+1])
			if w[a][b] > 0 {
				best[a][b] = max(best[a][b], best[a+1][b+1]+w[a][b])
			}
		}
	}
	for a, b := 0, 0; a < lo && b < ln; {
		switch {
		case w[a][b] > 0 && best[a][b] == best[a+1][b+1]+w[a][b]:
			pair[leftO[a]] = leftN[b]
			a, b = a+1, b+1
		case best[a][b] == best[a+1][b]:
			a++
		default:
			b++
		}
	}
}

// objects reports whether the rows of t at is are objects (a table's
// rows), not plain values (a list of codes, paired in order).
func objects(t []any, is []int) bool {
	for _, i := range is {
		if _, ok := t[i].(map[string]any); !ok {
			return false
		}
	}
	return true
}

// maxAlikeCells bounds the rows pairAlike compares (taken out × put in
// between two unchanged rows).
const maxAlikeCells = 1 << 14

// alike is the share of the fields two rows have, either of them, that
// both have with the same value; 0 for rows that are not objects.
func alike(a, b any) float64 {
	x, ok1 := a.(map[string]any)
	y, ok2 := b.(map[string]any)
	if !ok1 || !ok2 {
		return 0
	}
	keys, same := 0, 0
	for k, v := range x {
		if isEmpty(v) {
			continue
		}
		keys++
		if w, ok := y[k]; ok && rowKey(v) == rowKey(w) {
			same++
		}
	}
	for k, w := range y {
		if v, ok := x[k]; !isEmpty(w) && (!ok || isEmpty(v)) {
			keys++
		}
	}
	if keys == 0 {
		return 0
	}
	return float64(same) / float64(keys)
}

// isEmpty reports whether a decoded JSON value says nothing: null, "",
// 0, false, an empty list or object.
func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case float64:
		return t == 0
	case bool:
		return !t
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

// rowKey is a decoded JSON value's canonical encoding.
func rowKey(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
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

// RowMoves returns where each row of the tables of oldBody (a revision's
// body, as encoded) went in newBody: by the old row's JSON path with its
// parents' new numbers ("declaration.budget.3") the new row's
// ("declaration.budget.2"), or the old number marked "~" when the row was
// taken out ("declaration.budget.~3"). Rows are paired as AlignRows pairs
// them.
func RowMoves(oldBody, newBody []byte) (map[string]string, error) {
	var o, n any
	if err := json.Unmarshal(oldBody, &o); err != nil {
		return nil, fmt.Errorf("row moves: old body: %w", err)
	}
	if err := json.Unmarshal(newBody, &n); err != nil {
		return nil, fmt.Errorf("row moves: new body: %w", err)
	}
	moved := map[string]string{}
	AlignRows(o, n, "", moved)
	return moved, nil
}

// DottedPath writes a remark's path as a body's JSON paths (and a
// revision's changes) name it: budget[1].amount as budget.1.amount.
func DottedPath(p string) string { return rowDots.Replace(p) }

var rowDots = strings.NewReplacer("[", ".", "]", "")

// FollowRows returns remark path p (budget[3].amount, written on a row of
// the older revision of a filing of kind k) with each row number the one
// the row has now, by moved (RowMoves), and whether one of its rows was
// taken out (then p is returned as it is).
func FollowRows(k Kind, p string, moved map[string]string) (string, bool) {
	cur := string(k)
	var out strings.Builder
	for _, seg := range strings.Split(DottedPath(p), ".") {
		if _, err := strconv.Atoi(seg); err == nil {
			if to, ok := moved[cur+"."+seg]; ok {
				n := to[strings.LastIndexByte(to, '.')+1:]
				if strings.HasPrefix(n, "~") {
					return p, true
				}
				cur = to
				fmt.Fprintf(&out, "[%s]", n)
				continue
			}
			cur += "." + seg
			fmt.Fprintf(&out, "[%s]", seg)
			continue
		}
		cur += "." + seg
		if out.Len() > 0 {
			out.WriteByte('.')
		}
		out.WriteString(seg)
	}
	return out.String(), false
}

// RowMovedFrom returns the number (from 1) that the last row of remark
// path was had, when that row alone moved between was and now
// (FollowRows): the number a reviewer wrote the remark beside, to be said
// after now's label ("第 2 行，退回时为第 3 行"). It returns 0 when no row
// moved, and when a row above the last moved (a catalogue's resource
// whose item keeps its number): "信息项 第 3 行，退回时为第 5 行" named the
// resource's old number as the item's (found in review); then the whole
// old label is to be said.
func RowMovedFrom(was, now string) int {
	ws, ns := rowNumbers(was), rowNumbers(now)
	if len(ws) == 0 || len(ws) != len(ns) {
		return 0
	}
	last := len(ws) - 1
	for i := range last {
		if ws[i] != ns[i] {
			return 0
		}
	}
	if ws[last] == ns[last] {
		return 0
	}
	return ws[last] + 1
}

// rowNumbers returns the row numbers of path (budget[2].x[5] → 2, 5).
func rowNumbers(path string) []int {
	var out []int
	for _, seg := range strings.Split(path, "[")[1:] {
		if n, err := strconv.Atoi(seg[:max(strings.IndexByte(seg, ']'), 0)]); err == nil {
			out = append(out, n)
		}
	}
	return out
}
