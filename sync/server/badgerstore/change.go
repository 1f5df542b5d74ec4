package badgerstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// appendChange adds c to the unit's feed with the next sequence number,
// reading the feed's head from txn and writing through w (txn, or the
// stage of a submission). Callers hold writeMu and notify the unit after
// the commit.
func appendChange(txn *badger.Txn, w writer, unit string, c protocol.Change) error {
	seq, err := getUint(txn, key("cs", unit))
	if err != nil {
		return err
	}
	seq++
	c.Seq = seq
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	if err := setJSON(w, seqKey(unit, seq), c); err != nil {
		return err
	}
	return setUint(w, key("cs", unit), seq)
}

// Changes reads a unit's feed in one snapshot.
func (s *Store) Changes(ctx context.Context, q bureaustore.ChangesQuery) (bureaustore.ChangesPage, error) {
	var p bureaustore.ChangesPage
	unit := q.Unit
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		if p.Epoch, err = getString(txn, []byte(keyEpoch)); err != nil {
			return err
		}
		head, err := getUint(txn, key("cs", unit))
		if err != nil {
			return err
		}
		low, err := getUint(txn, key("cl", unit))
		if err != nil {
			return err
		}
		from := low
		if q.HasCursor {
			if q.Epoch != p.Epoch || q.Seq > head || q.Seq < low {
				p.Reset, p.Last = true, head
				return nil
			}
			from = q.Seq
		}
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("c", unit, "")
		opts.PrefetchSize = max(min(q.Limit, 100), 1)
		it := txn.NewIterator(opts)
		defer it.Close()
		p.Last = from
		for it.Seek(seqKey(unit, from+1)); it.ValidForPrefix(opts.Prefix); it.Next() {
			if len(p.Changes) == q.Limit {
				p.More = true
				break
			}
			var ch protocol.Change
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &ch) }); err != nil {
				return fmt.Errorf("decode change: %w", err)
			}
			p.Changes = append(p.Changes, ch)
			p.Last = binary.BigEndian.Uint64(it.Item().Key()[len(opts.Prefix):])
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("changes of %s: %w", unit, err)
	}
	return p, nil
}

// PruneChanges deletes the changes older than before from every unit's
// feed and returns how many it deleted.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (int, error) {
	units, err := s.Units(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, u := range units {
		for {
			n, done, err := s.pruneBatch(ctx, u.ID, before)
			total += n
			if err != nil {
				return total, fmt.Errorf("prune changes of %s: %w", u.ID, err)
			}
			if done {
				break
			}
		}
	}
	return total, nil
}

func (s *Store) pruneBatch(ctx context.Context, unit string, before time.Time) (n int, done bool, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err = s.update(ctx, func(txn *badger.Txn) error {
		n, done = 0, true
		low, err := getUint(txn, key("cl", unit))
		if err != nil {
			return err
		}
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("c", unit, "")
		it := txn.NewIterator(opts)
		defer it.Close()
		var dead [][]byte
		for it.Seek(seqKey(unit, low+1)); it.ValidForPrefix(opts.Prefix); it.Next() {
			if len(dead) == 1000 {
				done = false
				break
			}
			var ch protocol.Change
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &ch) }); err != nil {
				return err
			}
			if !ch.At.Before(before) {
				break
			}
			dead = append(dead, it.Item().KeyCopy(nil))
			low = ch.Seq
		}
		for _, k := range dead {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return setUint(txn, key("cl", unit), low)
	})
	return n, done, err
}

// Broadcast appends c to the feed of each unit (all units when units is
// nil) in one transaction and wakes their feeds.
func (s *Store) Broadcast(ctx context.Context, units []string, c protocol.Change) ([]string, error) {
	s.writeMu.Lock()
	var woken []string
	err := s.update(ctx, func(txn *badger.Txn) error {
		var err error
		woken, err = broadcast(txn, units, c)
		return err
	})
	s.writeMu.Unlock()
	if err != nil {
		return nil, err
	}
	s.notify(woken...)
	return woken, nil
}

func broadcast(txn *badger.Txn, units []string, c protocol.Change) ([]string, error) {
	list := units
	if list == nil {
		list = keysWithPrefix(txn, key("u", ""))
	}
	for _, u := range list {
		if ok, err := exists(txn, key("u", u)); err != nil {
			return nil, err
		} else if !ok {
			return nil, bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有找到单位 %s", u))
		}
		ch := c
		ch.ID = uuid.NewString()
		if err := appendChange(txn, txn, u, ch); err != nil {
			return nil, err
		}
	}
	return list, nil
}
