package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
)

// Copies at the bureau of the new revision of a returned filing (a draft
// revision: the working copy at revision 2 or later, not yet submitted).
// The bureau keeps it under draftKey(filing ID, base revision ID), beside
// the new filings' drafts, with the same privacy and the same switch.
//
// Taken over on another machine (adoptRevisionDraft), such a copy becomes
// the draft revision on top of the filing restored from the bureau when it
// builds on the filing's head there. A copy that builds on a revision the
// filing has moved past (another machine submitted a revision since) is
// not dropped: its text becomes a new draft revision on the head, as a
// revision conflict does (Reconcile), with an inbox entry. A filing with a
// draft revision of its own keeps it: another machine's text is then
// stored as a separate new draft, with an inbox entry. Nothing is ever
// written over a newer local revision.

// keyWaitingDraft marks a draft revision whose filing is neither a draft
// nor returned (dw/<id>): the text of a revision conflict (Reconcile), or
// another machine's text moved onto a head under review, which waits for
// the bureau to return it. DraftUploads finds the other drafts through
// the status index; these it finds here. Submit removes the mark.
const keyWaitingDraft = "dw/"

// markWaitingDraft marks f's working copy as a waiting draft revision
// when its status is not one the status index scan covers.
func markWaitingDraft(txn *badger.Txn, f *app.Filing) error {
	if f.Status.Editable() || f.Revision.Submitted() {
		return nil
	}
	return txn.Set([]byte(keyWaitingDraft+f.ID), nil)
}

// draftKeySep separates a filing's ID from the base revision's in a
// draft's key at the bureau. IDs are UUIDs; the bureau takes any key of
// up to 200 characters.
const draftKeySep = "@"

// draftKey returns the key at the bureau of the draft of filing id built
// on revision base ("" for a new filing: the filing's ID alone, as the
// bureau has always kept new filings' drafts).
func draftKey(id, base string) string {
	if base == "" {
		return id
	}
	return id + draftKeySep + base
}

// splitDraftKey returns the filing's ID and the base revision's ID of key.
func splitDraftKey(key string) (id, base string) {
	id, base, _ = strings.Cut(key, draftKeySep)
	return id, base
}

// unsent reports whether sum is a filing whose working copy is a draft to
// keep at the bureau: a new filing never submitted, or the new revision of
// a filing that was.
func unsent(sum *Summary) bool {
	if sum == nil || !sum.SubmittedAt.IsZero() {
		return false
	}
	return deletable(sum) || sum.RevisionNumber >= 2
}

