package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Release{
		"0.2":              {0, 2, 0},
		"v0.2.1":           {0, 2, 1},
		"0.2.1-3-g44f7a45": {0, 2, 1},
		"1.10.0+g44f7a45":  {1, 10, 0},
		" 2.0.0 ":          {2, 0, 0},
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "dev", "1", "1.x.0", "1.2.3.4", "1..2", "-1.0.0", "0.-1.0"} {
		if r, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, r)
		}
	}
}

func TestLess(t *testing.T) {
	cases := []struct {
		a, b Release
		less bool
	}{
		{Release{0, 1, 0}, Release{0, 2, 0}, true},
		{Release{0, 9, 9}, Release{0, 10, 0}, true}, // numbers, not strings
		{Release{1, 0, 0}, Release{0, 99, 99}, false},
		{Release{0, 2, 0}, Release{0, 2, 0}, false},
		{Release{0, 2, 1}, Release{0, 2, 0}, false},
	}
	for _, c := range cases {
		if got := c.a.Less(c.b); got != c.less {
			t.Errorf("%v.Less(%v) = %v", c.a, c.b, got)
		}
	}
}

func TestNumberAndCommit(t *testing.T) {
	defer func(n, c string, r func() (*debug.BuildInfo, bool)) { number, commit, readBuildInfo = n, c, r }(number, commit, readBuildInfo)

	// Stamped by make dist.
	number, commit = "v0.3.0-2-gabc", "abc1234"
	if Number() != "0.3.0-2-gabc" || Commit() != "abc1234" {
		t.Errorf("stamped: %q %q", Number(), Commit())
	}
	if s := String("bureau"); !strings.HasPrefix(s, "bureau 0.3.0-2-gabc (abc1234) go") {
		t.Errorf("String = %q", s)
	}

	// A plain go build: what the go command recorded.
	number, commit = "", ""
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203120000-44f7a45b1c2d+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "44f7a45b1c2d3e4f"}, {Key: "vcs.modified", Value: "true"}}}, true
	}
	if Number() != "0.0.0-20261203120000-44f7a45b1c2d+dirty" || Commit() != "44f7a45b1c2d+dirty" {
		t.Errorf("build info: %q %q", Number(), Commit())
	}

	// go run, no VCS: still something to print and send.
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true
	}
	if Number() != "dev" || Commit() != "" {
		t.Errorf("devel: %q %q", Number(), Commit())
	}
}
