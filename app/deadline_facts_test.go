package app

import (
	"reflect"
	"slices"
	"testing"
)

// The facts kept for a declaration are every fact conditions may read, with
// the values extractFacts gives, and the route is decided again from them.
func TestDeclarationFactsKeepEveryFact(t *testing.T) {
	kept := 0
	for n := range facts {
		if n == "route" || datedFacts[n] {
			if slices.Contains(factNumbers, n) {
				t.Errorf("fact %s is numbered, but it is the route or dated", n)
			}
			continue
		}
		kept++
		if !slices.Contains(factNumbers, n) {
			t.Errorf("fact %s has no number: add it at the end of factNumbers", n)
		}
	}
	if len(factNumbers) != kept {
		t.Errorf("factNumbers lists %d facts, there are %d besides the route and the dated ones", len(factNumbers), kept)
	}
	full := declFixture()
	full.Security.Level, full.OMAnnual, full.Plan = 3, Wans(12), PlanUrgent
	full.Deployment.Explanation, full.PlanBasis = "自建机房", "《十四五规划》"
	for name, d := range map[string]*Declaration{"empty": {}, "fixture": declFixture(), "full": full} {
		t.Run(name, func(t *testing.T) {
			f := FactsOf(d)
			b, err := f.AppendBinary(nil)
			if err != nil {
				t.Fatal(err)
			}
			var back DeclarationFacts
			if err := back.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if back != f || f.IsZero() != (name == "empty") {
				t.Fatalf("round trip: %q → %q", f.enc, back.enc)
			}
			got := back.values(nil)
			want := extractFacts(d, "")
			for n := range facts {
				g, w := got[n], want[n]
				if len(g.set) == 0 && len(w.set) == 0 {
					g.set, w.set = nil, nil
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("fact %s = %+v, want %+v", n, g, w)
				}
			}
			if len(b) > 192 { // the funding kinds (schema 7) took it past 160
				t.Errorf("facts take %d bytes", len(b))
			}
		})
	}
}

func TestDeclarationFactsRejectMalformed(t *testing.T) {
	good, _ := FactsOf(declFixture()).AppendBinary(nil)
	for name, b := range map[string][]byte{
		"version":   append([]byte{9}, good[1:]...),
		"truncated": good[:len(good)-1],
		"kind":      {factsVersion, 1, 99},
		"no kind":   {factsVersion, 1},
		"set count": {factsVersion, 29, byte(factSet), 200, 1},
	} {
		var f DeclarationFacts
		if err := f.UnmarshalBinary(b); err == nil {
			t.Errorf("%s: %v accepted", name, b)
		}
	}
	// A fact this program does not know is skipped, the others kept.
	unknown := slices.Concat([]byte{factsVersion, 200, 1, byte(factCode), 2, 'o', 'k'}, good[1:])
	var f DeclarationFacts
	if err := f.UnmarshalBinary(unknown); err != nil {
		t.Fatal(err)
	}
	if v := f.values(nil); v["total_investment"].money != Wans(180) || len(v) != len(extractFactsNonZero(declFixture()))+1 {
		t.Errorf("facts with an unknown one: %+v", v)
	}
}

func extractFactsNonZero(d *Declaration) map[string]factValue {
	out := map[string]factValue{}
	for n, v := range extractFacts(d, "") {
		if !v.zero() {
			out[n] = v
		}
	}
	return out
}
