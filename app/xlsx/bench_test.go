package xlsx_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// largeCatalogue returns a valid catalogue of n resources of m items each.
func largeCatalogue(n, m int) *app.Catalogue {
	c := sampleCatalogue()
	c.Demands, c.Duties, c.Negatives = nil, nil, nil
	proto := c.Entries[1] // unconditional, spreadsheet, open
	c.Entries = make([]app.Resource, n)
	for i := range c.Entries {
		r := proto
		r.Sequence = fmt.Sprintf("%06d", i+1)
		r.Name = fmt.Sprintf("城关镇社区网格事件信息（第 %d 类）", i+1)
		r.Items = make([]app.DataItem, m)
		for j := range r.Items {
			r.Items[j] = app.DataItem{Name: fmt.Sprintf("信息项%02d", j+1), DataType: app.DataChar, Length: 20 + j}
		}
		c.Entries[i] = r
	}
	return c
}

func BenchmarkExport(b *testing.B) {
	c := largeCatalogue(300, 20)
	b.ReportAllocs()
	for b.Loop() {
		if err := xlsx.Export(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImport(b *testing.B) {
	data := mustExport(b, largeCatalogue(300, 20))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xlsx.Import(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "workbook-bytes")
}
