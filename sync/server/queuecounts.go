package server

import (
	"bytes"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/server/console"
)

// queueCounts counts the review queue from the index's counters by kind
// and status (qc/k/<kind>/<status>, kept with every entry by indexQueue):
// at most one counter per kind and status is read, however long the
// queue. Matching is known for a query that filters by nothing but kind
// and status, the other filters needing the entries themselves.
func queueCounts(txn *badger.Txn, q console.QueueQuery) (console.QueueCounts, error) {
	c := console.QueueCounts{ByStatus: map[app.Status]int{}, ByKind: map[app.Kind]int{}}
	prefix := key("qc", "k", "")
	err := eachCount(txn, prefix, func(k []byte, n int) error {
		kind, st, _ := bytes.Cut(k[len(prefix):], []byte("/"))
		c.Total += n
		c.ByKind[app.Kind(kind)] += n
		c.ByStatus[app.Status(st)] += n
		if (q.Kind == "" || q.Kind == app.Kind(kind)) && (q.Status == "" || q.Status == app.Status(st)) {
			c.Matching += n
		}
		return nil
	})
	c.MatchingKnown = q.UnitID == "" && q.Year == 0 && q.Route == "" && q.From.IsZero() && q.To.IsZero() &&
		!q.Overdue && q.Text == ""
	return c, err
}
