package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// Summary is a filing's list row as the store keeps it under s/ and copies
// it into each of its index entries, with what only the store needs. Index
// entries carry it, so listing never decodes a document.
type Summary struct {
	app.FilingRow

	// anchors is what a declaration or acceptance application tells about
	// its project's deadlines (app.AnchorsOf); the zero value for the other
	// kinds. Only the summary under s/ carries it, not the index entries:
	// lists do not show it, and an autosave that changes only it (the
	// amounts of a draft) must not move the filing in the lists. Rows that
	// List and Summary return leave it out; Store.Anchors returns it.
	anchors app.FilingAnchors

	receiptFolded bool // its receipt was read from a receipt key (receipt.go), which writeSummary removes
}

// summaryOf returns the summary of f, keeping the send and inbox fields of old
// (nil for a new filing) while the revision is the same.
func summaryOf(f *app.Filing, old *Summary) Summary {
	s := Summary{FilingRow: app.FilingRow{ID: f.ID, Kind: f.Kind, Status: f.Status, Title: f.Title(),
		PlanYear: f.PlanYear(), Created: f.Created, Updated: f.Updated, Listed: f.Updated, RevisionID: f.Revision.ID,
		RevisionNumber: f.Revision.Number, SubmittedAt: f.Revision.SubmittedAt}, anchors: app.AnchorsOf(f)}
	if old != nil {
		s.Unread = old.Unread
		if old.RevisionID == f.Revision.ID {
			s.Send, s.ReceiptID, s.ReceiptAt = old.Send, old.ReceiptID, old.ReceiptAt
		}
	}
	return s
}

// summaryVersion is the first byte of an encoded summary.
const summaryVersion = 1

// encode returns the compact binary form of what lists show, as index
// entries carry it: a version byte, then each field as a uvarint-prefixed
// string or a varint. It is several times faster to decode than JSON,
// which matters when a list decodes thousands of rows.
func (s *Summary) encode() []byte {
	b := make([]byte, 0, 96+len(s.ID)+len(s.Title)+len(s.RevisionID)+len(s.Send.Reason)+len(s.ReceiptID))
	b = append(b, summaryVersion)
	b = appendString(b, s.ID)
	b = appendString(b, string(s.Kind))
	b = appendString(b, string(s.Status))
	b = appendString(b, s.Title)
	b = binary.AppendVarint(b, int64(s.PlanYear))
	b = appendTime(b, s.Created)
	b = appendTime(b, s.Updated)
	b = appendTime(b, s.Listed)
	b = appendString(b, s.RevisionID)
	b = binary.AppendVarint(b, int64(s.RevisionNumber))
	b = appendTime(b, s.SubmittedAt)
	b = appendString(b, string(s.Send.State))
	b = appendString(b, s.Send.Reason)
	b = appendString(b, s.ReceiptID)
	b = appendTime(b, s.ReceiptAt)
	b = binary.AppendVarint(b, int64(s.Unread))
	return b
}

// encodeStored returns the form stored under s/: encode's, then the anchors
// when there are any (see appendAnchors).
func (s *Summary) encodeStored() []byte {
	b := s.encode()
	if s.anchors == (app.FilingAnchors{}) {
		return b
	}
	return appendAnchors(b, &s.anchors)
}

// appendAnchors appends a's fields but its kind (the summary's): strings,
// times with their zone offset (appendZonedTime) and the declaration's
// facts as a string.
func appendAnchors(b []byte, a *app.FilingAnchors) []byte {
	b = appendString(b, a.Project)
	b = appendString(b, a.Name)
	b = appendZonedTime(b, a.ApprovedAt)
	b = appendString(b, a.CompletedOn)
	b = appendZonedTime(b, a.AcceptedAt)
	facts, _ := a.Facts.AppendBinary(nil) // never fails
	b = appendString(b, string(facts))
	// A declaration's construction period and approved (核定) amount
	// follow (schema 5; a schema-4 summary ends here, and Open fills them
	// in: fillAnchors), then when it was first submitted (schema 6, the
	// same way); its plan year is the summary's. A later filing's
	// (app.LifecycleKinds) sent flag, date, type and year follow.
	// Acceptance applications end here.
	if a.Kind == app.KindDeclaration {
		b = appendString(b, a.PeriodStart)
		b = appendString(b, a.PeriodEnd)
		b = binary.AppendVarint(b, int64(a.Approved))
		return appendZonedTime(b, a.FirstSent) // schema 6
	}
	if !slices.Contains(app.LifecycleKinds, a.Kind) {
		return b
	}
	sent := int64(0)
	if a.Sent {
		sent = 1
	}
	b = binary.AppendVarint(b, sent)
	b = appendString(b, a.On)
	b = appendString(b, a.Type)
	return binary.AppendVarint(b, int64(a.Year))
}

// keepHistoryAnchors sets the anchors s takes from its filing's history
// (the decisions' dates, the first submission) to old's: s was made from a
// draft, which carries no history.
func (s *Summary) keepHistoryAnchors(old *Summary) {
	s.anchors.ApprovedAt, s.anchors.AcceptedAt = old.anchors.ApprovedAt, old.anchors.AcceptedAt
	if s.anchors.Kind == app.KindDeclaration {
		s.anchors.FirstSent = old.anchors.FirstSent
	}
}

