package docx

import (
	"bytes"
	"encoding/xml"
)

func newDecoder(b []byte) *xml.Decoder { return xml.NewDecoder(bytes.NewReader(b)) }
