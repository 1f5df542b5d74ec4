package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// RequeueLost queues again the current revision of every filing whose
// delivery the store recorded (a receipt, send state "sent") but which the
// bureau no longer holds: heads maps each filing the bureau lists to its
// head revision number, and a filing missing from it or listed with an
// older head has lost that revision — the bureau restored an older backup.
// Without this the clerk would see 已送达 for a filing the bureau does not
// have, for good.
//
// The revision goes out again as it was submitted (same revision ID, body,
// attachments and base), from the snapshot Submit kept, so a bureau that
// holds it after all answers with the original receipt, and one that
// cannot take it (it lost the decision the revision answers, too) refuses
// it and the syncer sets it aside with the bureau's reason. Each revision
// queued gets one inbox notice, whose ID is derived from the lost receipt,
// so running this again adds nothing. It returns the notices added and
// fails with a wrapped storage error.
func (s *Store) RequeueLost(ctx context.Context, heads map[string]int) ([]app.Message, error) {
	var ids []string
	err := s.view(ctx, func(txn *badger.Txn) error {
		return iterate(txn, "s/", func(k, v []byte) error {
			sum, err := decodeSummary(v)
			if err != nil {
				return fmt.Errorf("summary of %s: %w", k, err)
			}
			if _, err := applyReceipt(txn, &sum); err != nil {
				return err
			}
			if lost(&sum, heads) {
				ids = append(ids, sum.ID)
			}
			return nil
		})
	})
	if err != nil || len(ids) == 0 {
		return nil, wrapRequeue(err)
	}
	now := s.now()
	entries := make([]*app.Message, len(ids)) // by filing; a retried transaction sets its own again
	err = s.updateEach(ctx, true, len(ids), func(txn *badger.Txn, i int) error {
		var err error
		entries[i], err = requeue(txn, ids[i], heads, now)
		return err
	})
	if err != nil {
		return nil, wrapRequeue(err)
	}
	var added []app.Message
	for _, e := range entries {
		if e != nil {
			added = append(added, *e)
		}
	}
	return added, nil
}

func wrapRequeue(err error) error {
	if err != nil {
		return fmt.Errorf("requeue revisions the bureau lost: %w", err)
	}
	return nil
}

// lost reports whether the bureau, as heads lists it, lacks the delivered
// current revision of the filing of sum.
func lost(sum *Summary, heads map[string]int) bool {
	return sum.Send.State == app.SendSent && sum.ReceiptID != "" && sum.RevisionNumber > heads[sum.ID]
}

// requeue queues the current revision of filing id again in txn if it is
// still lost (see RequeueLost) and returns the inbox notice it added, if
// any. A filing whose snapshot or submission cannot be found is left as it
// is: there is nothing to send again.
func requeue(txn *badger.Txn, id string, heads map[string]int, now time.Time) (*app.Message, error) {
	old, err := readSummary(txn, id)
	if err != nil || old == nil || !lost(old, heads) {
		return nil, err
	}
	f, err := readFiling(txn, id)
	if err != nil {
		return nil, err
	}
	var snap RevisionSnapshot
	if err := getJSON(txn, revisionKey(id, f.Revision.Number), &snap); errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var submit *app.Transition
	for i := len(f.History) - 1; i >= 0; i-- {
		if t := &f.History[i]; t.Action == app.ActionSubmit && t.RevisionID == f.Revision.ID {
			submit = t
			break
		}
	}
	if snap.Revision.ID != f.Revision.ID || snap.BodyHash == "" || submit == nil {
		return nil, nil
	}
	item, err := enqueue(txn, f, *submit, snap.Body, snap.BodyHash, now)
	if err != nil {
		return nil, err
	}
	// The bureau once gave a receipt for it: never to be withdrawn.
	if err := markMaybeSent(txn, item.Seq); err != nil {
		return nil, err
	}
	// The revision is on its way again: a receipt of it recorded by a
	// repeated acknowledgement after the fold must not mark it sent.
	if err := txn.Delete(receiptKey(id, f.Revision.ID)); err != nil {
		return nil, err
	}
	ns := *old
	ns.Send, ns.ReceiptID, ns.ReceiptAt = app.Send{State: app.SendQueued}, "", time.Time{}
	e := app.Message{ID: "lost/" + f.Revision.ID + "/" + old.ReceiptID, Kind: app.MessageNotice, FilingID: id,
		FilingTitle: f.Title(), At: now,
		Title: fmt.Sprintf("“%s”第 %d 版已重新发送", f.Title(), f.Revision.Number),
		Body: fmt.Sprintf("数管局的记录中已没有这份材料的第 %d 版（数管局可能恢复了较早的备份数据）。"+
			"egovdesk 已自动重新发送这一版；如数管局不能接收，发送状态中会写明原因，请按提示处理或联系数管局。", f.Revision.Number)}
	if seen, err := entered(txn, e.ID); err != nil {
		return nil, err
	} else if seen {
		return nil, writeSummary(txn, old, &ns) // noticed before
	}
	if err := putEntry(txn, &e); err != nil {
		return nil, err
	}
	ns.Unread++
	return &e, writeSummary(txn, old, &ns)
}
