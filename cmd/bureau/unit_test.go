package main

import (
	"bytes"
	"os"
	"testing"
)

// docs/bureau.md shows the systemd unit the .deb installs, as it is.
func TestUnitDocumented(t *testing.T) {
	unit, err := os.ReadFile("../../scripts/packaging/bureau/egov-bureau.service")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/bureau.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, unit) {
		t.Error("docs/bureau.md does not show scripts/packaging/bureau/egov-bureau.service as it is: copy the unit into its systemd section")
	}
}

// A name stored before the bureau refused control characters neither acts
// on the admin's terminal nor splits `unit list`'s tab-separated line.
func TestPrintableNames(t *testing.T) {
	for in, want := range map[string]string{
		"霍邱县城关镇人民政府":      "霍邱县城关镇人民政府",
		"单位\x01\x07名":     `单位\x01\x07名`,
		"城关\t镇\n假行":       `城关\x09镇\x0a假行`,
		"城关\u202e镇\u200b": `城关\u202e镇\u200b`,
		"ئۇيغۇر":          "ئۇيغۇر",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