// sameAnchors reports whether a and b hold the same anchors, as stored.
func sameAnchors(a, b *Summary) bool {
	return string(appendAnchors(nil, &a.anchors)) == string(appendAnchors(nil, &b.anchors)) &&
		(a.anchors == app.FilingAnchors{}) == (b.anchors == app.FilingAnchors{})
}

// appendZonedTime writes t like appendTime, then, unless t is zero, its
// zone's offset in seconds: a deadline counted from a decision counts days
// in the zone the bureau wrote its time in, as it did from the document.
func appendZonedTime(b []byte, t time.Time) []byte {
	b = appendTime(b, t)
	if t.IsZero() {
		return b
	}
	_, off := t.Zone()
	return binary.AppendVarint(b, int64(off))
}

var errBadSummary = errors.New("malformed summary")

// decodeSummary decodes what encode wrote.
func decodeSummary(b []byte) (Summary, error) {
	if len(b) == 0 || b[0] != summaryVersion {
		return Summary{}, errBadSummary
	}
	d := decoder{b: b[1:]}
	var s Summary
	s.ID = d.str()
	s.Kind = app.Kind(d.intern(kindNames))
	s.Status = app.Status(d.intern(statusNames))
	s.Title = d.str()
	s.PlanYear = int(d.varint())
	s.Created = d.time()
	s.Updated = d.time()
	s.Listed = d.time()
	s.RevisionID = d.str()
	s.RevisionNumber = int(d.varint())
	s.SubmittedAt = d.time()
	s.Send.State = app.SendState(d.intern(sendNames))
	s.Send.Reason = d.str()
	s.ReceiptID = d.str()
	s.ReceiptAt = d.time()
	s.Unread = int(d.varint())
	s.anchors = d.anchors(s.Kind)
	if d.err != nil {
		return Summary{}, fmt.Errorf("decode summary: %w", d.err)
	}
	return s, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendTime writes t as Unix nanoseconds; the zero time is written as 0.
// Times are stored in UTC-less form and read back in the local zone.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errBadSummary
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	if d.err != nil {
		return ""
	}
	l, n := binary.Uvarint(d.b)
	if n <= 0 || uint64(len(d.b)-n) < l {
		d.err = errBadSummary
		return ""
	}
	s := string(d.b[n : n+int(l)])
	d.b = d.b[n+int(l):]
	return s
}

// Interned names: decoding a list of thousands of rows need not allocate
// the same few kind, status and send-state strings again and again.
var (
	kindNames   = names(app.AllKinds())
	statusNames = names(app.Statuses)
	sendNames   = names([]app.SendState{app.SendNone, app.SendQueued, app.SendSending, app.SendSent, app.SendFailed,
		app.SendQuarantined})
)

func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// intern reads a string like str, returning the shared copy from known when
// it is one of them.
func (d *decoder) intern(known []string) string {
	if d.err != nil {
		return ""
	}
	l, n := binary.Uvarint(d.b)
	if n <= 0 || uint64(len(d.b)-n) < l {
		d.err = errBadSummary
		return ""
	}
	b := d.b[n : n+int(l)]
	d.b = d.b[n+int(l):]
	for _, k := range known {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}

func (d *decoder) time() time.Time {
	v := d.varint()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v)
}

// anchors reads the anchors appendAnchors wrote after the fields of a
// summary of kind under s/; none when there are no more bytes.
func (d *decoder) anchors(kind app.Kind) app.FilingAnchors {
	if len(d.b) == 0 || d.err != nil {
		return app.FilingAnchors{}
	}
	a := app.FilingAnchors{Kind: kind}
	a.Project = d.str()
	a.Name = d.str()
	a.ApprovedAt = d.zonedTime()
	a.CompletedOn = d.str()
	a.AcceptedAt = d.zonedTime()
	if facts := d.bytes(); d.err == nil {
		if err := a.Facts.UnmarshalBinary(facts); err != nil {
			d.err = err
		}
	}
	if len(d.b) == 0 || d.err != nil { // an acceptance application's, a declaration's as schema 4 wrote it
		return a
	}
	if kind == app.KindDeclaration {
		a.PeriodStart = d.str()
		a.PeriodEnd = d.str()
		a.Approved = app.Money(d.varint())
		if len(d.b) > 0 { // schema 6
			a.FirstSent = d.zonedTime()
		}
		return a
	}
	a.Sent = d.varint() == 1
	a.On = d.str()
	a.Type = d.str()
	a.Year = int(d.varint())
	return a
}

