package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// RevisionSnapshot is a submitted revision as it was frozen: its metadata,
// the exact body bytes that were sent and their SHA-256.
type RevisionSnapshot struct {
	FilingID string       `json:"filing_id"`
	Revision app.Revision `json:"revision"`
	Body     []byte       `json:"body"`      // canonical JSON of app.Body
	BodyHash string       `json:"body_hash"` // SHA-256 of Body, lowercase hex
}

// Save stores f as the working copy of its filing and updates its index
// entries in the same transaction. It is the autosave path: the UI calls it on
// every edit. Save sets f.Updated to the time of the save. Lists show and
// order by a time that may lag up to a minute behind during continuous
// editing (see listGranularity); Get is always exact.
//
// The store owns the workflow: Save keeps the stored status, history and
// submission time, whatever f says; only Submit and ApplyChanges change them.
// Save accepts the stored revision while it is unsubmitted, or the next
// revision made by f.Revise after the filing was returned. It fails with an
// EINVALID *app.Error for a filing without ID, kind or revision, or whose
// current revision was already submitted (it is frozen), with an ECONFLICT
// *app.Error when f is an out-of-date copy, and with a wrapped storage error.
func (s *Store) Save(ctx context.Context, f *app.Filing) error {
	if f == nil || f.ID == "" || f.Revision.ID == "" || !f.Kind.Valid() {
		return app.Errorf(app.EINVALID, "材料缺少编号、类型或版本，无法保存")
	}
	now := s.now()
	err := s.update(ctx, false, func(txn *badger.Txn) error {
		old, err := readSummary(txn, f.ID)
		if err != nil {
			return err
		}
		doc := *f
		doc.History = nil
		doc.Updated = now
		if old == nil {
			doc.Status = app.StatusDraft
			doc.Revision.SubmittedAt = time.Time{}
			if doc.Created.IsZero() {
				doc.Created = now
			}
		} else {
			if err := checkSave(old, f); err != nil && !replacedRevision(txn, old, f) { // draftrevision.go
				return err
			}
			if err := keepAdoptedText(txn, f, old, now); err != nil { // draftcopy.go
				return err
			}
			doc.Status = old.Status
			doc.Created = old.Created
			if doc.Revision.ID == old.RevisionID {
				doc.Revision.SubmittedAt = old.SubmittedAt
			} else {
				doc.Revision.SubmittedAt = time.Time{}
			}
		}
		if doc.Declaration == nil && doc.ProjectID != "" {
			// List a catalogue or report under its project's plan year.
			p, err := readSummary(txn, doc.ProjectID)
			if err != nil {
				return err
			}
			if p != nil && p.Kind == app.KindDeclaration {
				doc.ProjectYear = p.PlanYear
			}
		}
		if err := putJSON(txn, "d/"+f.ID, &doc); err != nil {
			return err
		}
		sum := summaryOf(&doc, old)
		if old != nil { // doc has no history: the decisions are old's
			sum.keepHistoryAnchors(old)
		}
		if old != nil && sameListing(old, &sum) && !now.Before(old.Listed) && now.Sub(old.Listed) < listGranularity {
			sum.Listed = old.Listed // the index entries stay as they are
			return txn.Set([]byte("s/"+f.ID), sum.encodeStored())
		}
		return writeSummary(txn, old, &sum)
	})
	if err != nil {
		return fmt.Errorf("save filing %s: %w", f.ID, err)
	}
	f.Updated = now
	return nil
}

// checkSave returns why f may not replace the stored filing old summarises.
func checkSave(old *Summary, f *app.Filing) error {
	switch {
	case f.Kind != old.Kind:
		return app.Errorf(app.EINVALID, "材料类型不能从“%s”改为“%s”", old.Kind.Label(), f.Kind.Label())
	case f.Revision.ID == old.RevisionID:
		if !old.SubmittedAt.IsZero() {
			return app.Errorf(app.EINVALID, "第 %d 版已提交，内容不能再修改；退回或撤回后请先修订为新版本", old.RevisionNumber)
		}
		return nil
	case f.Revision.BaseID == old.RevisionID && f.Revision.Number == old.RevisionNumber+1 &&
		!old.SubmittedAt.IsZero() && old.Status.Reopened():
		return nil // the first save of a revision made by Revise
	}
	return app.Errorf(app.ECONFLICT, "材料已在别处更新（当前为第 %d 版，%s），请重新打开后再编辑",
		old.RevisionNumber, old.Status.Label())
}

// Get returns the filing with its history. It fails with an ENOTFOUND
// *app.Error when there is no such filing and a wrapped error otherwise.
func (s *Store) Get(ctx context.Context, id string) (*app.Filing, error) {
	var f *app.Filing
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		f, err = readFiling(txn, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get filing %s: %w", id, err)
	}
	return f, nil
}

