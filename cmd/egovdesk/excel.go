package main

import (
	"io"

	"egovdesk/app"
	"egovdesk/app/xlsx"
	"egovdesk/ui"
)

// workbooks is the UI's Excel import and export of catalogues, over app/xlsx.
type workbooks struct{}

var _ ui.Excel = workbooks{}

// Import reads a catalogue workbook as a draft; see xlsx.ImportDraft.
func (workbooks) Import(r io.Reader) (*app.Catalogue, error) { return xlsx.ImportDraft(r) }

// Export writes c as a workbook; see xlsx.Export.
func (workbooks) Export(w io.Writer, c *app.Catalogue) error { return xlsx.Export(w, c) }