// decodeAnchors reads from an encoded summary under s/ only what Anchors
// needs, skipping the rest without copying it: decoding whole summaries
// took most of the home screen's deadline count.
func decodeAnchors(b []byte) (id string, listed time.Time, a app.FilingAnchors, err error) {
	if len(b) == 0 || b[0] != summaryVersion {
		return "", time.Time{}, a, errBadSummary
	}
	d := decoder{b: b[1:]}
	id = d.str()
	kind := app.Kind(d.intern(kindNames))
	d.bytes() // status
	d.bytes() // title
	planYear := int(d.varint())
	d.varint() // created
	d.varint() // updated
	listed = d.time()
	d.bytes()  // revision ID
	d.varint() // revision number
	d.varint() // submitted at
	d.bytes()  // send state
	d.bytes()  // send error
	d.bytes()  // receipt ID
	d.varint() // receipt at
	d.varint() // unread
	a = d.anchors(kind)
	switch {
	case a.Kind == app.KindDeclaration:
		a.PlanYear = planYear
	case a.Kind != app.KindAcceptance && a.Kind != "":
		a.ID = id // a later filing's, which a deadline it meets names
	}
	if d.err != nil {
		return "", time.Time{}, app.FilingAnchors{}, fmt.Errorf("decode summary: %w", d.err)
	}
	return id, listed, a, nil
}

// bytes reads a string like str, without copying it.
func (d *decoder) bytes() []byte {
	if d.err != nil {
		return nil
	}
	l, n := binary.Uvarint(d.b)
	if n <= 0 || uint64(len(d.b)-n) < l {
		d.err = errBadSummary
		return nil
	}
	b := d.b[n : n+int(l)]
	d.b = d.b[n+int(l):]
	return b
}

// zonedTime reads what appendZonedTime wrote. A time whose offset is the
// local zone's then is in time.Local, as encoding/json reads it.
func (d *decoder) zonedTime() time.Time {
	t := d.time()
	if t.IsZero() {
		return t
	}
	off := int(d.varint())
	if _, local := t.Zone(); local == off {
		return t
	}
	return t.In(time.FixedZone("", off))
}

// listGranularity is how far Listed may lag behind Updated. An autosave
// that changes nothing a list shows except the time, within this long after
// the filing last moved in the lists, rewrites the document and its summary
// but not its index entries. Moving an entry deletes its old key, and a run of
// thousands of autosaves would leave thousands of tombstones at the head of
// every newest-first index, which each listing must skip until compaction
// drops them (measured: 0.1 ms → 6–13 ms for a 50-row page after 13,000
// saves). With this, continuous editing moves a filing at most once a minute.
const listGranularity = time.Minute

// sameListing reports whether a and b show the same in a list, times aside.
func sameListing(a, b *Summary) bool {
	x, y := *a, *b
	x.Updated, x.Listed, y.Updated, y.Listed = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return string(x.encode()) == string(y.encode())
}

// desc returns the 16-hex-digit key fragment that sorts newer times first.
func desc(t time.Time) string { return fmt.Sprintf("%016x", listOrder(t)) }

// listOrder returns the number desc writes: smaller for newer times.
func listOrder(t time.Time) uint64 {
	n := int64(0)
	if !t.IsZero() && t.Unix() > 0 && t.Year() < 2262 {
		n = t.UnixNano()
	}
	return uint64(math.MaxInt64 - n)
}

// Anchors returns what every declaration, acceptance application and
// later filing (app.LifecycleKinds) tells about its project's deadlines (app.AnchorsOf, as of its last save or
// decision), newest first as lists order filings. It reads the summaries
// under s/ only, never a document, so the home screen can count the
// deadlines of 10,000 filings on every change. It fails with ctx's error or
// a wrapped storage error.
func (s *Store) Anchors(ctx context.Context) ([]app.FilingAnchors, error) {
	type row struct {
		order uint64 // listOrder
		id    string
		i     int // in all
	}
	var rows []row
	var all []app.FilingAnchors
	err := s.view(ctx, func(txn *badger.Txn) error {
		n := 0
		return iterate(txn, "s/", func(k, v []byte) error {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			switch k := app.Kind(peekKind(v)); {
			case k == app.KindDeclaration, k == app.KindAcceptance, k == "": // "": malformed, which decodeSummary reports
			case slices.Contains(app.LifecycleKinds, k):
			default:
				return nil
			}
			id, listed, a, err := decodeAnchors(v)
			if err != nil {
				return fmt.Errorf("summary of %s: %w", k, err)
			}
			rows = append(rows, row{listOrder(listed), id, len(all)})
			all = append(all, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read deadline anchors: %w", err)
	}
	slices.SortFunc(rows, func(a, b row) int { // as the x/ index keys: desc(Listed)/ID
		return cmp.Or(cmp.Compare(a.order, b.order), strings.Compare(a.id, b.id))
	})
	out := make([]app.FilingAnchors, len(rows))
	for i, r := range rows {
		out[i] = all[r.i]
	}
	return out, nil
}

// peekKind returns the kind of the encoded summary b without decoding it,
// "" when b is malformed (decodeSummary then says so).
func peekKind(b []byte) string {
	if len(b) == 0 || b[0] != summaryVersion {
		return ""
	}
	b = b[1:]
	l, n := binary.Uvarint(b) // the ID
	if n <= 0 || uint64(len(b)-n) < l {
		return ""
	}
	b = b[n+int(l):]
	l, n = binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < l {
		return ""
	}
	return string(b[n : n+int(l)])
}
