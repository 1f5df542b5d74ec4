package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Decide applies a decision (under the review steps of d.Profile, with the
// head revision's content) in one group commit with the review queue, its
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
		// The steps of the filing's flow, and the 核定 amount's bound,
		// are read from its head revision's content.
		var body app.Body
		if err := getJSON(txn, key("rb", fr.Filing.ID, fr.Filing.Revision.ID), &body); err != nil {
			return fmt.Errorf("body of %s: %w", d.FilingID, err)
		}
		t, err := bureaustore.ApplyDecision(&fr.Filing, &body, d)
		if err != nil {
			return err
		}
		if err := setJSON(txn, key("f", d.FilingID), fr); err != nil {
			return err
		}
		unit := fr.Filing.UnitID
		u, err := s.unit(txn, unit)
		if err != nil {
			return err
		}
		if err := s.indexQueue(txn, txn, fr, u.Name, &body); err != nil {
			return err
		}
		res = bureaustore.DecisionResult{Transition: t, Filing: fr, UnitName: u.Name}
		return appendChange(txn, txn, unit, protocol.Change{Type: protocol.ChangeDecision, At: d.Now,
			FilingID: d.FilingID, RevisionID: t.RevisionID, Transition: &t})
	})
	if err != nil {
		return res, fmt.Errorf("decide %s: %w", d.FilingID, err)
	}
	s.notify(res.Filing.Filing.UnitID)
	return res, nil
}
