package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// maxProblems bounds how many inconsistencies Check reports.
const maxProblems = 20

// Check verifies that the indexes agree with the documents: every filing has
// its summary, its index entries (carrying that summary) and its n-gram
// postings; every index entry and posting belongs to an existing filing; the
// counters match the filings; every outbox item has its revision snapshot, with
// the same revision ID and body hash. It reads one snapshot and changes nothing. It returns nil
// when all is well, an error listing the first problems otherwise, or a
// wrapped storage error. Reindex repairs what it finds.
func (s *Store) Check(ctx context.Context) error {
	var problems []string
	add := func(format string, a ...any) {
		if len(problems) < maxProblems {
			problems = append(problems, fmt.Sprintf(format, a...))
		}
	}
	err := s.view(ctx, func(txn *badger.Txn) error {
		unread := map[string]int{} // filing → unread inbox entries
		err := iterate(txn, "iu/", func(k, v []byte) error {
			if _, err := txn.Get([]byte("ii/" + string(k))); err != nil {
				add("未读标记 %s 没有对应的消息", k)
			}
			unread[string(v)]++
			return nil
		})
		if err != nil {
			return err
		}
		want := map[string][]byte{} // expected index and posting keys → summary
		counts := map[string]int{}  // expected counter keys → count
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("d/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			id := string(it.Item().Key()[2:])
			f, err := readFiling(txn, id)
			if err != nil {
				return err
			}
			// As stored: the index entries carry the stored summary, not
			// the receipt recorded since (receipt.go).
			sum, err := readStoredSummary(txn, id)
			if err != nil {
				return err
			}
			if sum == nil {
				add("材料 %s 缺少摘要", id)
				continue
			}
			if sum.Unread != unread[id] {
				add("材料 %s 的未读数为 %d，实有 %d", id, sum.Unread, unread[id])
			}
			exp := summaryOf(f, sum)
			exp.Unread = sum.Unread
			if !sameListing(&exp, sum) || !sameAnchors(&exp, sum) || !exp.Updated.Equal(sum.Updated) ||
				sum.Listed.After(sum.Updated) || sum.Updated.Sub(sum.Listed) >= listGranularity {
				add("材料 %s 的摘要与内容不符", id)
			}
			counts["c/kind/"+string(sum.Kind)]++
			counts["c/status/"+string(sum.Status)]++
			enc := sum.encode()
			for _, k := range indexKeys(sum) {
				want[k] = enc
			}
			for _, g := range grams(sum.Title) {
				want[gramKey(g, id)] = nil
			}
		}
		it.Close()
		for _, prefix := range []string{"x/", "g/"} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
			for it.Rewind(); it.Valid(); it.Next() {
				k := string(it.Item().Key())
				v, ok := want[k]
				if !ok {
					add("多余的索引项 %q", k)
					continue
				}
				delete(want, k)
				if prefix == "x/" {
					got, err := it.Item().ValueCopy(nil)
					if err != nil {
						it.Close()
						return err
					}
					// An index entry may carry an older Updated (listGranularity).
					gs, err1 := decodeSummary(got)
					ws, _ := decodeSummary(v)
					if err1 != nil || !sameListing(&gs, &ws) || !gs.Listed.Equal(ws.Listed) {
						add("索引项 %q 的摘要已过时", k)
					}
				}
			}
			it.Close()
		}
		for k := range want {
			add("缺少索引项 %q", k)
		}
		got := map[string]int{}
		err = iterate(txn, "c/", func(k, v []byte) error {
			n, err := strconv.Atoi(string(v))
			got["c/"+string(k)] = n
			return err
		})
		if err != nil {
			return err
		}
		for k, n := range counts {
			if got[k] != n {
				add("计数 %s 为 %d，实有 %d", k, got[k], n)
			}
			delete(got, k)
		}
		for k, n := range got {
			if n != 0 {
				add("计数 %s 为 %d，实有 0", k, n)
			}
		}
		items, err := outboxItems(txn, 0, 0)
		if errors.Is(err, errBadRecord) {
			add("%v", err)
		} else if err != nil {
			return err
		}
		for _, o := range items {
			var snap RevisionSnapshot
			err := getJSON(txn, revisionKey(o.FilingID, o.RevisionNumber), &snap)
			switch {
			case errors.Is(err, badger.ErrKeyNotFound):
				add("发送队列第 %d 项缺少版本快照", o.Seq)
			case err != nil:
				return err
			case snap.BodyHash != o.BodyHash || snap.Revision.ID != o.RevisionID:
				add("发送队列第 %d 项与版本快照不符", o.Seq)
			}
			if sum := sha256.Sum256(o.Body); hex.EncodeToString(sum[:]) != o.BodyHash {
				add("发送队列第 %d 项的内容与其校验值不符", o.Seq)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	if len(problems) > 0 {
		return app.Errorf(app.EINTERNAL, "本地数据库索引不一致（%d 处）：%s", len(problems), strings.Join(problems, "；"))
	}
	return nil
}

// Reindex rebuilds every summary, index entry and n-gram posting from the
// documents, keeping the send state and unread counts of the old summaries.
// It is the repair for what Check reports; it runs in several transactions
// and is safe to rerun after a crash. It fails with a wrapped storage error.
func (s *Store) Reindex(ctx context.Context) error {
	for _, prefix := range []string{"x/", "g/", "c/"} {
		if err := s.dropPrefix(ctx, prefix); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
	}
	var ids []string
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("d/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			ids = append(ids, string(it.Item().Key()[2:]))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	err = s.updateEach(ctx, false, len(ids), func(txn *badger.Txn, i int) error {
		f, err := readFiling(txn, ids[i])
		if err != nil {
			return err
		}
		old, err := readSummary(txn, ids[i])
		if err != nil {
			return err
		}
		sum := summaryOf(f, old)
		// The old entries are gone: write every key as for a new filing.
		if err := writeSummary(txn, nil, &sum); err != nil {
			return fmt.Errorf("filing %s: %w", ids[i], err)
		}
		return dropFoldedReceipt(txn, old)
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// dropPrefix deletes every key under prefix in transactions of bounded size.
// (badger.DB.DropPrefix would also do, but blocks all writes while it runs.)
func (s *Store) dropPrefix(ctx context.Context, prefix string) error {
	for {
		var keys [][]byte
		err := s.view(ctx, func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
			defer it.Close()
			for it.Rewind(); it.Valid() && len(keys) < 2000; it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			return nil
		})
		if err != nil || len(keys) == 0 {
			return err
		}
		err = s.update(ctx, false, func(txn *badger.Txn) error {
			for _, k := range keys {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}
