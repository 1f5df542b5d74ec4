package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// Deleted drafts go to the trash (t/<id>) with their document as it was,
// so a delete can be undone; they leave every list, count and search at
// once. Open empties the trash of drafts deleted more than TrashRetention
// ago.
//
//	t/<id>   trashed: the deletion time and the document
const TrashRetention = 30 * 24 * time.Hour

type trashed struct {
	Deleted time.Time       `json:"deleted"`
	Doc     json.RawMessage `json:"doc"` // the d/<id> value as it was
}

// DeleteDraft moves a draft that was never submitted to the trash: it is
// gone from the lists, counts and searches, and RestoreDraft brings it back
// as it was (for TrashRetention). A filing that was ever submitted is part
// of the record the bureau holds and cannot be deleted: that fails with an
// EINVALID *app.Error, and a filing that does not exist with ENOTFOUND.
// The attachment files stay where they are.
func (s *Store) DeleteDraft(ctx context.Context, id string) error {
	now := s.now()
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		old, err := readSummary(txn, id)
		if err != nil {
			return err
		}
		if old == nil {
			return app.Errorf(app.ENOTFOUND, "没有这份材料")
		}
		if old.Status != app.StatusDraft || !old.SubmittedAt.IsZero() || old.RevisionNumber > 1 {
			return app.Errorf(app.EINVALID, "“%s”已提交过，数管局存有它的记录，不能删除；只有从未提交的草稿可以删除", titleOr(old.Title))
		}
		doc, err := getValue(txn, "d/"+id)
		if err != nil {
			return err
		}
		if err := putJSON(txn, "t/"+id, trashed{Deleted: now, Doc: doc}); err != nil {
			return err
		}
		if err := trashCopy(txn, id, now); err != nil {
			return err
		}
		return dropFiling(txn, old)
	})
	if err != nil {
		return fmt.Errorf("delete draft %s: %w", id, err)
	}
	return nil
}

// RestoreDraft takes a deleted draft back out of the trash, as it was when
// it was deleted. It fails with ENOTFOUND when the trash does not hold it.
func (s *Store) RestoreDraft(ctx context.Context, id string) error {
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		var t trashed
		if err := getJSON(txn, "t/"+id, &t); errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "回收站里没有这份草稿（删除超过 %d 天的草稿已清除）", int(TrashRetention.Hours()/24))
		} else if err != nil {
			return err
		}
		if old, err := readSummary(txn, id); err != nil {
			return err
		} else if old != nil {
			return app.Errorf(app.ECONFLICT, "这份材料已经存在，无需恢复")
		}
		var doc app.Filing
		if err := json.Unmarshal(t.Doc, &doc); err != nil {
			return fmt.Errorf("trashed %s: %w", id, err)
		}
		if err := txn.Set([]byte("d/"+id), t.Doc); err != nil {
			return err
		}
		sum := summaryOf(&doc, nil)
		// The inbox may speak of it unread (deleted on another machine:
		// DropDraftCopy's entry).
		err := iterate(txn, "iu/", func(_, v []byte) error {
			if string(v) == id {
				sum.Unread++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := writeSummary(txn, nil, &sum); err != nil {
			return err
		}
		if err := untrashCopy(txn, id); err != nil {
			return err
		}
		return txn.Delete([]byte("t/" + id))
	})
	if err != nil {
		return fmt.Errorf("restore draft %s: %w", id, err)
	}
	return nil
}

// dropFiling deletes a draft's document, summary, index entries, name
// postings and its place in the counters.
func dropFiling(txn *badger.Txn, old *Summary) error {
	for _, k := range append(indexKeys(old), "d/"+old.ID, "h/"+old.ID, "s/"+old.ID) {
		if err := txn.Delete([]byte(k)); err != nil {
			return err
		}
	}
	for _, g := range grams(old.Title) {
		if err := txn.Delete([]byte(gramKey(g, old.ID))); err != nil {
			return err
		}
	}
	return countFiling(txn, old, -1)
}

// emptyTrash deletes the drafts deleted before cutoff.
func (s *Store) emptyTrash(ctx context.Context, cutoff time.Time) (int, error) {
	var old []string
	err := s.view(ctx, func(txn *badger.Txn) error {
		return iterate(txn, "t/", func(k, v []byte) error {
			var t trashed
			if err := json.Unmarshal(v, &t); err != nil || t.Deleted.Before(cutoff) {
				old = append(old, string(k))
			}
			return nil
		})
	})
	if err != nil || len(old) == 0 {
		return 0, err
	}
	err = s.update(ctx, false, func(txn *badger.Txn) error {
		for _, id := range old {
			if err := txn.Delete([]byte("t/" + id)); err != nil {
				return err
			}
		}
		return nil
	})
	return len(old), err
}

func titleOr(t string) string {
	if t == "" {
		return "（未命名）"
	}
	return t
}
