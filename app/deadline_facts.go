package app

import (
	"encoding/binary"
	"errors"
)

// DeclarationFacts are the facts of one declaration that profile conditions
// read (see Cond and Facts), the route aside, kept in a compact binary form. A store
// keeps them beside a filing's summary so that the deadlines of many
// projects can be counted without decoding their declarations: whether a
// deadline applies may depend on any fact (郁南县's 立项审批意见有效期 applies
// to 立项审批 projects only, which is a band of the total investment). The
// route is not kept, because it depends on the profile; it is decided again
// from the total investment when the facts are used. The zero value holds
// the facts of an empty declaration.
type DeclarationFacts struct {
	enc string // factsVersion, then the non-zero facts; see AppendBinary
}

// factsVersion is the first byte of encoded facts.
const factsVersion = 1

// factNumbers numbers the facts in encoded DeclarationFacts: fact
// factNumbers[i] is written as i+1, which keeps a declaration's facts near
// 100 bytes (their names would take 400). The list may only grow at its
// end: stored facts are read back by these numbers. Every fact but the
// route and the dated facts must be in it (TestDeclarationFactsKeepEveryFact).
var factNumbers = []string{
	"budget.cloud", "budget.construction", "budget.crypto_assessment", "budget.hardware", "budget.integration",
	"budget.management", "budget.om", "budget.security_assessment", "budget.software_dev", "budget.software_purchase",
	"budget.software_testing", "budget.supervision", "class", "crypto.level", "crypto.review", "crypto.summary",
	"current_state", "deployment.explanation", "deployment.mode", "indicators", "integrated", "nature", "om_annual",
	"plan", "plan_basis", "security.assess", "security.level", "security.plan", "service_types", "shares_data",
	"sharing_analysis", "total_investment", "xinchuang.notes", "xinchuang.supported", "year_amount",
	"unit_type", "funding.kind", "legal_exception", "capital_project",
}

// FactsOf returns the facts of d (of an empty declaration when d is nil).
func FactsOf(d *Declaration) DeclarationFacts {
	if d == nil {
		return DeclarationFacts{}
	}
	all := extractFacts(d, "")
	b := []byte{factsVersion}
	for i, n := range factNumbers {
		v, kind := all[n], facts[n].kind
		if v.zero() {
			continue
		}
		b = binary.AppendUvarint(b, uint64(i+1))
		b = append(b, byte(kind))
		switch kind {
		case factMoney:
			b = binary.AppendVarint(b, int64(v.money))
		case factInt:
			b = binary.AppendVarint(b, int64(v.num))
		case factCode:
			b = appendFactString(b, v.code)
		case factFlag: // present only when true
		case factSet:
			b = binary.AppendUvarint(b, uint64(len(v.set)))
			for _, s := range v.set {
				b = appendFactString(b, s)
			}
		}
	}
	if len(b) == 1 {
		return DeclarationFacts{}
	}
	return DeclarationFacts{enc: string(b)}
}

func (v factValue) zero() bool {
	return v.money == 0 && v.num == 0 && v.code == "" && !v.flag && len(v.set) == 0
}

func appendFactString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// IsZero reports whether f are the facts of an empty declaration.
func (f DeclarationFacts) IsZero() bool { return f.enc == "" }

// AppendBinary appends the encoded facts to b: nothing for the zero value,
// else a version byte, then each fact that is not zero as its number (see
// factNumbers), its kind and its value, so a reader skips facts it does not
// know. It never fails.
func (f DeclarationFacts) AppendBinary(b []byte) ([]byte, error) { return append(b, f.enc...), nil }

// UnmarshalBinary sets f from what AppendBinary wrote (empty: the zero
// value). It checks the whole encoding, so using f later cannot fail; facts
// this program does not know are dropped.
func (f *DeclarationFacts) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		*f = DeclarationFacts{}
		return nil
	}
	if err := walkFacts(b, nil); err != nil {
		return err
	}
	*f = DeclarationFacts{enc: string(b)}
	return nil
}

var errBadFacts = errors.New("malformed declaration facts")

// decodeFacts returns the facts b encodes; without a route.
func decodeFacts(b []byte) (map[string]factValue, error) {
	out := map[string]factValue{}
	err := walkFacts(b, func(name string, v factValue) { out[name] = v })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// walkFacts checks the facts b encodes and calls fn (unless nil) with each
// one this program knows.
func walkFacts(b []byte, fn func(name string, v factValue)) error {
	if len(b) == 0 {
		return nil
	}
	if b[0] != factsVersion {
		return errBadFacts
	}
	b = b[1:]
	str := func() (string, bool) {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return "", false
		}
		s := string(b[n : n+int(l)])
		b = b[n+int(l):]
		return s, true
	}
	varint := func() (int64, bool) {
		v, n := binary.Varint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	for len(b) > 0 {
		num, n := binary.Uvarint(b)
		if n <= 0 || len(b) == n {
			return errBadFacts
		}
		name := ""
		if num >= 1 && num <= uint64(len(factNumbers)) {
			name = factNumbers[num-1]
		}
		kind := factKind(b[n])
		b = b[n+1:]
		var ok bool
		var v factValue
		switch kind {
		case factMoney, factInt:
			var x int64
			if x, ok = varint(); !ok {
				return errBadFacts
			}
			v.money, v.num = Money(x), int(x)
		case factCode:
			if v.code, ok = str(); !ok {
				return errBadFacts
			}
		case factFlag:
			v.flag = true
		case factSet:
			n, m := binary.Uvarint(b)
			if m <= 0 || n > uint64(len(b)) {
				return errBadFacts
			}
			b = b[m:]
			for range n {
				s, ok := str()
				if !ok {
					return errBadFacts
				}
				v.set = append(v.set, s)
			}
		default:
			return errBadFacts // a kind this program cannot skip
		}
		if def, known := facts[name]; known && def.kind == kind && fn != nil {
			if kind == factMoney {
				v.num = 0
			} else if kind == factInt {
				v.money = 0
			}
			fn(name, v)
		}
	}
	return nil
}

// values returns the facts with the route their total investment takes
// under prof (none when prof is nil).
func (f DeclarationFacts) values(prof *Profile) map[string]factValue {
	m, err := decodeFacts([]byte(f.enc))
	if err != nil { // UnmarshalBinary or FactsOf made f: cannot happen
		m = map[string]factValue{}
	}
	route := ""
	if prof != nil {
		route = prof.routing(m, 0).Code
	}
	m["route"] = factValue{code: route}
	return m
}
