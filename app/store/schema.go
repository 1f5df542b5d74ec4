package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// Key layout. Every key starts with a short prefix naming what it holds; <desc>
// is the last-change time as 16 hex digits of (MaxInt64 − UnixNano), so an
// ascending scan lists the newest first.
//
//	meta/schema                   schema version (decimal)
//	meta/cursor                   sync cursor (opaque, from the bureau)
//	meta/outseq                   last outbox sequence number (decimal)
//	meta/fill-anchors             present while summaries lack the deadline anchors (schema 4, 5)
//	meta/last-sync                end of the syncer's last successful pass, RFC 3339 (LastSync)
//	d/<id>                        filing working copy, JSON, without History
//	h/<id>                        filing history, JSON []app.Transition
//	s/<id>                        summary, binary, with the deadline anchors (schema 4; a declaration's period and approved amount: 5; see summary.go)
//	r/<id>/<number %06d>          revision snapshot, JSON (written on Submit)
//	x/upd/<desc>/<id>             → summary   all filings by last change
//	x/kind/<kind>/<desc>/<id>     → summary
//	x/status/<status>/<desc>/<id> → summary
//	x/year/<yyyy>/<desc>/<id>     → summary
//	g/<gram>\x00<id>              → empty     n-gram posting (unigrams+bigrams of the title)
//	c/kind/<kind>, c/status/<st>  number of filings (decimal), kept with the indexes
//	o/<seq %020d>                 outbox item, JSON (with the body, base64, before schema 2)
//	ob/<seq %020d>                outbox item's body, the canonical JSON as sent (schema 2)
//	of/<seq %020d>                → empty     present while the item's last attempt failed
//	i/<desc>/<entry id>           inbox entry, JSON
//	ii/<entry id>                 → the entry's i/ key
//	iu/<entry id>                 → filing ID; present while the entry is unread
//	rc/<id>/<revision id>         the bureau's receipt, not yet folded into s/ and x/ (schema 3; see receipt.go)
//	t/<id>                        a deleted draft: deletion time and its d/ value (see trash.go)
//	dc/<id>, dx/<id>, da/<id>     a draft's copy at the bureau: held, to delete there, taken over (see draftcopy.go)
//	meta/push-mark                while submissions are on their way: the last outbox seq they may include (see withdraw.go)
//	meta/mark-tried               schema 8 asks Open to mark the outbox items older binaries queued (see withdraw.go)
const (
	keySchema      = "meta/schema"
	keyCursor      = "meta/cursor"
	keyOutSeq      = "meta/outseq"
	keyPushMark    = "meta/push-mark"  // withdraw.go
	keyMarkTried   = "meta/mark-tried" // withdraw.go
	keyFillAnchors = "meta/fill-anchors"
	keyLastSync    = "meta/last-sync"
)

// Migration moves the store from one schema version to the next inside one
// transaction. The i-th registered migration upgrades version i to i+1. A migration larger than
// one transaction can hold must be split into several versions.
type Migration func(txn *badger.Txn) error

// migrations are the registered schema migrations; their count is the schema
// version this binary writes.
var migrations = []Migration{
	// 0 → 1: the initial layout above; nothing to convert.
	func(*badger.Txn) error { return nil },
	// 1 → 2: new outbox items keep their body under ob/<seq>, not in the
	// record. Items already queued keep theirs (both forms are read), so
	// nothing is converted; the version keeps older binaries, which would
	// send such an item without its body, out of the directory.
	func(*badger.Txn) error { return nil },
	// 2 → 3: an acknowledgement records the receipt under rc/ and leaves
	// the summary to a later fold (receipt.go). Nothing to convert; the
	// version keeps older binaries, which would show a delivered filing as
	// 待发送 for good, out of the directory.
	func(*badger.Txn) error { return nil },
	// 3 → 4: summaries under s/ carry the deadline anchors of declarations
	// and acceptance applications (summary.go), which the summaries
	// written before lack. Too many to rewrite in one transaction, so the
	// migration only asks for them (keyFillAnchors), and Open fills them in
	// before it returns (fillAnchorsIfAsked); the version keeps older
	// binaries, which would write summaries without anchors, out of the
	// directory.
	func(txn *badger.Txn) error { return txn.Set([]byte(keyFillAnchors), []byte("schema 4")) },
	// 4 → 5: a declaration's anchors carry its construction period and
	// the approved (核定) amount a decision gave (summary.go), without
	// which the home screen cannot count 武汉 第二十条's yearly report
	// within the construction period, nor route on the approved amount.
	// Filled in as for schema 4: the migration asks, Open fills in; the
	// version keeps older binaries, which would write declarations'
	// summaries without them, out of the directory.
	func(txn *badger.Txn) error { return txn.Set([]byte(keyFillAnchors), []byte("schema 5")) },
	// 5 → 6: a declaration's anchors carry when it was first submitted,
	// before which the home screen asks for no yearly filing (a system
	// live for years before its project came to egovdesk). Filled in as
	// for schema 4.
	func(txn *badger.Txn) error { return txn.Set([]byte(keyFillAnchors), []byte("schema 6")) },
	// 6 → 7: a declaration's facts carry the kinds of its funding
	// sources (app's "funding.kind"), by which 武汉 第九条 routes a school's
	// or hospital's project to its sector only when it uses city funds.
	// Filled in as for schema 4.
	func(txn *badger.Txn) error { return txn.Set([]byte(keyFillAnchors), []byte("schema 7")) },
	// 7 → 8: an outbox item says whether a request that carried it may
	// have reached the bureau (MaybeSent), and a submission that may not
	// have can be withdrawn (withdraw.go). Items queued before were queued
	// by a binary that recorded nothing before a batch of plain items
	// left: the migration asks Open to mark every one of them
	// (keyMarkTried; too many to rewrite in one transaction, as for
	// schema 4), so that none the bureau may hold is withdrawn. The version keeps older binaries, which would drop the
	// mark when they record an attempt, out of the directory.
	func(txn *badger.Txn) error { return txn.Set([]byte(keyMarkTried), []byte("schema 8")) },
}

