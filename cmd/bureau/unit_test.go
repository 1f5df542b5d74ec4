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