// Summary returns the list row of filing id — among others the send state
// of its current revision — without reading the document. It fails with an
// ENOTFOUND *app.Error when there is no such filing and a wrapped error
// otherwise.
func (s *Store) Summary(ctx context.Context, id string) (app.FilingRow, error) {
	var sum *Summary
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		sum, err = readSummary(txn, id)
		return err
	})
	if err == nil && sum == nil {
		err = notFound(id)
	}
	if err != nil {
		return app.FilingRow{}, fmt.Errorf("summary of filing %s: %w", id, err)
	}
	return sum.FilingRow, nil
}

// readFiling returns the stored filing with its history, or an ENOTFOUND *app.Error.
func readFiling(txn *badger.Txn, id string) (*app.Filing, error) {
	var f app.Filing
	if err := getJSON(txn, "d/"+id, &f); err != nil {
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil, notFound(id)
		}
		return nil, err
	}
	if err := getJSON(txn, "h/"+id, &f.History); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return nil, err
	}
	return &f, nil
}

// writeFiling stores f (document and history) and its summary and indexes;
// old is its previous summary (nil for a new filing).
func writeFiling(txn *badger.Txn, f *app.Filing, old, sum *Summary) error {
	doc := *f
	doc.History = nil
	if err := putJSON(txn, "d/"+f.ID, &doc); err != nil {
		return err
	}
	if err := putJSON(txn, "h/"+f.ID, f.History); err != nil {
		return err
	}
	return writeSummary(txn, old, sum)
}

func notFound(id string) error {
	return app.Errorf(app.ENOTFOUND, "找不到材料（编号 %s），可能已被删除", id)
}

// Revisions returns the filing's submitted revisions with the hashes of
// their frozen bodies (the snapshots' without their bodies), oldest first; a
// filing never submitted has none. It fails with an ENOTFOUND *app.Error when
// there is no such filing and a wrapped error otherwise.
func (s *Store) Revisions(ctx context.Context, id string) ([]app.RevisionInfo, error) {
	var out []app.RevisionInfo
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get([]byte("s/" + id)); errors.Is(err, badger.ErrKeyNotFound) {
			return notFound(id)
		} else if err != nil {
			return err
		}
		prefix := []byte("r/" + id + "/")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var r app.RevisionInfo // a RevisionSnapshot's JSON, but for the body
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &r) }); err != nil {
				return fmt.Errorf("revision %s: %w", it.Item().Key(), err)
			}
			out = append(out, r)
		}
		for i := range out { // the bureau's receipts kept for them
			var p app.ReceiptProof
			if ok, err := readReceiptProof(txn, id, out[i].Revision.ID, &p); err != nil {
				return fmt.Errorf("receipt of revision %s: %w", out[i].Revision.ID, err)
			} else if ok {
				out[i].Receipt = &p
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("revisions of %s: %w", id, err)
	}
	return out, nil
}

// RevisionBody returns the body of filing id's submitted revision revID as
// it was frozen (canonical JSON of app.Body). It fails with an ENOTFOUND
// *app.Error when the store keeps no such revision.
func (s *Store) RevisionBody(ctx context.Context, id, revID string) ([]byte, error) {
	var body []byte
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("r/" + id + "/"), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				var head struct { // the revision alone: its body decoded only when it is the one
					Revision app.Revision `json:"revision"`
				}
				if err := json.Unmarshal(v, &head); err != nil || head.Revision.ID != revID {
					return err
				}
				var snap RevisionSnapshot
				if err := json.Unmarshal(v, &snap); err != nil {
					return err
				}
				body = snap.Body
				return nil
			})
			if err != nil {
				return fmt.Errorf("revision %s: %w", it.Item().Key(), err)
			}
			if body != nil {
				return nil
			}
		}
		return app.Errorf(app.ENOTFOUND, "本机没有保存该材料的这一版（版本编号 %s）", revID)
	})
	if err != nil {
		return nil, fmt.Errorf("revision %s of %s: %w", revID, id, err)
	}
	return body, nil
}

func revisionKey(id string, number int) string { return fmt.Sprintf("r/%s/%06d", id, number) }

func putJSON(txn *badger.Txn, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return txn.Set([]byte(key), b)
}

// getJSON decodes key's value into v; it returns badger.ErrKeyNotFound as is.
func getJSON(txn *badger.Txn, key string, v any) error {
	item, err := txn.Get([]byte(key))
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error {
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("decode %s: %w", strings.TrimSpace(key), err)
		}
		return nil
	})
}