// fillAnchorsIfAsked runs fillAnchors when a migration asked for it, then
// clears the request. A crash in between leaves the request, and the next
// Open fills them in again, which changes nothing more.
func (s *Store) fillAnchorsIfAsked() error {
	var asked bool
	err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get([]byte(keyFillAnchors))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		asked = err == nil
		return err
	})
	if err != nil || !asked {
		return err
	}
	start := time.Now()
	n, err := s.fillAnchors(context.Background())
	if err != nil {
		return err
	}
	// The summaries on disk before the marker goes: after a power cut the
	// delete must not survive writes that did not.
	if err := s.db.Sync(); err != nil {
		return err
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(keyFillAnchors)) }); err != nil {
		return err
	}
	s.log.Info("store: deadline anchors filled in", "dir", s.dir, "filings", n, "took", time.Since(start))
	return nil
}

// fillBatch is how many summaries fillAnchors writes in one transaction.
const fillBatch = 500

// fillAnchors writes the deadline anchors of every declaration (with its
// construction period and approved amount since schema 5) and
// acceptance application into its summary under s/, from its document and
// history, in transactions of bounded size; index entries do not carry
// anchors. Trial reports and acceptance applications whose title changed in
// this version ("…试运行报告") get their whole summary, index entries
// included, written again. A filing whose document cannot be read is logged
// and left as it was (Check reports it), so that one bad filing does not
// keep the store from opening. It returns how many summaries it wrote.
func (s *Store) fillAnchors(ctx context.Context) (n int, err error) {
	var ids []string
	err = s.view(ctx, func(txn *badger.Txn) error {
		return iterate(txn, "s/", func(k, v []byte) error {
			if kind := app.Kind(peekKind(v)); kind == app.KindDeclaration || kind == app.KindAcceptance || kind == app.KindTrialReport {
				ids = append(ids, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("fill in deadline anchors: %w", err)
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), fillBatch)] // a size that fits: updateEach would try all first
		ids = ids[len(batch):]
		err = s.updateEach(ctx, false, len(batch), func(txn *badger.Txn, i int) error {
			f, err := readFiling(txn, batch[i])
			if err != nil {
				s.log.Warn("store: deadline anchors not filled in: the filing cannot be read", "filing", batch[i], "err", err)
				return nil
			}
			if f.Kind != app.KindDeclaration {
				old, err := readSummary(txn, batch[i])
				if err != nil || old == nil || f.Kind == app.KindTrialReport && old.Title == f.Title() {
					return err
				}
				sum := summaryOf(f, old)
				return writeSummary(txn, old, &sum)
			}
			sum, err := readStoredSummary(txn, batch[i])
			if err != nil || sum == nil {
				return err
			}
			sum.anchors = app.AnchorsOf(f)
			return txn.Set([]byte("s/"+batch[i]), sum.encodeStored())
		})
		if err != nil {
			return 0, fmt.Errorf("fill in deadline anchors: %w", err)
		}
		n += len(batch)
	}
	return n, nil
}

// migrate runs the migrations the store has not seen yet, each in its own
// transaction together with the version bump, so a crash leaves the store at a
// whole version. It refuses a store written by a newer binary.
func (s *Store) migrate(dir string, ms []Migration) error {
	var have int
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		have, err = readSchema(txn)
		return err
	})
	if err != nil {
		return fmt.Errorf("read schema of %s: %w", dir, err)
	}
	if have > len(ms) {
		return app.Errorf(app.EINVALID,
			"数据目录 %s 由更新版本的 egovdesk 创建（数据格式第 %d 版，本程序只支持到第 %d 版），请升级 egovdesk 后再打开",
			dir, have, len(ms))
	}
	for v := have; v < len(ms); v++ {
		err := s.db.Update(func(txn *badger.Txn) error {
			if err := ms[v](txn); err != nil {
				return err
			}
			return txn.Set([]byte(keySchema), []byte(strconv.Itoa(v+1)))
		})
		if err != nil {
			return fmt.Errorf("migrate %s from schema %d to %d: %w", dir, v, v+1, err)
		}
		s.log.Info("store: migrated", "dir", dir, "schema", v+1)
	}
	return nil
}

// readSchema returns the stored schema version, 0 for a new store.
func readSchema(txn *badger.Txn) (int, error) {
	b, err := getValue(txn, keySchema)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, fmt.Errorf("bad schema version %q: %w", b, err)
	}
	return v, nil
}

// getValue returns a copy of key's value or badger.ErrKeyNotFound.
func getValue(txn *badger.Txn, key string) ([]byte, error) {
	item, err := txn.Get([]byte(key))
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}
