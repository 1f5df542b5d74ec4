package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Filing returns filing id as unit sees it ("" for the bureau).
func (s *Store) Filing(ctx context.Context, unit, id string) (bureaustore.FilingView, error) {
	var v bureaustore.FilingView
	err := s.db.View(func(txn *badger.Txn) error {
		if err := getJSON(txn, key("f", id), &v.Filing); errors.Is(err, badger.ErrKeyNotFound) {
			return bureaustore.NotFound()
		} else if err != nil {
			return err
		}
		f := v.Filing.Filing
		if unit != "" && f.UnitID != unit {
			return bureaustore.NotFound()
		}
		var err error
		if v.Unit, err = s.unit(txn, f.UnitID); err != nil {
			return err
		}
		item, err := txn.Get(key("rb", f.ID, f.Revision.ID))
		if err != nil {
			return err
		}
		if v.Body, err = item.ValueCopy(nil); err != nil {
			return err
		}
		v.Missing, err = s.missing(txn, f.UnitID, f.Attachments)
		return err
	})
	if err != nil {
		return bureaustore.FilingView{}, fmt.Errorf("filing %s: %w", id, err)
	}
	return v, nil
}

// ProjectFilings returns the records of unit's declaration project and of
// the filings of unit that name it (fp/ keys).
func (s *Store) ProjectFilings(ctx context.Context, unit, project string) ([]bureaustore.Filing, error) {
	var out []bureaustore.Filing
	err := s.db.View(func(txn *badger.Txn) (err error) {
		out, err = projectFilings(txn, unit, project)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("filings of project %s: %w", project, err)
	}
	return out, nil
}

// projectFilings is ProjectFilings in txn, which sees its own writes.
func projectFilings(txn *badger.Txn, unit, project string) ([]bureaustore.Filing, error) {
	var out []bureaustore.Filing
	var fr bureaustore.Filing
	switch err := getJSON(txn, key("f", project), &fr); {
	case err == nil && fr.Filing.UnitID == unit:
		out = append(out, fr)
	case err != nil && !errors.Is(err, badger.ErrKeyNotFound):
		return nil, err
	}
	for _, id := range keysWithPrefix(txn, key("fp", unit, project, "")) {
		var fr bureaustore.Filing
		if err := getJSON(txn, key("f", id), &fr); err != nil {
			return nil, err
		}
		if fr.Filing.ProjectID == project { // a key an older bureau left behind names it no more
			out = append(out, fr)
		}
	}
	return out, nil
}

// indexProject keeps the fp/ key of filing fid of unit when its project
// changes from old to now ("" none).
func indexProject(w writer, unit, fid, old, now string) error {
	if old == now {
		return nil
	}
	if old != "" {
		if err := w.Delete(key("fp", unit, old, fid)); err != nil {
			return err
		}
	}
	if now != "" {
		return w.Set(key("fp", unit, now, fid), nil)
	}
	return nil
}

// buildIndexOnce writes, once, the keys of an index that records of
// prefix give (each is passed to add, which sets its keys in wb and says
// whether it set any): stores written before the index existed. marker
// says it is done; what names it in the log and errors. It runs in Open,
// before the store serves.
func (s *Store) buildIndexOnce(marker, prefix, what string, add func(k []byte, item *badger.Item, wb *badger.WriteBatch) (bool, error)) error {
	done := false
	if err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get([]byte(marker))
		done = err == nil
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		return err
	}); err != nil || done {
		return err
	}
	start, n := time.Now(), 0
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key(prefix, "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			added, err := add(it.Item().Key()[len(opts.Prefix):], it.Item(), wb)
			if err != nil {
				return err
			}
			if added {
				n++
			}
		}
		return nil
	})
	if err == nil {
		err = wb.Set([]byte(marker), []byte("1"))
	}
	if err == nil {
		err = wb.Flush()
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", what, err)
	}
	if n > 0 {
		s.log.Info("indexed "+what, "records", n, "took", time.Since(start))
	}
	return nil
}

// buildCodeIndex writes the rcd/ key of every revision (keyCodeIndex).
func (s *Store) buildCodeIndex() error {
	return s.buildIndexOnce(keyCodeIndex, "r", "revisions by verification code", func(k []byte, item *badger.Item, wb *badger.WriteBatch) (bool, error) {
		fid, rid, ok := cutLast(string(k), '/')
		if !ok {
			return false, nil
		}
		var rev bureaustore.Revision
		if err := decodeItem(item, &rev); err != nil {
			return false, err
		}
		return true, wb.Set(codeKey(fid, rid, rev.Receipt.Revision, rev.Receipt.BodySHA256), nil)
	})
}

// cutLast is strings.Cut at the last sep; false when there is none, or
// nothing before it.
func cutLast(s string, sep byte) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, sep)
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// codeKey is the rcd/ key of revision rid (number n, body hash sum) of
// filing fid: its printed code's parts, then the filing and revision.
func codeKey(fid, rid string, n int, sum string) []byte {
	c := app.PrintCode{RevisionID: rid, Revision: n, BodySHA256: sum}
	return key("rcd", app.CodeID(rid), strconv.Itoa(n), c.Digest()+"/"+fid, rid)
}

