package console

import (
	"strconv"
	"strings"

	"egovdesk/app"
)

// moneyFields hold integer fen.
var moneyFields = map[string]bool{"amount": true, "total_investment": true, "year_amount": true,
	"om_annual": true, "contract_amount": true}

// fieldValue writes a value of path as the document does: money in 万元
// with app's formatting, yes/no in Chinese.
func fieldValue(path, v string) string {
	last := path[strings.LastIndexByte(path, '.')+1:]
	switch {
	case v == "":
		return ""
	case moneyFields[last]:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return app.Money(n).String()
		}
	case v == "true":
		return "是"
	case v == "false":
		return "否"
	}
	return app.ValueLabel(path, v) // a code as the document shows it
}
