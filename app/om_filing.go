package app

import (
	"fmt"
	"time"
)

// OMFiling is the yearly filing of a system's operation and maintenance
// with the bureau (运维备案): 霍邱县 and 六安市 require the O&M situation of
// every project to be filed by year (运行维护管理).
type OMFiling struct {
	ProjectName string  `json:"project_name"`
	UnitName    string  `json:"unit_name"`
	Year        int     `json:"year"`                 // 运维年度
	GoLiveOn    string  `json:"go_live_on,omitempty"` // 投入运行日期 YYYY-MM-DD, copied from the project
	Provider    string  `json:"provider"`             // 运维服务单位
	Amount      Money   `json:"amount"`               // 本年度运维经费
	Situation   string  `json:"situation"`            // 运行维护情况：可用性、故障、安全事件、数据更新
	Plan        string  `json:"plan,omitempty"`       // 下一年度运维计划
	Contact     Contact `json:"contact"`
}

// Validate checks the filing at time now and returns every problem at once
// as an EINVALID *Error, or nil: the year is a year the system ran (not
// after this year, not before its go-live year when that is known).
func (o *OMFiling) Validate(now time.Time) error {
	var p Problems
	projectHead(&p, o.ProjectName, o.UnitName)
	switch {
	case o.Year < 2000 || o.Year > 2100:
		p.Add("year", "请填写运维年度（四位年份，如 2027）")
	case o.Year > now.Year():
		p.Add("year", "运维年度 %d 尚未开始：请在年度内或年度结束后报送", o.Year)
	}
	if o.GoLiveOn != "" {
		g, ok := parseCalDate(o.GoLiveOn)
		switch {
		case !ok:
			p.Add("go_live_on", "投入运行日期“%s”格式不正确，应为 2027-06-01 这样的日期", o.GoLiveOn)
		case o.Year >= 2000 && o.Year < g.y:
			p.Add("year", "运维年度 %d 早于投入运行的年份（%d）", o.Year, g.y)
		}
	}
	if isBlank(o.Provider) {
		p.Add("provider", "请填写运维服务单位（自行运维的填本单位名称）")
	}
	switch {
	case o.Amount < 0:
		p.Add("amount", "运维经费不能为负数（无经费的填 0）")
	case o.Amount > MaxAmount:
		p.Add("amount", "运维经费不能超过 %s，请核对单位（万元）", MaxAmount)
	}
	if isBlank(o.Situation) {
		p.Add("situation", "请填写本年度运行维护情况（运行是否稳定、故障及处理、安全事件、数据更新）")
	}
	contactProblems(&p, o.Contact)
	return p.Err()
}

// yearLabel returns "2027 年度" or "".
func yearLabel(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprintf("%d 年度", y)
}
