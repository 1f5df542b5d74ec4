package xlsx_test

import (
	"bytes"
	"errors"
	"testing"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// FuzzImport feeds Import workbooks derived from an export: it must never
// panic, fail only with an *app.Error, and return only catalogues that
// pass Validate. Each input takes a few milliseconds; run it with a short
// minimisation time, or the worker spends a minute shrinking each workbook:
//
//	go test ./app/xlsx -run '^$' -fuzz FuzzImport -fuzztime 60s -fuzzminimizetime 2s
func FuzzImport(f *testing.F) {
	small := sampleCatalogue()
	small.Entries = small.Entries[:2]
	small.Duties = small.Duties[:2]
	small.Negatives = []app.Negative{small.Negatives[1], small.Negatives[3]}
	f.Add(mustExport(f, small))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := xlsx.Import(bytes.NewReader(data))
		var e *app.Error
		switch {
		case err != nil && !errors.As(err, &e):
			t.Fatalf("Import error %T %v is not an *app.Error", err, err)
		case err != nil && c != nil:
			t.Fatalf("Import returned a catalogue and an error")
		case err == nil:
			if verr := c.Validate(); verr != nil {
				t.Fatalf("imported catalogue does not validate: %v", verr)
			}
		}
	})
}
