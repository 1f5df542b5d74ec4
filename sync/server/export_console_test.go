package server

import "github.com/dgraph-io/badger/v4"

// DropQueueIndex deletes the console's queue index and its marker, as in a
// store written before the index existed.
func DropQueueIndex(tb interface{ Fatal(...any) }, s *Server) {
	err := s.db.Update(func(txn *badger.Txn) error {
		for _, p := range []string{"qx/", "qxp/"} {
			for _, k := range keysWithPrefix(txn, []byte(p)) {
				if err := txn.Delete([]byte(p + k)); err != nil {
					return err
				}
			}
		}
		return txn.Delete([]byte(keyQueueIndex))
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// DropSimilarIndex deletes the similar-projects index and its marker, as
// in a store written before the index existed.
func DropSimilarIndex(tb interface{ Fatal(...any) }, s *Server) {
	err := s.db.Update(func(txn *badger.Txn) error {
		for _, p := range []string{"sg/", "sgn/", "sgp/"} {
			for _, k := range keysWithPrefix(txn, []byte(p)) {
				if err := txn.Delete([]byte(p + k)); err != nil {
					return err
				}
			}
		}
		return txn.Delete([]byte(keySimilarIndex))
	})
	if err != nil {
		tb.Fatal(err)
	}
}