// buildProjectIndex writes the fp/ keys of every filing that names a
// project (keyProjectIndex).
func (s *Store) buildProjectIndex() error {
	return s.buildIndexOnce(keyProjectIndex, "f", "filings by project", func(_ []byte, item *badger.Item, wb *badger.WriteBatch) (bool, error) {
		var fr bureaustore.Filing
		if err := decodeItem(item, &fr); err != nil {
			return false, err
		}
		p := fr.Filing.ProjectID
		if p == "" || p == fr.Filing.ID {
			return false, nil
		}
		return true, wb.Set(key("fp", fr.Filing.UnitID, p, fr.Filing.ID), nil)
	})
}

// UnitFilings returns the records of unit's filings.
func (s *Store) UnitFilings(ctx context.Context, unit string) ([]bureaustore.Filing, error) {
	var out []bureaustore.Filing
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range keysWithPrefix(txn, key("fu", unit, "")) {
			var fr bureaustore.Filing
			if err := getJSON(txn, key("f", id), &fr); err != nil {
				return err
			}
			out = append(out, fr)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list filings of %s: %w", unit, err)
	}
	return out, nil
}

// UnitFilingsPage returns up to limit of unit's filings after after, in
// the order of their IDs (the order of the fu/ keys).
func (s *Store) UnitFilingsPage(ctx context.Context, unit, after string, limit int) ([]bureaustore.Filing, bool, error) {
	var out []bureaustore.Filing
	more := false
	err := s.db.View(func(txn *badger.Txn) error {
		prefix := key("fu", unit, "")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		start := prefix
		if after != "" {
			start = append(key("fu", unit, after), 0)
		}
		for it.Seek(start); it.Valid(); it.Next() {
			if len(out) == limit {
				more = true
				return nil
			}
			var fr bureaustore.Filing
			if err := getJSON(txn, key("f", string(it.Item().Key()[len(prefix):])), &fr); err != nil {
				return err
			}
			out = append(out, fr)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("list filings of %s: %w", unit, err)
	}
	return out, more, nil
}

// Revision returns revision rev (ID or number) of filing fid with its body.
func (s *Store) Revision(ctx context.Context, fid, rev string) (bureaustore.RevisionView, error) {
	var v bureaustore.RevisionView
	err := s.db.View(func(txn *badger.Txn) error {
		if err := getJSON(txn, key("f", fid), &v.Filing); errors.Is(err, badger.ErrKeyNotFound) {
			return bureaustore.NotFound()
		} else if err != nil {
			return err
		}
		err := getJSON(txn, key("r", fid, rev), &v.Revision)
		switch {
		case err == nil:
			v.RevisionID = rev
		case !errors.Is(err, badger.ErrKeyNotFound):
			return err
		default:
			n, convErr := strconv.Atoi(rev)
			if convErr != nil {
				return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "材料没有版本 %s", rev))
			}
			for _, id := range keysWithPrefix(txn, key("r", fid, "")) {
				var cand bureaustore.Revision
				if err := getJSON(txn, key("r", fid, id), &cand); err != nil {
					return err
				}
				if cand.Receipt.Revision == n {
					v.Revision, v.RevisionID = cand, id
					break
				}
			}
			if v.RevisionID == "" {
				return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "材料没有第 %d 版", n))
			}
		}
		if v.Unit, err = s.unit(txn, v.Filing.Filing.UnitID); err != nil {
			return err
		}
		item, err := txn.Get(key("rb", fid, v.RevisionID))
		if err != nil {
			return err
		}
		v.Body, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return bureaustore.RevisionView{}, fmt.Errorf("revision %s/%s: %w", fid, rev, err)
	}
	return v, nil
}

// RevisionsByCode returns the revisions code names by its rcd/ keys:
// those of its ID and number whose digest matches, then up to limit others.
func (s *Store) RevisionsByCode(ctx context.Context, code app.PrintCode, limit int) ([]bureaustore.RevisionView, error) {
	var out []bureaustore.RevisionView
	err := s.db.View(func(txn *badger.Txn) error {
		read := func(k string) error {
			parts := strings.Split(k, "/") // <digest>/<filing>/<revision>
			if len(parts) != 3 {
				return nil
			}
			fid, rid := parts[1], parts[2]
			v := bureaustore.RevisionView{RevisionID: rid}
			if err := getJSON(txn, key("r", fid, rid), &v.Revision); err != nil {
				return err
			}
			if err := getJSON(txn, key("f", fid), &v.Filing); err != nil {
				return err
			}
			var err error
			if v.Unit, err = s.unit(txn, v.Filing.Filing.UnitID); err != nil {
				return err
			}
			out = append(out, v)
			return nil
		}
		base := key("rcd", code.RevisionID, strconv.Itoa(code.Revision), "")
		digest := code.Digest()
		for _, k := range keysWithPrefix(txn, append(append([]byte{}, base...), digest...)) {
			if err := read(digest + k); err != nil {
				return err
			}
		}
		others := 0
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues, opts.Prefix = false, base
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid() && others < limit; it.Next() {
			k := string(it.Item().Key()[len(base):])
			if strings.HasPrefix(k, digest) {
				continue
			}
			if err := read(k); err != nil {
				return err
			}
			others++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("revisions by code %s: %w", code, err)
	}
	return out, nil
}

func (s *Store) unit(txn *badger.Txn, id string) (protocol.Unit, error) {
	var u protocol.Unit
	if err := getJSON(txn, key("u", id), &u); err != nil {
		return protocol.Unit{}, fmt.Errorf("unit %s: %w", id, notFound(err))
	}
	return u, nil
}
