package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// The bureau's signed receipts and the key they are checked with:
//
//	rp/<filing>/<revision>  app.ReceiptProof (JSON): the receipt as received and its verdict
//	rk/<bureau URL>         the bureau's SM2 receipt public key (PEM), pinned at the first sync
//	rkh/<bureau URL>\x00<ns> app.ReceiptKeyChange (JSON): each replacement of that key, by time
//
// A receipt proof is written when a revision is delivered; the revision's
// own records are not rewritten for it.

func receiptProofKey(id, rev string) []byte { return []byte("rp/" + id + "/" + rev) }

func receiptPinKey(bureau string) []byte { return []byte("rk/" + bureau) }

func receiptKeyChangePrefix(bureau string) []byte { return []byte("rkh/" + bureau + "\x00") }

func receiptKeyChangeKey(bureau string, at time.Time) []byte {
	return fmt.Appendf(receiptKeyChangePrefix(bureau), "%020d", at.UnixNano())
}

// KeepReceiptProofs records proofs, each replacing the one kept for the
// same revision, durably, in as few transactions as Badger allows.
func (s *Store) KeepReceiptProofs(ctx context.Context, proofs []app.ReceiptProof) error {
	if len(proofs) == 0 {
		return nil
	}
	err := s.updateEach(ctx, true, len(proofs), func(txn *badger.Txn, i int) error {
		p := proofs[i]
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return txn.Set(receiptProofKey(p.FilingID, p.RevisionID), b)
	})
	if err != nil {
		return fmt.Errorf("keep %d receipts: %w", len(proofs), err)
	}
	return nil
}

// ReceiptProof returns the receipt kept for revision rev of filing id, and
// false when none is.
func (s *Store) ReceiptProof(ctx context.Context, id, rev string) (app.ReceiptProof, bool, error) {
	var p app.ReceiptProof
	found := false
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		found, err = readReceiptProof(txn, id, rev, &p)
		return err
	})
	if err != nil {
		return p, false, fmt.Errorf("receipt of %s/%s: %w", id, rev, err)
	}
	return p, found, nil
}

func readReceiptProof(txn *badger.Txn, id, rev string, p *app.ReceiptProof) (bool, error) {
	item, err := txn.Get(receiptProofKey(id, rev))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, item.Value(func(v []byte) error { return json.Unmarshal(v, p) })
}

// ReceiptKey returns the receipt key pinned for the bureau at URL bureau
// (PEM), nil when none is.
func (s *Store) ReceiptKey(ctx context.Context, bureau string) ([]byte, error) {
	var out []byte
	err := s.view(ctx, func(txn *badger.Txn) error {
		item, err := txn.Get(receiptPinKey(bureau))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("receipt key of %s: %w", bureau, err)
	}
	return out, nil
}

// PinReceiptKey pins pem as the receipt key of the bureau at URL bureau,
// unless one is pinned already: the first key stays (trust on first use).
// It returns the key pinned now.
func (s *Store) PinReceiptKey(ctx context.Context, bureau string, pem []byte) ([]byte, error) {
	var out []byte
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		item, err := txn.Get(receiptPinKey(bureau))
		if err == nil {
			out, err = item.ValueCopy(nil)
			return err
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		out = pem
		return txn.Set(receiptPinKey(bureau), pem)
	})
	if err != nil {
		return nil, fmt.Errorf("pin receipt key of %s: %w", bureau, err)
	}
	return out, nil
}

// ErrReceiptKeyMoved is returned by ReplaceReceiptKey when the key pinned
// for the bureau is no longer the one the caller saw.
var ErrReceiptKeyMoved = app.Errorf(app.ECONFLICT, "本机记录的回执签名密钥已变化，请重新核对")

// ReplaceReceiptKey pins pem as the receipt key of the bureau at URL
// bureau in place of old, the key pinned now, and records ch (its Bureau
// set to bureau) in the key's history — all in one durable transaction. It
// fails with ErrReceiptKeyMoved when the pinned key is not old (another
// replacement came first, or none is pinned), and changes nothing then.
// Unlike PinReceiptKey it replaces the first key: call it only after the
// clerk checked the new key with the bureau.
func (s *Store) ReplaceReceiptKey(ctx context.Context, bureau string, old, pem []byte, ch app.ReceiptKeyChange) error {
	if len(pem) == 0 {
		return app.Errorf(app.EINVALID, "新的回执签名密钥为空")
	}
	ch.Bureau = bureau
	b, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	err = s.update(ctx, true, func(txn *badger.Txn) error {
		item, err := txn.Get(receiptPinKey(bureau))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrReceiptKeyMoved
		}
		if err != nil {
			return err
		}
		cur, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		if !bytes.Equal(cur, old) {
			return ErrReceiptKeyMoved
		}
		if err := txn.Set(receiptKeyChangeKey(bureau, ch.At), b); err != nil {
			return err
		}
		return txn.Set(receiptPinKey(bureau), pem)
	})
	if err != nil {
		return fmt.Errorf("replace receipt key of %s: %w", bureau, err)
	}
	return nil
}

// ReceiptKeyChanges returns the replacements of the bureau's receipt key,
// oldest first; none when the first pinned key is still the one.
func (s *Store) ReceiptKeyChanges(ctx context.Context, bureau string) ([]app.ReceiptKeyChange, error) {
	var out []app.ReceiptKeyChange
	err := s.view(ctx, func(txn *badger.Txn) error {
		prefix := receiptKeyChangePrefix(bureau)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 16})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			var ch app.ReceiptKeyChange
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &ch) }); err != nil {
				return err
			}
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("receipt key changes of %s: %w", bureau, err)
	}
	return out, nil
}
