package console

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A reminder of more items than it lists tells the unit where to see the
// rest: it pointed to the bureau's console, which units do not use.
func TestReminderSendsTheUnitToItsClient(t *testing.T) {
	var rows []overdueRow
	for i := range maxReminderItems + 3 {
		rows = append(rows, overdueRow{Project: fmt.Sprintf("平台%02d", i), Label: "年度运维情况备案", Due: "2027-01-31", Days: 30})
	}
	_, text := reminder(nil, time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC), rows, false)
	if !strings.Contains(text, "……另有 3 项未列出，请在 egovdesk 客户端各项目的项目档案中查看。") || strings.Contains(text, "审核台") {
		t.Errorf("the reminder's overflow:\n%s", text)
	}
}
