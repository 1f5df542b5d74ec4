package server

import (
	"encoding/binary"
	"maps"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// addCounts adds deltas to the counters they name, reading from txn and
// writing through w: each counter once, with its net change, so that a
// stage (which never reads its own writes) sees them right. A counter that
// reaches zero is deleted. Counters are 8-byte big-endian, as getUint reads
// them; the writers hold writeMu, so read-modify-write is safe.
func addCounts(txn *badger.Txn, w writer, deltas map[string]int64) error {
	for _, k := range slices.Sorted(maps.Keys(deltas)) {
		d := deltas[k]
		if d == 0 {
			continue
		}
		n, err := getUint(txn, []byte(k))
		if err != nil {
			return err
		}
		v := int64(n) + d
		if v <= 0 {
			err = w.Delete([]byte(k))
		} else {
			err = w.Set([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(v)))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
