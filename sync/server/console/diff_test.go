package console

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// changesOf diffs two declarations' budgets and says each change as
// "label|old|new".
func changesOf(t *testing.T, oldBody, newBody string) []string {
	t.Helper()
	cs, _ := diff([]byte(oldBody), []byte(newBody))
	var out []string
	for _, c := range cs {
		out = append(out, c.Label+"|"+c.Old+"|"+c.New)
	}
	return out
}

func budget(lines ...string) string {
	var rows []string
	for _, l := range lines {
		name, amount, _ := strings.Cut(l, "=")
		rows = append(rows, fmt.Sprintf(`{"category":"hardware","name":%q,"amount":%s}`, name, amount))
	}
	return `{"declaration":{"budget":[` + strings.Join(rows, ",") + `]}}`
}

// The rows of a table are paired before they are compared: a row taken
// out of the middle was shown as every row after it changed and the last
// one removed.
func TestDiffPairsTheRowsOfATable(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string
		want     []string
	}{{
		name: "a row taken from the middle",
		old:  budget("服务器=100", "交换机=200", "终端=300"),
		new:  budget("服务器=100", "终端=300"),
		want: []string{"投资概算明细 第 2 行（已删除）|类别：硬件设备购置费；名称：交换机；金额：0.0002 万元|"},
	}, {
		name: "a row put in at the top, another edited",
		old:  budget("服务器=100", "交换机=200"),
		new:  budget("终端=300", "服务器=100", "交换机=250"),
		want: []string{
			"投资概算明细 第 1 行（新增）||类别：硬件设备购置费；名称：终端；金额：0.0003 万元",
			"投资概算明细 第 3 行 · 金额|0.0002 万元|0.00025 万元",
		},
	}, {
		name: "a row moved and edited",
		old:  budget("服务器=100", "交换机=200", "终端=300"),
		new:  budget("交换机=200", "终端=300", "服务器=150"),
		want: []string{"投资概算明细 第 3 行 · 金额|0.0001 万元|0.00015 万元"},
	}, {
		name: "a row renamed in place",
		old:  budget("服务器=100", "交换机=200", "终端=300"),
		new:  budget("服务器=100", "路由器=200", "终端=300"),
		want: []string{"投资概算明细 第 2 行 · 名称|交换机|路由器"},
	}, {
		name: "row 11 comes after row 3",
		old:  budget("a=1", "b=1", "c=1", "d=1", "e=1", "f=1", "g=1", "h=1", "i=1", "j=1", "k=1"),
		new:  budget("a=1", "b=1", "c=2", "d=1", "e=1", "f=1", "g=1", "h=1", "i=1", "j=1", "k=2"),
		want: []string{
			"投资概算明细 第 3 行 · 金额|0.000001 万元|0.000002 万元",
			"投资概算明细 第 11 行 · 金额|0.000001 万元|0.000002 万元",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := changesOf(t, tc.old, tc.new)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// A resource taken out is one change that counts its items, not one cell
// holding every item's every field.
func TestDiffCountsTheItemsOfARemovedResource(t *testing.T) {
	res := func(code, name string, items int) string {
		var its []string
		for i := range items {
			its = append(its, fmt.Sprintf(`{"name":"项%d","data_type":"C","length":18}`, i))
		}
		return fmt.Sprintf(`{"code":%q,"name":%q,"items":[%s]}`, code, name, strings.Join(its, ","))
	}
	cat := func(rs ...string) string { return `{"catalogue":{"entries":[` + strings.Join(rs, ",") + `]}}` }
	got := changesOf(t,
		cat(res("101001/000001", "人口", 3), res("101001/000002", "法人", 12), res("101001/000003", "房屋", 2)),
		cat(res("101001/000001", "人口", 3), res("101001/000003", "房屋", 2)))
	if len(got) != 1 || !strings.HasPrefix(got[0], "信息资源 第 2 行（已删除）|") || !strings.Contains(got[0], "法人") ||
		!strings.Contains(got[0], "信息项：12 行") || strings.Contains(got[0], "项11") || !strings.HasSuffix(got[0], "|") {
		t.Errorf("changes:\n%s", strings.Join(got, "\n"))
	}
}

// A table past the common run's bound still pairs its unchanged rows: one
// row put in and one edited among 1,500 read as 3,001 changes.
func TestDiffPairsTheRowsOfALongTable(t *testing.T) {
	rows := func(n, insertAt int, edit int) string {
		var rs []string
		for i := range n {
			if i == insertAt {
				rs = append(rs, `{"kind":"self","name":"新增来源","amount":1}`)
			}
			amount := 100 + i
			if i == edit {
				amount = 1
			}
			rs = append(rs, fmt.Sprintf(`{"kind":"local","name":"来源%d","amount":%d}`, i, amount))
		}
		return `{"declaration":{"funding":[` + strings.Join(rs, ",") + `]}}`
	}
	got := changesOf(t, rows(1500, -1, -1), rows(1500, 700, 900))
	if len(got) != 2 || !strings.HasPrefix(got[0], "资金来源 第 701 行（新增）||") || !strings.HasPrefix(got[1], "资金来源 第 902 行 · 金额|") {
		t.Errorf("%d changes:\n%s", len(got), strings.Join(got[:min(len(got), 10)], "\n"))
	}
}

// A resource is known by its 分类码/顺序码: moved and renamed, it is that
// resource changed, not one removed and another added.
func TestDiffKnowsAResourceByItsCode(t *testing.T) {
	res := func(seq, name string) string {
		return fmt.Sprintf(`{"category":"101001","sequence":%q,"name":%q,"items":[]}`, seq, name)
	}
	cat := func(rs ...string) string { return `{"catalogue":{"entries":[` + strings.Join(rs, ",") + `]}}` }
	got := changesOf(t, cat(res("000001", "人口"), res("000002", "法人")), cat(res("000002", "法人单位"), res("000001", "人口信息")))
	if len(got) != 2 || !strings.HasPrefix(got[0], "信息资源 第 1 行 · 名称|法人|法人单位") || !strings.HasPrefix(got[1], "信息资源 第 2 行 · 名称|人口|人口信息") {
		t.Errorf("changes:\n%s", strings.Join(got, "\n"))
	}
	// A space the clerk took out of a code is a change of the code, not
	// another resource in place of the first.
	got = changesOf(t, cat(res("000002 ", "法人"), res("000003 ", "人口")), cat(res("000003", "人口"), res("000002", "法人")))
	if len(got) != 2 || !strings.HasPrefix(got[0], "信息资源 第 1 行 · 顺序码|000003 |000003") || !strings.HasPrefix(got[1], "信息资源 第 2 行 · 顺序码|000002 |000002") {
		t.Errorf("changes of a trimmed code:\n%s", strings.Join(got, "\n"))
	}
}

// BenchmarkDiffRenamedRows: a budget of 5,000 rows every one renamed (no
// row unchanged, no name found again), the pairing's worst case.
func BenchmarkDiffRenamedRows(b *testing.B) {
	body := func(prefix string) []byte {
		var rs []string
		for i := range 5000 {
			rs = append(rs, fmt.Sprintf(`{"category":"hardware","name":"%s%d","amount":%d}`, prefix, i, i))
		}
		return []byte(`{"declaration":{"budget":[` + strings.Join(rs, ",") + `]}}`)
	}
	o, n := body("旧"), body("新")
	for b.Loop() {
		diff(o, n)
	}
}

// A text is shown as the clerk typed it: the comparison showed JSON's
// escapes (\n, R\u0026D, \u003c, C:\\data) and cut a closing quote.
func TestDiffShowsTextAsTyped(t *testing.T) {
	got := changesOf(t, `{"declaration":{"goals":"一、甲","content":"旧"}}`,
		`{"declaration":{"goals":"一、甲；\n二、R&D 投入 < 2 秒","content":"C:\\data\\grid \"引号\""}}`)
	want := []string{"建设目标|一、甲|一、甲；\n二、R&D 投入 < 2 秒", "建设内容|旧|C:\\data\\grid \"引号\""} // as the form has them
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%q\nwant\n%q", got, want)
	}
}

// A removed attachment reads in words: its material's name, its size, a
// short digest ("材料：other；大小：66" before).
func TestDiffNamesAnAttachmentsCodes(t *testing.T) {
	got := changesOf(t, `{"declaration":{"goals":"a"},"attachments":[{"name":"a.pdf","material":"other","media_type":"application/pdf","sha256":"`+strings.Repeat("a", 64)+`","size":66}]}`,
		`{"declaration":{"goals":"a"}}`)
	if len(got) != 1 || !strings.Contains(got[0], "材料：其他材料") || !strings.Contains(got[0], "大小：66 字节") || !strings.Contains(got[0], "校验值：aaaaaaaaaaaa…；") {
		t.Errorf("changes:\n%s", strings.Join(got, "\n"))
	}
}
