package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// An acknowledgement records the bureau's receipt under a key of its own,
// rc/<filing>/<revision>, instead of rewriting the filing's summary: the
// summary is copied into the four index entries lists read (so that a list
// never decodes a document), and rewriting all five for every delivered
// filing was a quarter of the CPU a push cost (docs/benchmarks.md). The receipt is
// folded into the summary and its index entries later — by the next write of
// the summary (a decision, a new revision) or by the background loop, which
// once the acknowledgements have stopped for foldDelay folds a batch per
// tick until none is left (foldWhenQuiet) — and until then every read of a summary that is not yet marked
// sent looks for it (readSummary, List, RequeueLost). Rows already sent, the
// great majority, never look.
//
//	rc/<filing>/<revision>  receipt: receipt ID and time (see encodeReceipt)
//
// A key per revision: a late acknowledgement of an older revision (the
// filing has moved on) then cannot hide the current revision's receipt.

// foldDelay is how long after the last acknowledgement the background loop
// waits before it folds receipts into summaries: a push of thousands of
// filings is over by then, and the fold does not compete with it.
const foldDelay = 5 * time.Second

// foldBatch bounds the receipts folded in one transaction.
const foldBatch = 256

func receiptKey(id, rev string) []byte { return []byte("rc/" + id + "/" + rev) }

// receiptVersion is the first byte of an encoded receipt.
const receiptVersion = 1

// encodeReceipt returns the stored form of the receipt r.
func encodeReceipt(r Receipt) []byte {
	b := make([]byte, 0, 24+len(r.ID))
	b = append(b, receiptVersion)
	b = appendString(b, r.ID)
	return appendTime(b, r.At)
}

var errBadReceipt = errors.New("malformed receipt")

// decodeReceipt decodes what encodeReceipt wrote.
func decodeReceipt(b []byte) (Receipt, error) {
	if len(b) == 0 || b[0] != receiptVersion {
		return Receipt{}, errBadReceipt
	}
	d := decoder{b: b[1:]}
	r := Receipt{ID: d.str(), At: d.time()}
	if d.err != nil {
		return Receipt{}, fmt.Errorf("decode receipt: %w", d.err)
	}
	return r, nil
}

// mayHaveReceipt reports whether a receipt may be recorded for s that s does
// not show yet: only a revision on its way (queued, sending, failed) can
// have been acknowledged since its summary was written.
func mayHaveReceipt(s *Summary) bool {
	switch s.Send.State {
	case app.SendQueued, app.SendSending, app.SendFailed, app.SendQuarantined:
		return true
	}
	return false
}

// applyReceipt marks s sent when a receipt for its current revision is
// recorded, and reports whether it did.
func applyReceipt(txn *badger.Txn, s *Summary) (bool, error) {
	if !mayHaveReceipt(s) {
		return false, nil
	}
	item, err := txn.Get(receiptKey(s.ID, s.RevisionID))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var r Receipt
	err = item.Value(func(v []byte) error {
		var err error
		r, err = decodeReceipt(v)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("receipt of %s: %w", s.ID, err)
	}
	s.Send, s.ReceiptID, s.ReceiptAt = app.Send{State: app.SendSent}, r.ID, r.At
	return true, nil
}

// recordReceipt records the bureau's receipt r for revision rev of filing
// id; see applyReceipt.
func recordReceipt(txn *badger.Txn, id, rev string, r Receipt) error {
	return txn.Set(receiptKey(id, rev), encodeReceipt(r))
}

// FoldReceipts writes every recorded receipt into its filing's summary and
// index entries and removes the receipt key, foldBatch per transaction.
// Reads are the same before and after: it only saves later reads the
// lookup. (The background loop folds the same way, a batch per tick.) It
// returns how many receipts it folded and fails with ctx's error or a
// wrapped storage error.
func (s *Store) FoldReceipts(ctx context.Context) (int, error) {
	folded := 0
	for {
		n, err := s.foldBatch(ctx)
		folded += n
		if err != nil || n < foldBatch {
			return folded, err
		}
	}
}

// foldBatch folds up to foldBatch receipts in one transaction and returns
// how many it folded.
func (s *Store) foldBatch(ctx context.Context) (int, error) {
	var keys []string // <filing>/<revision>
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("rc/")}) // keys only
		defer it.Close()
		for it.Rewind(); it.Valid() && len(keys) < foldBatch; it.Next() {
			keys = append(keys, string(it.Item().Key()[len("rc/"):]))
		}
		return nil
	})
	if err == nil && len(keys) > 0 {
		err = s.updateEach(ctx, false, len(keys), func(txn *badger.Txn, i int) error {
			id, rev, _ := strings.Cut(keys[i], "/")
			return foldReceipt(txn, id, rev)
		})
	}
	if err != nil {
		return 0, fmt.Errorf("fold receipts: %w", err)
	}
	return len(keys), nil
}

// dropFoldedReceipt removes the receipt key old took its receipt from, if
// any: the summary written in its place carries the receipt itself.
func dropFoldedReceipt(txn *badger.Txn, old *Summary) error {
	if old == nil || !old.receiptFolded {
		return nil
	}
	return txn.Delete(receiptKey(old.ID, old.RevisionID))
}

// foldReceipt folds the receipt of revision rev of filing id into the
// filing's summary in txn, or removes it when it is stale (an older
// revision's, or one the summary already shows).
func foldReceipt(txn *badger.Txn, id, rev string) error {
	old, err := readSummary(txn, id)
	if err != nil {
		return err
	}
	if old == nil || !old.receiptFolded || old.RevisionID != rev {
		return txn.Delete(receiptKey(id, rev))
	}
	ns := *old
	ns.receiptFolded = false
	return writeSummary(txn, old, &ns)
}
