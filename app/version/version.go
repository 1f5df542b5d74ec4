// Package version says which build of egovdesk a program is: the release
// number `make dist` stamps into it with
//
//	-ldflags "-X egovdesk/app/version.number=0.1.0 -X egovdesk/app/version.commit=44f7a45"
//
// or, for a plain `go build`, what the go command recorded (the module's
// version and the VCS revision). The client sends Number with every request
// (protocol.HeaderClientVersion); the bureau compares it with its minimum.
//
// The package imports only the standard library.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Set by the linker (-X); empty in a development build.
var (
	number string // the release number, "0.1.0" or "0.1.0-3-g44f7a45" (git describe)
	commit string // the commit the release was built from
)

// readBuildInfo is debug.ReadBuildInfo, replaced in tests.
var readBuildInfo = debug.ReadBuildInfo

// Number returns the release number of this build without a leading "v":
// the one stamped by `make dist`, else the main module's version the go
// command recorded (a pseudo-version such as 0.0.0-20261203…-44f7a45 since
// Go 1.24), else "dev".
func Number() string {
	if number != "" {
		return strings.TrimPrefix(number, "v")
	}
	if bi, ok := readBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "dev"
}

// Commit returns the commit this build was made from: the stamped one, else
// the VCS revision the go command recorded (with "+dirty" for uncommitted
// changes), else "".
func Commit() string {
	if commit != "" {
		return commit
	}
	bi, ok := readBuildInfo()
	if !ok {
		return ""
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && modified == "true" {
		rev += "+dirty"
	}
	return rev
}

// String is the line `--version` prints for program: its name, number,
// commit, Go version and platform.
func String(program string) string {
	s := program + " " + Number()
	if c := Commit(); c != "" {
		s += " (" + c + ")"
	}
	return fmt.Sprintf("%s %s %s/%s", s, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// Release is the numeric part of a release number: major, minor, patch.
type Release [3]int

// String returns "major.minor.patch".
func (r Release) String() string { return fmt.Sprintf("%d.%d.%d", r[0], r[1], r[2]) }

// Less reports whether r is an older release than o.
func (r Release) Less(o Release) bool {
	for i := range r {
		if r[i] != o[i] {
			return r[i] < o[i]
		}
	}
	return false
}

// Parse reads the release of a number: "0.2", "v0.2.1", "0.2.1-3-g44f7a45"
// (git describe: commits after the tag) and "0.2.1+g44f7a45" all count by
// their leading major.minor[.patch]. It fails for anything else ("dev", "").
func Parse(s string) (Release, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+ "); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	var r Release
	if len(parts) < 2 || len(parts) > 3 {
		return r, fmt.Errorf("version %q: want major.minor.patch, e.g. 0.2.0", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || p[0] == '+' {
			return r, fmt.Errorf("version %q: want major.minor.patch, e.g. 0.2.0", s)
		}
		r[i] = n
	}
	return r, nil
}
