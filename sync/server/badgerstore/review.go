package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Decide applies a decision in one group commit with the review queue, its
// index and the unit's change feed, and wakes the unit's feed.
func (s *Store) Decide(ctx context.Context, d bureaustore.Decision) (bureaustore.DecisionResult, error) {
	var res bureaustore.DecisionResult
	err := s.commit(ctx, func(txn *badger.Txn) error {
		var fr bureaustore.Filing
		if err := getJSON(txn, key("f", d.FilingID), &fr); errors.Is(err, badger.ErrKeyNotFound) {
			return bureaustore.NotFound()
		} else if err != nil {
			return err
		}
		t, err := bureaustore.ApplyDecision(&fr.Filing, d)
		if err != nil {
			return err
		}
		if err := setJSON(txn, key("f", d.FilingID), fr); err != nil {
			return err
		}
		if bureaustore.InQueue(fr.Filing.Status) {
			err = txn.Set(key("q", d.FilingID), nil)
		} else {
			err = txn.Delete(key("q", d.FilingID))
		}
		if err != nil {
			return err
		}
		unit := fr.Filing.UnitID
		u, err := s.unit(txn, unit)
		if err != nil {
			return err
		}
		if err := s.indexQueue(txn, txn, fr, u.Name, nil); err != nil {
			return err
		}
		res = bureaustore.DecisionResult{Transition: t, Filing: fr, UnitName: u.Name}
		return appendChange(txn, unit, protocol.Change{Type: protocol.ChangeDecision, At: d.Now,
			FilingID: d.FilingID, RevisionID: t.RevisionID, Transition: &t})
	})
	if err != nil {
		return res, fmt.Errorf("decide %s: %w", d.FilingID, err)
	}
	s.notify(res.Filing.Filing.UnitID)
	return res, nil
}
