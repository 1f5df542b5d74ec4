package app

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestParseWan(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"120", 120 * Wan, true},
		{"99.5", 99*Wan + 500_000, true},
		{" 1,200.123456 ", 1200*Wan + 123_456, true},
		{"500万元", 500 * Wan, true},
		{"9.99", 9*Wan + 990_000, true},
		{"0.000001", 1, true},
		{"-3", -3 * Wan, true},
		{".5", Wan / 2, true},
		{"5.", 5 * Wan, true},
		{"", 0, false},
		{".", 0, false},
		{"1.0000001", 0, false}, // below one fen
		{"12a", 0, false},
		{"1e3", 0, false},
		// typed with an input method in full-width mode, or with its
		// Chinese full stop for the decimal point (found in the console)
		{"１２０", 120 * Wan, true},
		{"１，２００．５", 1200*Wan + 500_000, true},
		{"12。5", 12*Wan + 500_000, true},
		{"－３", -3 * Wan, true},
		{"1。2。3", 0, false},
		{"99999999999999999", 0, false},
		// A comma only between groups of three: "1,2" was read as 12.
		{"12,345,678", 12_345_678 * Wan, true},
		{"-1,000", -1000 * Wan, true},
		{"1,2", 0, false},
		{"1,23", 0, false},
		{"1,2345", 0, false},
		{",100", 0, false},
		{"100,", 0, false},
		{"1,,000", 0, false},
		{"1.000,5", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseWan(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseWan(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if err != nil {
			if ErrorCode(err) != EINVALID || ErrorMessage(err) == "" {
				t.Errorf("ParseWan(%q) error = %#v, want EINVALID with a message", tt.in, err)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("ParseWan(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		m            Money
		wan, yuan, s string
	}{
		{120 * Wan, "120", "1200000.00", "120 万元"},
		{99*Wan + 500_000, "99.5", "995000.00", "99.5 万元"},
		{1, "0.000001", "0.01", "0.000001 万元"},
		{-Wan, "-1", "-10000.00", "-1 万元"},
		{0, "0", "0.00", "0 万元"},
	}
	for _, tt := range tests {
		if got := tt.m.WanString(); got != tt.wan {
			t.Errorf("%d.WanString() = %q, want %q", tt.m, got, tt.wan)
		}
		if got := tt.m.YuanString(); got != tt.yuan {
			t.Errorf("%d.YuanString() = %q, want %q", tt.m, got, tt.yuan)
		}
		if got := tt.m.String(); got != tt.s {
			t.Errorf("%d.String() = %q, want %q", tt.m, got, tt.s)
		}
		back, err := ParseWan(tt.m.WanString())
		if err != nil || back != tt.m {
			t.Errorf("round trip of %d through %q = %d, %v", tt.m, tt.m.WanString(), back, err)
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	b, err := json.Marshal(struct{ A Money }{123 * Wan})
	if err != nil || string(b) != `{"A":123000000}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var v struct{ A Money }
	if err := json.Unmarshal([]byte(`{"A":1.5}`), &v); err == nil {
		t.Fatal("fractional fen accepted")
	}
	if err := json.Unmarshal([]byte(`{"A":42}`), &v); err != nil || v.A != 42 {
		t.Fatalf("Unmarshal = %d, %v", v.A, err)
	}
	if err := json.Unmarshal([]byte(`{"A":-9223372036854775808}`), &v); err != nil || v.A != math.MinInt64 {
		t.Fatalf("Unmarshal of the smallest amount = %d, %v", v.A, err)
	}
	for _, in := range []string{`1.5`, `1e3`, `1.0`, `"42"`, `9223372036854775808`, `true`, `[]`} {
		if err := json.Unmarshal([]byte(`{"A":`+in+`}`), &v); err == nil {
			t.Errorf("amount %s accepted as %d", in, v.A)
		}
	}
	b, err = json.Marshal(struct {
		A Money `json:"a,omitempty"`
		B Money `json:"b"`
	}{0, -7})
	if err != nil || string(b) != `{"b":-7}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
}

// A wrong amount in a body is refused naming the field and saying what an
// amount must be.
func TestDecodeBodyMoneyProblem(t *testing.T) {
	for _, in := range []string{`1.5`, `"180"`, `1e6`} {
		_, err := DecodeBody([]byte(`{"id":"f","kind":"declaration","revision":1,"revision_id":"r","declaration":{"budget":[{"amount":` + in + `}]}}`))
		msg := ErrorMessage(err)
		if ErrorCode(err) != EINVALID || !strings.Contains(msg, "declaration.budget.amount") || !strings.Contains(msg, "以分为单位的整数") {
			t.Errorf("amount %s: %v", in, err)
		}
	}
}

// A count is read with commas between groups of three only: "1,2" users
// was read as 12.
func TestParseCount(t *testing.T) {
	// full-width, as an input method types them
	for in, want := range map[string]int64{"": 0, "12": 12, " 12,345 ": 12345, "1,000,000": 1000000, "１２，３４５": 12345, "　８　": 8} {
		if got, err := ParseCount(in); err != nil || got != want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"1,2", "1,23", "12,34,567", "1.5", "十二", "１，２", "1。5"} {
		if _, err := ParseCount(in); err == nil {
			t.Errorf("ParseCount(%q) was read", in)
		}
	}
}
