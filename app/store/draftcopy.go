package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
)

// Copies of the drafts at the bureau (the unit's private draft area, see
// the syncer): which drafts changed since their copy went up, which copy
// the bureau holds of each, and which deleted drafts are still to be
// deleted there. A draft is a filing's working copy never submitted: a
// new filing (revision 1, Deletable), or the new revision of a filing the
// bureau returned (draftrevision.go). The bureau keeps each under a key
// of the client's (draftKey): the filing's ID for a new filing, the ID and
// the revision it builds on for a new revision, so that the texts of one
// filing built on different revisions never overwrite one another there.
// The copy's body is the draft's d/ value as stored, its hash the SHA-256
// of those bytes.
//
//	dc/<key>  draftCopy: the version and hash of the bureau's copy as last seen
//	dx/<id>   draftCopy: a deleted draft's copy, to be deleted at the bureau after the undo window
//	da/<id>   draftAdopted: the draft's text was replaced by another machine's copy (see keepAdoptedText)
//
// A draft is due to go up when its text's hash is not its copy's (no dc/:
// none went up yet). Nothing is written on the autosave path: the drafts
// are found through the status index (x/status/draft/, and
// x/status/returned/ for new revisions), and the marks of the draft
// revisions that wait on a filing under review (dw/, draftrevision.go).

// draftCopy is the bureau's copy of a draft as this machine last saw it.
type draftCopy struct {
	Version int64     `json:"version"`
	SHA256  string    `json:"sha256"`
	Deleted time.Time `json:"deleted,omitzero"` // dx/ only: when the draft was deleted here

	// A revision's copy (draftrevision.go) that another machine keeps on a
	// revision this machine's filing has moved past: its text was taken
	// over here into the working copy of filing Into (the same filing, as
	// a draft revision on the head, or a separate new draft), whose text
	// then hashed to Local. This machine neither writes it nor deletes it
	// while Into holds the text unsent: it is the other machine's.
	Moved bool   `json:"moved,omitempty"`
	Into  string `json:"into,omitempty"`
	Local string `json:"local,omitempty"`
	// Dropped: another machine removed the copy of this revision draft
	// (it submitted or took over the text), unchanged here since: the
	// text stays here and goes up again only once it changes. Version is 0.
	Dropped bool `json:"dropped,omitempty"`
}

// DraftUpload is a draft whose copy at the bureau is out of date: its key
// at the bureau (ID: the filing's ID, with the base revision for a new
// revision), its document as stored, the document's SHA-256 and the
// version of the bureau's copy it replaces (0: none yet).
type DraftUpload struct {
	ID          string
	Body        []byte
	SHA256      string
	BaseVersion int64
}

// DraftDeletion is a deleted (or since submitted) draft whose copy the
// bureau still holds under key ID, at Version.
type DraftDeletion struct {
	ID      string
	Version int64
}

// BureauDraft is a copy of a draft the bureau keeps for the unit, under
// key ID (see draftKey).
type BureauDraft struct {
	ID      string
	Version int64
	SHA256  string
	Body    []byte
}

