package server

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/badgerstore"
)

// badgerDB is the Badger database of s's default store.
func badgerDB(s *Server) *badger.DB { return s.store.(*badgerstore.Store).DB() }

// dropKeys deletes the keys under each prefix and then the keys named in
// del, and sets the keys of set, in one transaction.
func dropKeys(tb interface{ Fatal(...any) }, s *Server, prefixes []string, del []string, set map[string]string) {
	err := badgerDB(s).Update(func(txn *badger.Txn) error {
		for _, p := range prefixes {
			opts := badger.DefaultIteratorOptions
			opts.PrefetchValues = false
			opts.Prefix = []byte(p)
			it := txn.NewIterator(opts)
			var ks [][]byte
			for it.Rewind(); it.Valid(); it.Next() {
				ks = append(ks, it.Item().KeyCopy(nil))
			}
			it.Close()
			for _, k := range ks {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
		}
		for _, k := range del {
			if err := txn.Delete([]byte(k)); err != nil {
				return err
			}
		}
		for k, v := range set {
			if err := txn.Set([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// DropQueueIndex deletes the console's queue index and its marker, as in a
// store written before the index existed.
func DropQueueIndex(tb interface{ Fatal(...any) }, s *Server) {
	dropKeys(tb, s, []string{"qx/", "qxp/", "qc/"}, []string{"m/queueindex"}, nil)
}

// DropSimilarIndex deletes the similar-projects index and its marker, as
// in a store written before the index existed.
func DropSimilarIndex(tb interface{ Fatal(...any) }, s *Server) {
	dropKeys(tb, s, []string{"sgp/"}, []string{"m/similarindex"}, nil)
	if err := s.store.(*badgerstore.Store).ReloadSimilarIndex(); err != nil {
		tb.Fatal(err)
	}
}

// MarkQueueIndexVersion1 marks the queue index as written by a bureau
// before its counters, which kept no qc/ keys.
func MarkQueueIndexVersion1(tb interface{ Fatal(...any) }, s *Server) {
	dropKeys(tb, s, []string{"qc/"}, nil, map[string]string{"m/queueindex": "1"})
}

// DamageSimilarIndex overwrites every entry of the similar-projects index
// (sgp/) with bytes that are no entry, as a damaged store would hold them.
func DamageSimilarIndex(tb interface{ Fatal(...any) }, s *Server) {
	entries, err := s.store.(*badgerstore.Store).KeysWithPrefix("sgp/")
	if err != nil {
		tb.Fatal(err)
	}
	if len(entries) == 0 {
		tb.Fatal("no entry to damage")
	}
	err = badgerDB(s).Update(func(txn *badger.Txn) error {
		for _, k := range entries {
			if err := txn.Set([]byte("sgp/"+k), []byte("*damaged")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// SetProfileUnchecked sets a profile as a bureau did before
// app.Profile.CheckNew existed: loaded by app.LoadProfile alone.
func SetProfileUnchecked(tb interface{ Fatal(...any) }, s *Server, name string, data []byte) {
	var canon bytes.Buffer
	if err := json.Compact(&canon, data); err != nil {
		tb.Fatal(err)
	}
	prof, err := app.LoadProfile(name, canon.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	rec := profileRecord{ID: prof.ID, Version: prof.Version, Updated: s.Now(), Data: canon.Bytes()}
	if err := s.store.SetProfile(context.Background(), rec, protocol.Change{Type: protocol.ChangeProfile, At: rec.Updated,
		ProfileID: prof.ID, ProfileVersion: prof.Version}); err != nil {
		tb.Fatal(err)
	}
	s.profile.Store(prof)
}
