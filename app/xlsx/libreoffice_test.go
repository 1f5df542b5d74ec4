package xlsx_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// soffice returns LibreOffice's command. The test is skipped when it is
// not installed, unless EGOVDESK_NEED_SOFFICE is set (make xlsx-roundtrip):
// then a missing LibreOffice fails it.
func soffice(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("EGOVDESK_NEED_SOFFICE") != "" {
			t.Fatalf("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
		}
		t.Skip("LibreOffice (soffice) is not installed; make xlsx-roundtrip runs this test")
	}
	return p
}

// tool returns the command of a poppler-utils tool, skipping or failing
// the test as soffice does when it is missing.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("EGOVDESK_NEED_SOFFICE") != "" {
			t.Fatalf("%s is not installed: apt-get install poppler-utils", name)
		}
		t.Skipf("%s (poppler-utils) is not installed", name)
	}
	return p
}

// convert runs soffice --headless --convert-to to on in, with a profile in
// the test's directory work (so that it neither meets a LibreOffice the user
// has open nor leaves one behind; made once, it saves seconds on the next
// run), and returns the path of the file written in work/sub.
func convert(t *testing.T, bin, in, to, work, sub string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := filepath.Join(work, sub)
	profile := "file://" + filepath.Join(work, "profile")
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation="+profile, "--headless", "--norestore",
		"--convert-to", to, "--outdir", dir, in)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice --convert-to %s %s: %v\n%s", to, in, err, out)
	}
	ext, _, _ := strings.Cut(to, ":")
	got := filepath.Join(dir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+ext)
	if _, err := os.Stat(got); err != nil {
		t.Fatalf("soffice wrote no %s: %v\n%s", got, err, out)
	}
	return got
}

// TestLibreOfficeRoundTrip saves an export as .ods with LibreOffice and
// that back as .xlsx, as a clerk's LibreOffice or WPS re-saves it: the
// catalogue imports identically, codes, dates and drop-down values and all.
func TestLibreOfficeRoundTrip(t *testing.T) {
	bin := soffice(t)
	dir := t.TempDir()
	want := sampleCatalogue()
	in := filepath.Join(dir, "catalogue.xlsx")
	if err := os.WriteFile(in, mustExport(t, want), 0o600); err != nil {
		t.Fatal(err)
	}
	ods := convert(t, bin, in, "ods", dir, "ods")
	back := convert(t, bin, ods, `xlsx:Calc MS Excel 2007 XML`, dir, "xlsx")
	data, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	got, err := xlsx.Import(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Import after LibreOffice: %v\n%v", err, app.FieldErrors(err))
	}
	// the text format of the code columns survives on the blank rows below,
	// so that a code typed there after LibreOffice saved the file stays text
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"C3", "E3", "E500", "C500"} {
		id, err := f.GetCellStyle("信息资源目录", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.NumFmt != 49 && (st.CustomNumFmt == nil || *st.CustomNumFmt != "@") {
			t.Errorf("after LibreOffice, 信息资源目录!%s has number format %d %v, want text", cell, st.NumFmt, st.CustomNumFmt)
		}
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got.Entries), len(want.Entries)) {
			if !reflect.DeepEqual(got.Entries[i], want.Entries[i]) {
				t.Errorf("entries[%d]:\n got %+v\nwant %+v", i, got.Entries[i], want.Entries[i])
			}
		}
		t.Fatalf("LibreOffice round trip differs:\n got %+v\nwant %+v", got, want)
	}
}

// TestLibreOfficePrint prints an export to PDF with LibreOffice: the
// catalogue sheet comes out on landscape A3 pages, every column on one
// page width, and the lists on landscape A4. With EGOVDESK_PRINT_PNG set
// to a path, the first page is also rendered there with pdftoppm
// (make xlsx-print writes docs/catalogue-print.png).
func TestLibreOfficePrint(t *testing.T) {
	bin := soffice(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "catalogue.xlsx")
	if err := os.WriteFile(in, mustExport(t, sampleCatalogue()), 0o600); err != nil {
		t.Fatal(err)
	}
	pdf := convert(t, bin, in, "pdf", dir, "pdf")
	info, err := exec.Command(tool(t, "pdfinfo"), "-f", "1", "-l", "100", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	// Page    1 size:  1190.55 x 841.89 pts (A3)
	var sizes []string
	for _, m := range regexp.MustCompile(`size:\s+([\d.]+) x ([\d.]+) pts(?: \((\w+)\))?`).FindAllStringSubmatch(string(info), -1) {
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		orient := "portrait"
		if w > h {
			orient = "landscape"
		}
		sizes = append(sizes, m[3]+" "+orient)
	}
	// the catalogue (26 rows) on one A3 page, the three lists on one A4
	// page each, 目录信息 on one A4 portrait page
	want := []string{"A3 landscape", "A4 landscape", "A4 landscape", "A4 landscape", "A4 portrait"}
	if !reflect.DeepEqual(sizes, want) {
		t.Errorf("printed pages = %v, want %v", sizes, want)
	}
	if png := os.Getenv("EGOVDESK_PRINT_PNG"); png != "" {
		out, err := exec.Command(tool(t, "pdftoppm"), "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", pdf,
			strings.TrimSuffix(png, ".png")).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		t.Logf("first page rendered to %s", png)
	}
}
