package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// pos is a cell position: row from 1, column from 0.
type pos struct{ row, col int }

// area is a merged range of cells, inclusive.
type area struct {
	ref      string // as in the workbook: "M5:M7"
	from, to pos
}

// sheetFacts is what excelize's row reader does not tell: which sheets
// are hidden, which cells hold numbers rather than text, and the merged
// ranges of each sheet.
type sheetFacts struct {
	hidden  bool
	numeric map[pos]bool
	merged  []area
}

// scanBook reads the sheet facts of an .xlsx package straight from its XML,
// keyed by sheet name: whether each sheet is hidden, and the cells of the
// sheets wanted names. A part it cannot read is left out: the facts only
// sharpen messages and checks, and excelize has already opened the file.
func scanBook(data []byte, wanted func(sheet string) bool) map[string]*sheetFacts {
	facts := make(map[string]*sheetFacts)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return facts
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	var wb struct {
		Sheets []struct {
			Attrs []xml.Attr `xml:",any,attr"` // r:id in the transitional or the strict namespace
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(files["xl/workbook.xml"], &wb) != nil || decodePart(files["xl/_rels/workbook.xml.rels"], &rels) != nil {
		return facts
	}
	targets := make(map[string]string)
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	for _, s := range wb.Sheets {
		var name, state, rid string
		for _, a := range s.Attrs {
			switch a.Name.Local {
			case "name":
				name = a.Value
			case "state":
				state = a.Value
			case "id":
				rid = a.Value
			}
		}
		sf := &sheetFacts{hidden: state == "hidden" || state == "veryHidden"}
		if f := files[targets[rid]]; f != nil && wanted(name) {
			sf.numeric, sf.merged = scanSheet(f)
		}
		facts[name] = sf
	}
	return facts
}

func decodePart(f *zip.File, v any) error {
	if f == nil {
		return io.ErrUnexpectedEOF
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v)
}

// maxNumericCells bounds the number cells scanSheet records: 8 a row on
// MaxRows rows, and more. Beyond it a number cell in a code column goes
// unnoticed unless in scientific notation; such a sheet is too large to
// import anyway.
const maxNumericCells = 1 << 20

// scanSheet returns the positions of the number cells of a worksheet part
// (<c> without a t attribute, or t="n") and its merged ranges.
func scanSheet(f *zip.File) (map[pos]bool, []area) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	numeric := make(map[pos]bool)
	var merged []area
	d := xml.NewDecoder(io.LimitReader(rc, 256<<20))
	row, col := 0, -1
	for {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "row":
			row, col = row+1, -1
			if n, err := atoiAttr(el, "r"); err == nil {
				row = n
			}
		case "c":
			col++
			typ := ""
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "r":
					if c, r, err := excelize.CellNameToCoordinates(a.Value); err == nil {
						row, col = r, c-1
					}
				case "t":
					typ = a.Value
				}
			}
			if (typ == "" || typ == "n") && len(numeric) < maxNumericCells {
				numeric[pos{row, col}] = true
			}
		case "mergeCell":
			for _, a := range el.Attr {
				if a.Name.Local != "ref" {
					continue
				}
				from, to, ok := strings.Cut(a.Value, ":")
				if !ok {
					continue
				}
				c1, r1, err1 := excelize.CellNameToCoordinates(from)
				c2, r2, err2 := excelize.CellNameToCoordinates(to)
				if err1 == nil && err2 == nil {
					merged = append(merged, area{a.Value, pos{min(r1, r2), min(c1, c2) - 1}, pos{max(r1, r2), max(c1, c2) - 1}})
				}
			}
		}
	}
	return numeric, merged
}

func atoiAttr(el xml.StartElement, name string) (int, error) {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			n := 0
			for _, r := range a.Value {
				if r < '0' || r > '9' {
					return 0, io.ErrUnexpectedEOF
				}
				n = n*10 + int(r-'0')
			}
			return n, nil
		}
	}
	return 0, io.ErrUnexpectedEOF
}
