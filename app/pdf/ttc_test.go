package pdf

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// collect wraps font files into a TrueType collection, as .ttc files are
// laid out: one header, each face's table directory pointing into the file.
func collect(fonts ...[]byte) []byte {
	head := 12 + 4*len(fonts)
	out := make([]byte, head)
	copy(out, "ttcf")
	binary.BigEndian.PutUint32(out[4:], 0x00010000)
	binary.BigEndian.PutUint32(out[8:], uint32(len(fonts)))
	for i, f := range fonts {
		base := len(out)
		binary.BigEndian.PutUint32(out[12+4*i:], uint32(base))
		face := bytes.Clone(f)
		n := int(binary.BigEndian.Uint16(face[4:]))
		for t := 0; t < n; t++ {
			rec := face[12+16*t:]
			binary.BigEndian.PutUint32(rec[8:], binary.BigEndian.Uint32(rec[8:])+uint32(base))
		}
		out = append(out, face...)
	}
	return out
}

// A face taken out of a collection is a font of its own with the same
// glyphs, and a collection's second face is found too.
func TestCollectionFace(t *testing.T) {
	dejavu, err := os.ReadFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
	if err != nil {
		t.Skip("no DejaVu Sans (fonts-dejavu-core)")
	}
	ttc := collect(dejavu, dejavu)
	for i := 0; i < 2; i++ {
		face, err := collectionFace(ttc, i)
		if err != nil {
			t.Fatal(err)
		}
		if !trueType(face) {
			t.Fatalf("face %d: not TrueType", i)
		}
		f, err := sfnt.Parse(face)
		if err != nil {
			t.Fatalf("face %d: %v", i, err)
		}
		var buf sfnt.Buffer
		if gi, _ := f.GlyphIndex(&buf, '♞'); gi == 0 {
			t.Errorf("face %d lost the glyph ♞", i)
		}
	}
	if _, err := collectionFace(ttc, 2); err == nil {
		t.Error("face 2 of a two-face collection was returned")
	}
	if same, _ := collectionFace(dejavu, 0); !bytes.Equal(same, dejavu) {
		t.Error("a plain font was changed")
	}
	if _, err := NewFonts(fonts(t).regular, fonts(t).bold, ttc[:16]); err == nil {
		t.Error("a collection header was accepted as a fallback font")
	}
}
