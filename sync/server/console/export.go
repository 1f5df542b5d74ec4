package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"egovdesk/app"
)

// maxExportRows bounds one export of the queue.
const maxExportRows = 100_000

// queueCSV sends every queued filing that matches the queue's filters as
// CSV for Excel: UTF-8 with a byte order mark (which Excel needs to read
// Chinese), one row per filing, cells that a spreadsheet would take for a
// formula prefixed with an apostrophe.
func (c *Console) queueCSV(w http.ResponseWriter, r *http.Request, s *session) {
	form := r.URL.Query()
	form.Del("after")
	q, problem := parseQueueQuery(form)
	if problem != "" {
		c.errorPage(w, r, http.StatusUnprocessableEntity, "无法导出", problem)
		return
	}
	q.Limit = 500
	now := c.b.Now()
	var rows [][]string
	stepped := c.nameSteps(nil) // once: a profile changed during the export would shift the columns
	for {
		page, err := c.b.Queue(r.Context(), s.token, q)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		// The step a filing waits at, as the page says it under its
		// status: the development-and-reform department's 联审 and its
		// 批复 are one status.
		c.nameSteps(page.Items)
		for _, it := range page.Items {
			total := ""
			if it.Total != 0 {
				total = it.Total.WanString()
			}
			late := ""
			if !it.Due.IsZero() && it.Due.Before(now) {
				late = "超期"
			}
			prof := c.b.Profile()
			row := []string{prof.ShownTitle(it.Kind, it.Title), prof.KindName(it.Kind), it.UnitName, strconv.Itoa(it.Year), it.RouteLabel, total, prof.StatusOn(it.Status, it.Kind, it.Route)}
			if stepped {
				row = append(row, "")
				if it.Step != "" {
					row[len(row)-1] = waitingAt(it.Step)
				}
			}
			rows = append(rows, append(row, strconv.Itoa(it.Revision), fmtTime(it.Since), it.LastDay().Format(dateLayout), late, it.ID))
		}
		if page.Next == "" || len(rows) >= maxExportRows {
			break
		}
		q.After = page.Next
	}
	head := []string{"材料名称", "类型", "建设单位", "计划年度", "审批路径", "总投资（万元）", "状态"}
	if stepped {
		head = append(head, "审核步骤")
	}
	c.writeCSV(w, "queue", now, append(head, "版本", "到达时间", "办理期限", "超期", "材料编号"), rows)
}

// writeCSV sends head and rows as the CSV file name-<time>.csv for Excel:
// UTF-8 with a byte order mark (which Excel needs to read Chinese), CRLF
// lines, every cell through safeCell.
func (c *Console) writeCSV(w http.ResponseWriter, name string, now time.Time, head []string, rows [][]string) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, name, now.In(app.Beijing).Format("20060102-1504")))
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(head)
	for _, row := range rows {
		for i, cell := range row {
			row[i] = safeCell(cell)
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		c.log.Warn(name+" export", "err", err)
	}
}

// safeCell keeps a spreadsheet from reading a cell as a formula: one that
// starts with = + - @, their full-width forms (which some spreadsheets
// read alike on import; found from outside), a tab or a carriage return
// gets a leading apostrophe.
func safeCell(s string) string {
	if r, _ := utf8.DecodeRuneInString(s); s != "" && strings.ContainsRune("=+-@\t\r＝＋－＠", r) {
		return "'" + s
	}
	return s
}
