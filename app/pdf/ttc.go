package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// trueType reports whether font data has TrueType outlines, the only
// kind fpdf embeds (not CFF, "OTTO").
func trueType(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	v := binary.BigEndian.Uint32(b)
	return v == 0x00010000 || string(b[:4]) == "true"
}

// collectionFace returns face i of a TrueType collection (.ttc, such as
// Windows' simsun.ttc and msyh.ttc or WenQuanYi's) as a standalone font
// file, so that it can serve as the fallback face. Data that is not a
// collection is returned as it is.
func collectionFace(b []byte, i int) ([]byte, error) {
	if len(b) < 12 || string(b[:4]) != "ttcf" {
		return b, nil
	}
	bad := errors.New("pdf: malformed font collection")
	n := int(binary.BigEndian.Uint32(b[8:]))
	if i < 0 || i >= n || len(b) < 12+4*n {
		return nil, bad
	}
	off := int(binary.BigEndian.Uint32(b[12+4*i:]))
	if off+12 > len(b) {
		return nil, bad
	}
	tables := int(binary.BigEndian.Uint16(b[off+4:]))
	dir := off + 12
	if dir+16*tables > len(b) {
		return nil, bad
	}
	head := 12 + 16*tables
	out := make([]byte, head, len(b))
	copy(out, b[off:off+12])
	for t := 0; t < tables; t++ {
		rec := b[dir+16*t : dir+16*t+16]
		start, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if start < 0 || length < 0 || start+length > len(b) {
			return nil, fmt.Errorf("%w: table %q", bad, rec[:4])
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		nr := out[12+16*t : 12+16*t+16]
		copy(nr, rec)
		binary.BigEndian.PutUint32(nr[8:], uint32(len(out)))
		out = append(out, b[start:start+length]...)
	}
	return out, nil
}