// baseOf returns the revision the working copy body of sum builds on (""
// for a new filing's draft).
func baseOf(sum *Summary, body []byte) string {
	if sum.RevisionNumber < 2 {
		return ""
	}
	var doc struct {
		Revision app.Revision `json:"revision"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return doc.Revision.BaseID
}

// copyObsolete reports whether the bureau's copy c under key is to be
// deleted there: the text it holds was submitted from here, or is no
// longer a draft here.
//   - a new filing's copy: the draft was submitted, or is gone;
//   - a revision's copy written from here: the working copy was submitted,
//     or is gone, or builds on another revision now (Reconcile moved it);
//   - another machine's copy taken over here (Moved): the filing that took
//     its text over submitted it, or deleted it;
//   - a copy another machine removed (Dropped) is none.
func copyObsolete(txn *badger.Txn, key string, c *draftCopy) (bool, error) {
	id, base := splitDraftKey(key)
	switch {
	case c.Dropped:
		return false, nil
	case c.Moved:
		sum, err := readSummary(txn, c.Into)
		return err == nil && !unsent(sum), err
	case base == "":
		sum, err := readSummary(txn, id)
		return err == nil && !deletable(sum), err
	}
	sum, err := readSummary(txn, id)
	if err != nil || !unsent(sum) {
		return err == nil, err
	}
	body, err := getValue(txn, "d/"+id)
	if err != nil {
		return false, err
	}
	return baseOf(sum, body) != base, nil
}

// adoptRevisionDraft takes over d, the bureau's copy of a new revision of
// a filing (doc, decoded), and returns an inbox entry when the clerk must
// look (see above):
//   - the filing's working copy is a draft revision on the same base:
//     as a new filing's draft (AdoptDraft): the newer text where it did
//     not change here, both texts where it did;
//   - the filing's head is submitted and d builds on it: d becomes its
//     draft revision;
//   - d builds on an older revision: its text becomes a new draft
//     revision on the head, with an entry, unless the bureau received that
//     revision already (it was submitted: then its copy is deleted);
//   - the filing has a draft revision on another base (or a Moved text
//     changed here): d is kept as a separate new draft, with an entry.
//
// A filing this machine does not hold (yet) is left for a later listing.
func adoptRevisionDraft(txn *badger.Txn, d BureauDraft, doc *app.Filing, now time.Time) (*app.Message, error) {
	id, base := splitDraftKey(d.ID)
	var c draftCopy
	if err := getJSON(txn, "dc/"+d.ID, &c); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return nil, err
	}
	if c.Moved {
		return adoptMovedAgain(txn, d, doc, &c, now)
	}
	old, err := readSummary(txn, id)
	if err != nil || old == nil {
		return nil, err // not restored here yet: the next listing takes it
	}
	f, err := readFiling(txn, id)
	if err != nil {
		return nil, err
	}
	kept := draftCopy{Version: d.Version, SHA256: d.SHA256}
	if !f.Revision.Submitted() {
		body, err := getValue(txn, "d/"+id)
		if err != nil {
			return nil, err
		}
		if baseOf(old, body) != base {
			// A draft revision of this machine's own, on another base:
			// kept beside it, unless it says the same (this machine's text
			// that another machine took over onto a later revision).
			if sameText(doc, f) {
				return nil, putJSON(txn, "dc/"+d.ID, draftCopy{Version: d.Version, SHA256: d.SHA256, Moved: true, Into: id, Local: sha(body)})
			}
			return keepRevisionText(txn, d, doc, &c, now)
		}
		mine := sha(body)
		switch {
		case mine == d.SHA256:
			return nil, putJSON(txn, "dc/"+d.ID, kept)
		case d.Version <= c.Version:
			return nil, nil // changed here only: its copy goes up
		case mine == c.SHA256:
			if err := putJSON(txn, "da/"+id, draftAdopted{Updated: doc.Updated}); err != nil {
				return nil, err
			}
			if _, err := putWorkingCopy(txn, d.Body, doc, f, old, 0); err != nil {
				return nil, err
			}
			return nil, putJSON(txn, "dc/"+d.ID, kept)
		}
		// Changed on both machines: keep both texts; this machine's
		// replaces the bureau's copy next.
		if err := putJSON(txn, "dc/"+d.ID, kept); err != nil {
			return nil, err
		}
		return keepText(txn, *doc, now, revisionTitle(doc, "在另一台电脑上也改过"),
			fmt.Sprintf("这份材料的第 %d 版在本机和本单位的另一台电脑上都做了修改。两份内容都已保留：本机的仍是第 %d 版草稿，"+
				"另一台电脑上的另存为一份新草稿。请对照核对，把需要的内容合并到第 %d 版后删除那份新草稿。",
				doc.Revision.Number, f.Revision.Number, f.Revision.Number))
	}
	if received, err := receivedRevision(txn, doc); err != nil || received {
		// Submitted already as it is (from the machine that wrote it, or
		// one that took it over): its copy is deleted (copyObsolete).
		return nil, putJSON(txn, "dc/"+d.ID, kept)
	}
	if base == f.Revision.ID {
		_, err := putWorkingCopy(txn, d.Body, doc, f, old, 0)
		if err != nil {
			return nil, err
		}
		return nil, putJSON(txn, "dc/"+d.ID, kept)
	}
	// Built on a revision the filing has moved past: a new draft revision
	// on the head, as a revision conflict keeps it.
	head := f.Revision
	was := doc.Revision.Number
	moved := *doc
	moved.Revision = app.Revision{ID: uuid.NewString(), Number: head.Number + 1, BaseID: head.ID}
	moved.Updated = now
	local, err := putWorkingCopy(txn, nil, &moved, f, old, 1)
	if err != nil {
		return nil, err
	}
	if err := putJSON(txn, "dc/"+d.ID, draftCopy{Version: d.Version, SHA256: d.SHA256, Moved: true, Into: id, Local: local}); err != nil {
		return nil, err
	}
	m := app.Message{ID: "draft-moved-" + moved.Revision.ID, Kind: app.MessageNotice, FilingID: id, FilingTitle: moved.Title(), At: now,
		Title: revisionTitle(&moved, fmt.Sprintf("的第 %d 版草稿已改为第 %d 版", was, moved.Revision.Number)),
		Body: fmt.Sprintf("数管局保留的这份草稿是在第 %d 版上修改的第 %d 版，但这份材料之后已在本单位的电脑上提交到第 %d 版（%s）。"+
			"草稿的内容没有丢失，已保存为第 %d 版草稿；请对照第 %d 版核对合并，材料退回修改后即可提交。",
			head.Number-1, was, head.Number, f.Status.Label(), moved.Revision.Number, head.Number)}
	if was != head.Number {
		m.Body = fmt.Sprintf("数管局保留的这份草稿（第 %d 版）是在较早的版本上修改的，但这份材料现已是第 %d 版（%s）。"+
			"草稿的内容没有丢失，已保存为第 %d 版草稿；请对照第 %d 版核对合并，材料退回修改后即可提交。",
			was, head.Number, f.Status.Label(), moved.Revision.Number, head.Number)
	}
	if err := putEntry(txn, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// adoptMovedAgain takes over a newer copy of another machine's text this
// machine took over before (c): into the same working copy while that is
// unchanged here since, else as a separate new draft.
func adoptMovedAgain(txn *badger.Txn, d BureauDraft, doc *app.Filing, c *draftCopy, now time.Time) (*app.Message, error) {
	if d.Version <= c.Version {
		return nil, nil
	}
	old, err := readSummary(txn, c.Into)
	if err != nil {
		return nil, err
	}
	if unsent(old) {
		body, err := getValue(txn, "d/"+c.Into)
		if err != nil {
			return nil, err
		}
		if sha(body) == c.Local {
			f, err := readFiling(txn, c.Into)
			if err != nil {
				return nil, err
			}
			next := *doc
			next.ID, next.Revision, next.Updated = f.ID, f.Revision, now
			local, err := putWorkingCopy(txn, nil, &next, f, old, 0)
			if err != nil {
				return nil, err
			}
			c.Version, c.SHA256, c.Local = d.Version, d.SHA256, local
			if err := putJSON(txn, "da/"+f.ID, draftAdopted{Updated: now}); err != nil {
				return nil, err
			}
			return nil, putJSON(txn, "dc/"+d.ID, c)
		}
	}
	return keepRevisionText(txn, d, doc, c, now)
}

// keepRevisionText keeps d's text (doc) as a separate new draft, as the
// copy taken over (Moved) into it, with an inbox entry.
func keepRevisionText(txn *badger.Txn, d BureauDraft, doc *app.Filing, c *draftCopy, now time.Time) (*app.Message, error) {
	if !c.Moved && c.Version >= d.Version && c.Version > 0 {
		return nil, nil
	}
	m, err := keepText(txn, *doc, now, revisionTitle(doc, "在另一台电脑上还有一份修改稿"),
		fmt.Sprintf("本单位的另一台电脑在这份材料的第 %d 版草稿里做了修改，与本机的修改不同。两份内容都已保留："+
			"本机的仍是原来的草稿，另一台电脑上的另存为一份新草稿。请对照核对，把需要的内容合并到原材料后删除那份新草稿。",
			doc.Revision.Number))
	if err != nil {
		return nil, err
	}
	body, err := getValue(txn, "d/"+m.FilingID)
	if err != nil {
		return nil, err
	}
	return m, putJSON(txn, "dc/"+d.ID, draftCopy{Version: d.Version, SHA256: d.SHA256, Moved: true, Into: m.FilingID, Local: sha(body)})
}

// revisionTitle returns an inbox title about doc: "《…》" then what.
func revisionTitle(doc *app.Filing, what string) string {
	return "《" + titleOr(strings.TrimSpace(doc.Title())) + "》" + what
}

// receivedRevision reports whether the store holds doc's revision as one
// the bureau received with doc's text (its snapshot under its number, with
// its ID and body hash). The same revision with another text is a draft
// changed after another machine submitted it.
func receivedRevision(txn *badger.Txn, doc *app.Filing) (bool, error) {
	var snap RevisionSnapshot
	err := getJSON(txn, revisionKey(doc.ID, doc.Revision.Number), &snap)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil || snap.Revision.ID != doc.Revision.ID {
		return false, err
	}
	_, sum, err := doc.Body().Encode()
	return err == nil && sum == snap.BodyHash, nil
}

// putWorkingCopy stores doc as the working copy of filing f (old its
// summary): a draft revision over the submitted head, or over the draft
// revision there. The filing keeps its status and history; body, when not
// nil, is another machine's d/ value, stored as it is (creation time and
// all, so that its copy is not sent back changed) when it has the
// filing's status here; otherwise doc is encoded with the filing's
// status, creation time and plan year. unread is added to the filing's
// unread count. It returns the SHA-256 of what it stored.
func putWorkingCopy(txn *badger.Txn, body []byte, doc *app.Filing, f *app.Filing, old *Summary, unread int) (string, error) {
	keep := body != nil && doc.Status == f.Status && doc.History == nil && !doc.Revision.Submitted()
	next := *doc
	next.History = nil
	if !keep {
		next.Status, next.Created, next.ProjectYear = f.Status, f.Created, f.ProjectYear
		next.Revision.SubmittedAt = time.Time{}
		var err error
		if body, err = json.Marshal(&next); err != nil {
			return "", fmt.Errorf("encode draft revision of %s: %w", f.ID, err)
		}
	}
	if err := txn.Set([]byte("d/"+f.ID), body); err != nil {
		return "", err
	}
	if err := markWaitingDraft(txn, &next); err != nil {
		return "", err
	}
	sum := summaryOf(&next, old)
	sum.keepHistoryAnchors(old)
	sum.Unread += unread
	if err := writeSummary(txn, old, &sum); err != nil {
		return "", err
	}
	return sha(body), nil
}

// dropRevisionCopy takes in that another machine removed the copy c of
// this machine's draft revision under key (it submitted the text, or took
// it over): the draft stays; unchanged since its copy, it does not go up
// again until it changes (Dropped); changed, it goes up as a new copy.
func dropRevisionCopy(txn *badger.Txn, key string, c *draftCopy) error {
	id, base := splitDraftKey(key)
	old, err := readSummary(txn, id)
	if err != nil || !unsent(old) {
		return err
	}
	body, err := getValue(txn, "d/"+id)
	if err != nil {
		return err
	}
	if baseOf(old, body) != base || sha(body) != c.SHA256 {
		return nil
	}
	return putJSON(txn, "dc/"+key, draftCopy{SHA256: c.SHA256, Dropped: true})
}

// sameText reports whether a and b say the same, whatever revision,
// status and times they carry.
func sameText(a, b *app.Filing) bool {
	enc := func(f *app.Filing) []byte {
		g := *f
		g.Revision, g.Status, g.Created, g.Updated, g.History = app.Revision{}, "", time.Time{}, time.Time{}, nil
		data, err := json.Marshal(&g)
		if err != nil {
			return nil
		}
		return data
	}
	x, y := enc(a), enc(b)
	return x != nil && string(x) == string(y)
}

// replacedRevision reports whether f, which checkSave refused as an
// out-of-date copy, is an editor's text of a draft revision that another
// machine's copy of the same revision replaced meanwhile (da/ mark: that
// machine revised the same returned revision under its own revision ID):
// Save then stores f, and keepAdoptedText keeps the other machine's text
// as a separate draft, as for a new filing's draft.
func replacedRevision(txn *badger.Txn, old *Summary, f *app.Filing) bool {
	if _, err := txn.Get([]byte("da/" + f.ID)); err != nil {
		return false
	}
	if !unsent(old) || old.RevisionNumber < 2 || f.Revision.Submitted() || f.Kind != old.Kind ||
		f.Revision.Number != old.RevisionNumber {
		return false
	}
	cur, err := readFiling(txn, f.ID)
	return err == nil && cur.Revision.BaseID == f.Revision.BaseID
}
