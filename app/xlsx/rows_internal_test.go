package xlsx

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
)

// farCells returns a workbook of sheet with a header row of cells and n
// rows below it holding one cell each in the sheet's last column (XFD) —
// the value 1, or, with spaceOnly, a space — the last one also a cell in
// the first.
func farCells(t *testing.T, sheet string, header []string, n int, spaceOnly ...bool) *excelize.File {
	t.Helper()
	f := excelize.NewFile()
	t.Cleanup(func() { f.Close() })
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			t.Fatal(err)
		}
	}
	var value any = 1
	if len(spaceOnly) > 0 && spaceOnly[0] {
		value = " "
	}
	for r := 2; r < n+2; r++ {
		if err := f.SetCellValue(sheet, fmt.Sprintf("XFD%d", r), value); err != nil {
			t.Fatal(err)
		}
	}
	if n > 0 { // and the last row one in the first column, so none is a trailing blank
		if err := f.SetCellValue(sheet, fmt.Sprintf("A%d", n+1), "x"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestRowsAreReadToTheirColumns (found from outside): a 27 KB register of
// 4,000 rows, each one cell in the last column, took 2 GB of the bureau's
// memory (GetRows keeps every row padded to its last cell, 16,384
// strings), and 1 M such rows fit the 20 MB upload limit. Rows are now
// read one by one and kept to maxColumns, and content past them is
// refused at its row rather than dropped; the catalogue import too.
func TestRowsAreReadToTheirColumns(t *testing.T) {
	for _, sheet := range []string{SheetRegister, SheetCatalogue} {
		f := farCells(t, sheet, []string{"系统名称"}, 40)
		var err error
		if sheet == SheetRegister {
			_, err = sheetGrid(f, sheet)
		} else {
			_, err = readSheet(f, sheet, 0)
		}
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(err.Error(), "第 2 行在 BL 列之后还有内容") {
			t.Fatalf("%s: a row with a value in XFD: %v", sheet, err)
		}
	}
	// Cells past them holding only spaces are not content: read, and not
	// kept.
	f := farCells(t, SheetRegister, []string{"系统名称", "建设单位", "建设内容/功能"}, 40, true)
	grid, err := sheetGrid(f, SheetRegister)
	if err != nil {
		t.Fatal(err)
	}
	if len(grid) != 41 {
		t.Fatalf("%d rows, want 41", len(grid))
	}
	for i, r := range grid {
		if cap(r) > 2*maxColumns { // the clone may round up; a padded row is 16,384
			t.Fatalf("register row %d keeps %d cells", i+1, cap(r))
		}
		if i > 0 && i < 40 && r != nil { // nothing in the columns read: nothing kept
			t.Fatalf("register row %d, blank in its first %d columns, keeps %d cells", i+1, maxColumns, cap(r))
		}
	}
	c := farCells(t, SheetCatalogue, []string{"信息资源名称"}, 40, true)
	s, err := readSheet(c, SheetCatalogue, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.rows {
		if cap(r.cells) > 2*maxColumns {
			t.Fatalf("catalogue row %d keeps %d cells", r.n, cap(r.cells))
		}
	}
	// A sheet of more rows than any register, blank ones included, is
	// refused before they are read.
	big := farCells(t, SheetRegister, []string{"系统名称"}, 0)
	if err := big.SetCellValue(SheetRegister, fmt.Sprintf("A%d", maxSheetRows+1), "x"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := big.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRegister(&buf, 2027); app.ErrorCode(err) != app.ETOOLARGE {
		t.Fatalf("a register of %d rows: %v", maxSheetRows+1, err)
	}
}
