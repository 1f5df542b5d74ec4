package server

import "github.com/dgraph-io/badger/v4"

// DropQueueIndex deletes the console's queue index and its marker, as in a
// store written before the index existed.
func DropQueueIndex(tb interface{ Fatal(...any) }, s *Server) {
	err := s.db.Update(func(txn *badger.Txn) error {
		for _, p := range []string{"qx/", "qxp/", "qc/"} {
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

// MarkQueueIndexVersion1 marks the queue index as written by a bureau
// before its counters, which kept no qc/ keys.
func MarkQueueIndexVersion1(tb interface{ Fatal(...any) }, s *Server) {
	err := s.db.Update(func(txn *badger.Txn) error {
		for _, k := range keysWithPrefix(txn, []byte("qc/")) {
			if err := txn.Delete([]byte("qc/" + k)); err != nil {
				return err
			}
		}
		return txn.Set([]byte(keyQueueIndex), []byte("1"))
	})
	if err != nil {
		tb.Fatal(err)
	}
}
