package app

import "strings"

var (
	capitalDigits = []string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}
	capitalPlaces = []string{"", "拾", "佰", "仟"}
	capitalGroups = []string{"", "万", "亿", "万", "亿亿"}
)

// Capital writes m in 元 as the capital amount (人民币大写) that budget tables
// and payment documents carry beside the figures, by the rules of the
// People's Bank's 支付结算办法: "壹佰捌拾万元整", "壹仟陆佰捌拾元零叁角贰分",
// "壹拾元零伍分", "伍角整". Runs of zeros are written as one 零, an amount that
// ends at 元 or 角 ends with 整, and an amount with 分 does not. A negative
// amount is prefixed with 负.
func (m Money) Capital() string {
	var b strings.Builder
	n := int64(m)
	if n < 0 {
		b.WriteString("负")
		n = -n // Money never reaches MinInt64: ParseWan caps at 17 digits
	}
	yuan, jiao, fen := n/100, n/10%10, n%10
	if yuan > 0 {
		b.WriteString(capitalInteger(yuan))
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && fen == 0:
		if yuan == 0 {
			b.WriteString("零元")
		}
		b.WriteString("整")
		return b.String()
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteString(capitalDigits[fen] + "分")
		return b.String()
	}
	if yuan > 0 && yuan%10 == 0 {
		b.WriteString("零")
	}
	b.WriteString(capitalDigits[jiao] + "角")
	if fen == 0 {
		b.WriteString("整")
	} else {
		b.WriteString(capitalDigits[fen] + "分")
	}
	return b.String()
}

// capitalInteger writes n > 0 in capital digits with 拾佰仟 and 万亿 groups.
func capitalInteger(n int64) string {
	var groups []int64 // four digits each, lowest first
	for ; n > 0; n /= 10000 {
		groups = append(groups, n%10000)
	}
	var b strings.Builder
	zero := false // a zero is pending between written digits
	for g := len(groups) - 1; g >= 0; g-- {
		v := groups[g]
		if v == 0 {
			zero = b.Len() > 0
			continue
		}
		for p := 3; p >= 0; p-- {
			d := v / pow10(p) % 10
			if d == 0 {
				zero = b.Len() > 0
				continue
			}
			if zero {
				b.WriteString("零")
				zero = false
			}
			b.WriteString(capitalDigits[d] + capitalPlaces[p])
		}
		b.WriteString(capitalGroups[g])
		if g == 3 && groups[2] == 0 {
			b.WriteString("亿") // 壹万亿, but 壹万贰仟亿
		}
		zero = false // a group's trailing zeros need no 零: 壹佰万肆仟
	}
	return b.String()
}

func pow10(p int) int64 {
	n := int64(1)
	for ; p > 0; p-- {
		n *= 10
	}
	return n
}