// deletable reports whether sum is a draft that was never submitted: the
// only filings that are drafts at the bureau (and that DeleteDraft takes).
func deletable(sum *Summary) bool {
	return sum != nil && sum.Status == app.StatusDraft && sum.SubmittedAt.IsZero() && sum.RevisionNumber <= 1
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// DraftUploads returns the drafts last saved before settled whose copy
// at the bureau is out of date, at most limit, and whether others saved
// since are still settling. A draft saved again after settled waits for
// the next call (autosave comes in bursts: the copy goes up once the clerk
// pauses).
func (s *Store) DraftUploads(ctx context.Context, settled time.Time, limit int) ([]DraftUpload, bool, error) {
	var out []DraftUpload
	settling := false
	err := s.view(ctx, func(txn *badger.Txn) error {
		// The drafts and returned filings by status, and the draft
		// revisions waiting on a filing under review (dw/).
		scan := func(prefix string) error {
			opts := badger.DefaultIteratorOptions
			opts.PrefetchValues = false
			opts.Prefix = []byte(prefix)
			it := txn.NewIterator(opts)
			defer it.Close()
			for it.Rewind(); it.Valid() && len(out) < limit; it.Next() {
				k := string(it.Item().Key()[len(prefix):])
				id := k[strings.LastIndexByte(k, '/')+1:]
				sum, err := readSummary(txn, id)
				if err != nil {
					return err
				}
				if !unsent(sum) || (prefix == keyWaitingDraft && sum.Status.Editable()) { // listed by status already
					continue
				}
				if sum.Updated.After(settled) {
					settling = true
					continue
				}
				body, err := getValue(txn, "d/"+id)
				if err != nil {
					return err
				}
				key := draftKey(id, baseOf(sum, body))
				var c draftCopy
				if err := getJSON(txn, "dc/"+key, &c); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
					return err
				}
				if h := sha(body); h != c.SHA256 {
					out = append(out, DraftUpload{ID: key, Body: body, SHA256: h, BaseVersion: c.Version})
				}
			}
			return nil
		}
		for _, prefix := range []string{"x/status/" + string(app.StatusDraft) + "/", "x/status/" + string(app.StatusReturned) + "/",
			"x/status/" + string(app.StatusWithdrawn) + "/", keyWaitingDraft} {
			if err := scan(prefix); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("drafts to copy: %w", err)
	}
	return out, settling, nil
}

// DraftKept records that the bureau keeps draft id at version with the
// text whose hash is sum. A draft deleted here while its copy went up has
// that copy deleted there after the undo window, as if it had been there
// when the draft was deleted.
func (s *Store) DraftKept(ctx context.Context, key string, version int64, sum string) error {
	id, base := splitDraftKey(key)
	err := s.update(ctx, false, func(txn *badger.Txn) error {
		c := draftCopy{Version: version, SHA256: sum}
		if base != "" {
			return putJSON(txn, "dc/"+key, c)
		}
		if old, err := readSummary(txn, id); err != nil {
			return err
		} else if old == nil {
			var t trashed
			if err := getJSON(txn, "t/"+id, &t); err == nil {
				c.Deleted = t.Deleted
				return putJSON(txn, "dx/"+id, c)
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
		}
		return putJSON(txn, "dc/"+id, c)
	})
	if err != nil {
		return fmt.Errorf("draft %s kept: %w", key, err)
	}
	return nil
}

// DraftDeletions returns the copies the bureau still holds of drafts
// deleted here before cutoff (after the undo window), and of drafts
// submitted since their copy went up.
func (s *Store) DraftDeletions(ctx context.Context, cutoff time.Time) ([]DraftDeletion, error) {
	var out []DraftDeletion
	err := s.view(ctx, func(txn *badger.Txn) error {
		err := iterate(txn, "dx/", func(k, v []byte) error {
			var c draftCopy
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			if c.Deleted.Before(cutoff) {
				out = append(out, DraftDeletion{ID: string(k), Version: c.Version})
			}
			return nil
		})
		if err != nil {
			return err
		}
		return iterate(txn, "dc/", func(k, v []byte) error {
			key := string(k)
			var c draftCopy
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			gone, err := copyObsolete(txn, key, &c)
			if err != nil {
				return err
			}
			if gone {
				out = append(out, DraftDeletion{ID: key, Version: c.Version})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("drafts to delete at the bureau: %w", err)
	}
	return out, nil
}

// DraftDropped records that the bureau no longer holds a copy of draft id.
func (s *Store) DraftDropped(ctx context.Context, id string) error {
	err := s.update(ctx, false, func(txn *badger.Txn) error {
		if err := txn.Delete([]byte("dx/" + id)); err != nil {
			return err
		}
		// Still a draft here (its deletion was undone): without a copy it
		// goes up again.
		return txn.Delete([]byte("dc/" + id))
	})
	if err != nil {
		return fmt.Errorf("draft %s dropped: %w", id, err)
	}
	return nil
}

// KeptDrafts returns the drafts whose copy the bureau held when this
// machine last looked, with that copy's version: the drafts here, and
// those deleted here whose copy is yet to be deleted there.
func (s *Store) KeptDrafts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		for _, prefix := range []string{"dc/", "dx/"} {
			err := iterate(txn, prefix, func(k, v []byte) error {
				var c draftCopy
				if err := json.Unmarshal(v, &c); err != nil {
					return err
				}
				if !c.Dropped { // no copy there
					out[string(k)] = c.Version
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("kept drafts: %w", err)
	}
	return out, nil
}

// AdoptDraft takes over the bureau's copy d of a draft (another machine of
// the unit saved it, or this one before its store was lost), and returns
// an inbox entry when the clerk must look (nil otherwise):
//   - a draft this machine does not have is stored as it is;
//   - a draft unchanged here since its last copy takes the newer text;
//   - a draft changed here and at the bureau keeps this machine's text, and
//     the bureau's is stored as a separate new draft, with an inbox entry;
//   - a draft deleted here within the undo window stays deleted when the
//     bureau's copy is the one deleted, and comes back when it is newer;
//   - a filing submitted since is left alone (its copy is then deleted).
//
// A new revision's copy (a key with its base revision) is taken over by
// adoptRevisionDraft (draftrevision.go).
func (s *Store) AdoptDraft(ctx context.Context, d BureauDraft) (*app.Message, error) {
	var msg *app.Message
	now := s.now()
	id, base := splitDraftKey(d.ID)
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		msg = nil
		var doc app.Filing
		if err := json.Unmarshal(d.Body, &doc); err != nil || doc.ID != id || !doc.Kind.Valid() || doc.Revision.BaseID != base ||
			(base != "" && doc.Revision.Number < 2) {
			return app.Errorf(app.EINVALID, "数管局保留的草稿副本 %s 无法读取，已跳过", d.ID)
		}
		if base != "" {
			var err error
			msg, err = adoptRevisionDraft(txn, d, &doc, now)
			return err
		}
		var c draftCopy
		if err := getJSON(txn, "dc/"+d.ID, &c); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		var gone draftCopy
		if err := getJSON(txn, "dx/"+d.ID, &gone); err == nil {
			if d.Version <= gone.Version {
				return nil // deleted here; the deletion goes up after the undo window
			}
			if err := txn.Delete([]byte("dx/" + d.ID)); err != nil {
				return err
			}
			if err := txn.Delete([]byte("t/" + d.ID)); err != nil {
				return err
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		old, err := readSummary(txn, d.ID)
		if err != nil {
			return err
		}
		switch {
		case old == nil:
			return putDraftCopy(txn, d.ID, d.Body, &doc, nil, draftCopy{Version: d.Version, SHA256: d.SHA256}, 0)
		case !deletable(old):
			return putJSON(txn, "dc/"+d.ID, draftCopy{Version: d.Version, SHA256: d.SHA256}) // DraftDeletions deletes it
		}
		body, err := getValue(txn, "d/"+d.ID)
		if err != nil {
			return err
		}
		mine := sha(body)
		switch {
		case mine == d.SHA256:
			return putJSON(txn, "dc/"+d.ID, draftCopy{Version: d.Version, SHA256: d.SHA256})
		case d.Version <= c.Version:
			return nil // changed here only: its copy goes up
		case mine == c.SHA256:
			// An editor open on the text replaced may save it again:
			// Save then keeps both (keepAdoptedText).
			if err := putJSON(txn, "da/"+d.ID, draftAdopted{Updated: doc.Updated}); err != nil {
				return err
			}
			return putDraftCopy(txn, d.ID, d.Body, &doc, old, draftCopy{Version: d.Version, SHA256: d.SHA256}, 0)
		}
		// Changed on both machines: keep both texts. This machine's
		// replaces the bureau's copy next.
		if err := putJSON(txn, "dc/"+d.ID, draftCopy{Version: d.Version, SHA256: d.SHA256}); err != nil {
			return err
		}
		msg, err = keepOtherText(txn, doc, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("adopt draft %s: %w", d.ID, err)
	}
	return msg, nil
}

// keepOtherText stores doc, another machine's text of a draft this
// machine changed too, as a separate new draft, with an unread inbox entry
// that says so, and returns the entry.
func keepOtherText(txn *badger.Txn, doc app.Filing, now time.Time) (*app.Message, error) {
	title := strings.TrimSpace(doc.Title())
	if title == "" {
		title = "未命名草稿"
	}
	return keepText(txn, doc, now, fmt.Sprintf("草稿“%s”在另一台电脑上也改过", title),
		"这份草稿在本机和本单位的另一台电脑上都做了修改。两份内容都已保留：本机的仍是原草稿，"+
			"另一台电脑上的另存为一份新草稿。请对照核对，合并后删除不需要的一份。")
}

// keepText stores doc as a separate new draft (a new filing at revision
// 1), with an unread inbox entry titled title saying body, and returns the
// entry.
func keepText(txn *badger.Txn, doc app.Filing, now time.Time, title, body string) (*app.Message, error) {
	other := doc
	other.ID = uuid.NewString()
	other.Revision = app.Revision{ID: uuid.NewString(), Number: 1}
	// Updated stays the text's own (when the other machine saved it): it
	// is no autosave under way, and its copy goes up without waiting for
	// one to settle (DraftUploads).
	other.Status, other.History = app.StatusDraft, nil
	if other.Updated.IsZero() || other.Updated.After(now) {
		other.Updated = now
	}
	data, err := json.Marshal(&other)
	if err != nil {
		return nil, err
	}
	if err := putDraftCopy(txn, other.ID, data, &other, nil, draftCopy{}, 1); err != nil {
		return nil, err
	}
	m := app.Message{ID: "draft-copy-" + other.ID, Kind: app.MessageNotice, FilingID: other.ID, FilingTitle: other.Title(), At: now,
		Title: title, Body: body}
	if err := putEntry(txn, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// draftAdopted marks a draft whose text AdoptDraft replaced with another
// machine's newer copy (da/<id>): Updated is that copy's document time,
// the time an editor opened on it since holds.
type draftAdopted struct {
	Updated time.Time `json:"updated"`
}

// keepAdoptedText runs in Save before f replaces draft f.ID. When the
// draft's text was replaced by another machine's copy (da/<id>) and f was
// not read from that copy (an editor opened before on the older text, its
// Updated another time), the other machine's text is kept as a separate
// draft first, with an inbox entry, so that neither text is lost. A save
// based on the copy just clears the mark. No mark: one read, nothing written.
func keepAdoptedText(txn *badger.Txn, f *app.Filing, old *Summary, now time.Time) error {
	var a draftAdopted
	if err := getJSON(txn, "da/"+f.ID, &a); errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if err := txn.Delete([]byte("da/" + f.ID)); err != nil {
		return err
	}
	if f.Updated.Equal(a.Updated) || !unsent(old) || f.Revision.Number != old.RevisionNumber {
		return nil // read from the copy, or no longer that draft (submitted since)
	}
	theirs, err := readFiling(txn, f.ID)
	if err != nil {
		return err
	}
	theirs.History = nil
	_, err = keepOtherText(txn, *theirs, now)
	return err
}

// putDraftCopy stores body (doc decoded) as draft id, over old (nil: new),
// and c as its bureau's copy (none when c is zero).
func putDraftCopy(txn *badger.Txn, id string, body []byte, doc *app.Filing, old *Summary, c draftCopy, unread int) error {
	doc.Status, doc.History = app.StatusDraft, nil
	doc.Revision.SubmittedAt = time.Time{}
	if err := txn.Set([]byte("d/"+id), body); err != nil {
		return err
	}
	sum := summaryOf(doc, old)
	sum.Unread += unread
	if err := writeSummary(txn, old, &sum); err != nil {
		return err
	}
	if c.Version == 0 {
		return nil
	}
	return putJSON(txn, "dc/"+id, c)
}

// DropDraftCopy takes in that the bureau no longer keeps the copy under
// key (another machine deleted the draft, or submitted it): a draft
// unchanged here since its copy went up goes to the trash (DeleteDraft's,
// with its undo), with an unread inbox entry that says so and how to get
// it back, which it returns; one changed here is kept and its copy goes up
// again as a new one. A new revision's draft is never deleted: unchanged
// here, it stays and goes up again only once it changes
// (dropRevisionCopy). The copy of another machine's text taken over here
// (Moved) is just forgotten.
func (s *Store) DropDraftCopy(ctx context.Context, key string) (*app.Message, error) {
	var msg *app.Message
	now := s.now()
	id, base := splitDraftKey(key)
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		msg = nil
		var c draftCopy
		if err := getJSON(txn, "dc/"+key, &c); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if err := txn.Delete([]byte("dc/" + key)); err != nil {
			return err
		}
		if c.Moved {
			return nil
		}
		if base != "" {
			return dropRevisionCopy(txn, key, &c)
		}
		old, err := readSummary(txn, id)
		if err != nil || !deletable(old) {
			return err
		}
		body, err := getValue(txn, "d/"+id)
		if err != nil {
			return err
		}
		if sha(body) != c.SHA256 {
			return nil // without a copy it goes up again, as a new one
		}
		if err := putJSON(txn, "t/"+id, trashed{Deleted: now, Doc: body}); err != nil {
			return err
		}
		title := "《" + titleOr(old.Title) + "》"
		m := app.Message{ID: app.DraftDeletedPrefix + id + "-" + strconv.FormatInt(now.UnixNano(), 36), Kind: app.MessageNotice,
			FilingID: id, FilingTitle: old.Title, At: now,
			Title: fmt.Sprintf("草稿%s已在另一台电脑上删除，已移入回收站", title),
			Body: fmt.Sprintf("本单位的另一台电脑删除了草稿%s，本机的这份草稿因此也已移入回收站（保留 %d 天）。"+
				"如果仍需要它，请点下方的“恢复草稿”，它会回到草稿列表，并重新在数管局保留副本。", title, int(TrashRetention.Hours()/24))}
		if err := putEntry(txn, &m); err != nil {
			return err
		}
		msg = &m
		return dropFiling(txn, old)
	})
	if err != nil {
		return nil, fmt.Errorf("drop draft copy %s: %w", key, err)
	}
	return msg, nil
}

// trashCopy notes, as draft id goes to the trash, that the bureau's copy
// of it (if any) is to be deleted once the undo window is over.
func trashCopy(txn *badger.Txn, id string, now time.Time) error {
	var c draftCopy
	if err := getJSON(txn, "dc/"+id, &c); errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	c.Deleted = now
	if err := putJSON(txn, "dx/"+id, c); err != nil {
		return err
	}
	return txn.Delete([]byte("dc/" + id))
}

// untrashCopy undoes trashCopy for a draft taken back out of the trash:
// the bureau's copy, if not yet deleted, is its copy again; if it was, the
// draft goes up again.
func untrashCopy(txn *badger.Txn, id string) error {
	var c draftCopy
	err := getJSON(txn, "dx/"+id, &c)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return nil // none, or deleted already: it goes up again
	case err != nil:
		return err
	}
	c.Deleted = time.Time{}
	if err := putJSON(txn, "dc/"+id, c); err != nil {
		return err
	}
	return txn.Delete([]byte("dx/" + id))
}
