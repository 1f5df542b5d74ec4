package pgstore

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// submitRows gathers the rows a batch of submissions writes, table by
// table, so that each table gets one statement a batch (its rows passed
// as arrays and unnested) instead of one a submission: measured on the
// push of 200-filing batches, the executor's start, the locks, the
// protocol messages and the index descent of each of some eight
// single-row statements a filing cost more than the rows themselves. A
// filing appears at most once in one submitRows (Submit flushes before it
// writes a filing a second time), so the statements' order within a flush
// is the only order that matters: the filings before the rows that refer
// to them. The rows may be of several units (Submit's group commit).
type submitRows struct {
	// filings to create (insert, which must insert) and to update
	newIDs, newUnits []string
	newUpdated       []time.Time
	newRecords       [][]byte
	updIDs           []string
	updUpdated       []time.Time
	updRecords       [][]byte

	// revisions (insert, which must insert)
	revFilings, revIDs, revUnits, revSums, revCodes []string
	revBodies, revRecords                           [][]byte

	// the review queue: rows to write and filings to take out
	qIDs, qUnits, qStatuses, qKinds, qTitles []string
	qSince, qTotals                          []int64
	qYears, qRevisions                       []int32
	qConcurred                               []string // each a PostgreSQL array literal
	qDrop                                    []string

	// revisions waiting for attachments: one row per missing attachment
	wUnits, wSums, wFilings, wRevisions []string

	// the changes appended to each unit's feed, in order
	feeds map[string]*feedRows

	// the similar-projects index
	simIDs, simGrams []string // grams: PostgreSQL array literals
	simRecords       [][]byte
}

func (r *submitRows) empty() bool {
	return len(r.newIDs)+len(r.updIDs)+len(r.revIDs)+len(r.qIDs)+len(r.qDrop)+len(r.wSums)+
		len(r.feeds)+len(r.simIDs) == 0
}

// filing queues the write of fr: created when fresh, else updated.
func (r *submitRows) filing(fr bureaustore.Filing, fresh bool) {
	f := fr.Filing
	if fresh {
		r.newIDs = append(r.newIDs, f.ID)
		r.newUnits = append(r.newUnits, f.UnitID)
		r.newUpdated = append(r.newUpdated, f.Updated)
		r.newRecords = append(r.newRecords, mustJSON(fr))
		return
	}
	r.updIDs = append(r.updIDs, f.ID)
	r.updUpdated = append(r.updUpdated, f.Updated)
	r.updRecords = append(r.updRecords, mustJSON(fr))
}

// revision queues the insert of a new revision with its receipt.
func (r *submitRows) revision(unit string, req protocol.SubmitRequest, body *app.Body, rec bureaustore.Revision) {
	r.revFilings = append(r.revFilings, body.ID)
	r.revIDs = append(r.revIDs, body.RevisionID)
	r.revUnits = append(r.revUnits, unit)
	r.revSums = append(r.revSums, req.BodySHA256)
	r.revCodes = append(r.revCodes, app.CodeID(body.RevisionID))
	r.revBodies = append(r.revBodies, req.Body)
	r.revRecords = append(r.revRecords, mustJSON(rec))
}

// queueEntry queues the write of fr's row of the review queue, as
// queueUpsert does it; the statement reads the unit's name (one round
// trip less than reading it first).
func (r *submitRows) queueEntry(fr bureaustore.Filing, year int, total int64) {
	e := bureaustore.QueueEntry(fr, "")
	concurred := make([]string, len(e.Concurred))
	for i, c := range e.Concurred {
		concurred[i] = string(c)
	}
	r.qIDs = append(r.qIDs, e.ID)
	r.qSince = append(r.qSince, max(e.Since.UnixNano(), 0))
	r.qUnits = append(r.qUnits, e.UnitID)
	r.qStatuses = append(r.qStatuses, string(e.Status))
	r.qKinds = append(r.qKinds, string(e.Kind))
	r.qTitles = append(r.qTitles, e.Title)
	r.qYears = append(r.qYears, int32(year))
	r.qTotals = append(r.qTotals, total)
	r.qRevisions = append(r.qRevisions, int32(e.Revision))
	r.qConcurred = append(r.qConcurred, textArray(concurred))
}

// waits queues the rows of revision rid of filing fid waiting for sums.
func (r *submitRows) waits(unit, fid, rid string, sums []string) {
	for _, s := range sums {
		r.wUnits = append(r.wUnits, unit)
		r.wSums = append(r.wSums, s)
		r.wFilings = append(r.wFilings, fid)
		r.wRevisions = append(r.wRevisions, rid)
	}
}

// feedRows are the changes queued for one unit's feed.
type feedRows struct {
	at      []time.Time
	changes [][]byte
}

// change queues the append of c to unit's feed.
func (r *submitRows) change(unit string, c protocol.Change) {
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	if r.feeds == nil {
		r.feeds = map[string]*feedRows{}
	}
	f := r.feeds[unit]
	if f == nil {
		f = &feedRows{}
		r.feeds[unit] = f
	}
	f.at = append(f.at, c.At)
	f.changes = append(f.changes, mustJSON(c))
}

// similar queues the write of declaration fid's entry of the
// similar-projects index, d's fingerprint fp, as indexSimilar does it.
func (r *submitRows) similar(fid string, d *app.Declaration, fp app.Fingerprint) {
	gs := fp.IndexGrams()
	var sb strings.Builder
	sb.Grow(len(gs)*11 + 2)
	sb.WriteByte('{')
	for i, g := range gs {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.FormatUint(uint64(g), 10))
	}
	sb.WriteByte('}')
	r.simIDs = append(r.simIDs, fid)
	r.simGrams = append(r.simGrams, sb.String())
	r.simRecords = append(r.simRecords, mustJSON(similarRecord{Fingerprint: fp, Year: d.PlanYear, Total: d.TotalInvestment}))
}

// textArray returns ss as a PostgreSQL array literal.
func textArray(ss []string) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, s := range ss {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('"')
		for _, c := range []byte(s) {
			if c == '"' || c == '\\' {
				sb.WriteByte('\\')
			}
			sb.WriteByte(c)
		}
		sb.WriteByte('"')
	}
	sb.WriteByte('}')
	return sb.String()
}

// The statements of a flush, one a table. The inserts that must insert
// (a filing or revision another transaction wrote first) count their rows
// (mustInsertN): fewer than sent make the transaction run again.
const (
	sqlInsertFilings = `INSERT INTO filings (id, unit_id, updated, record)
		SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])
		ON CONFLICT (id) DO NOTHING`
	sqlUpdateFilings = `UPDATE filings f SET updated = u.updated, record = u.record
		FROM unnest($1::text[], $2::timestamptz[], $3::jsonb[]) AS u(id, updated, record) WHERE f.id = u.id`
	sqlInsertRevisions = `INSERT INTO revisions (filing_id, revision_id, unit_id, body_sha256, code_id, body, record)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::jsonb[])
		ON CONFLICT DO NOTHING`
	sqlDropQueue   = `DELETE FROM queue WHERE filing_id = ANY($1::text[])`
	sqlUpsertQueue = `INSERT INTO queue (filing_id, since_ns, unit_id, unit_name, status, kind, title, year, total, revision, concurred)
		SELECT id, since, unit, (SELECT u.record->>'name' FROM units u WHERE u.id = q.unit), status, kind, title, year,
			total, rev, concurred::text[]
		FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
			$8::bigint[], $9::int[], $10::text[]) AS q(id, since, unit, status, kind, title, year, total, rev, concurred)
		ON CONFLICT (filing_id) DO UPDATE SET since_ns = excluded.since_ns, unit_name = excluded.unit_name,
			status = excluded.status, kind = excluded.kind, title = excluded.title, year = excluded.year,
			total = excluded.total, revision = excluded.revision, concurred = excluded.concurred`
	sqlInsertWaits = `INSERT INTO upload_waits (unit_id, sha256, filing_id, revision_id)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`
	// The feed's head moves by the batch's count in one update (its row
	// lock orders the unit's appends, as in AppendChange), and the changes
	// take the seqs below it in their order.
	sqlAppendChanges = `WITH h AS (INSERT INTO feeds (unit_id, head) VALUES ($1, $2)
			ON CONFLICT (unit_id) DO UPDATE SET head = feeds.head + $2 RETURNING head)
		INSERT INTO changes (unit_id, seq, at, change)
		SELECT $1, h.head - $2 + c.n, c.at, jsonb_set(c.change, '{seq}', to_jsonb(h.head - $2 + c.n))
		FROM h, unnest($3::timestamptz[], $4::jsonb[]) WITH ORDINALITY AS c(at, change, n)`
	sqlUpsertSimilar = `INSERT INTO similar_prints (filing_id, grams, record)
		SELECT id, g::bigint[], rec FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS s(id, g, rec)
		ON CONFLICT (filing_id) DO UPDATE SET grams = excluded.grams, record = excluded.record`
)

// queue appends r's statements to b, the filings first, the feed last,
// and one notification of the unit's feed when it grew.
func (r *submitRows) queue(b *pgx.Batch) {
	if n := len(r.newIDs); n > 0 {
		b.Queue(sqlInsertFilings, r.newIDs, r.newUnits, r.newUpdated, r.newRecords).Exec(mustInsertN(n))
	}
	if len(r.updIDs) > 0 {
		b.Queue(sqlUpdateFilings, r.updIDs, r.updUpdated, r.updRecords)
	}
	if n := len(r.revIDs); n > 0 {
		b.Queue(sqlInsertRevisions, r.revFilings, r.revIDs, r.revUnits, r.revSums, r.revCodes, r.revBodies, r.revRecords).
			Exec(mustInsertN(n))
	}
	if len(r.qDrop) > 0 {
		b.Queue(sqlDropQueue, r.qDrop)
	}
	if len(r.qIDs) > 0 {
		b.Queue(sqlUpsertQueue, r.qIDs, r.qSince, r.qUnits, r.qStatuses, r.qKinds, r.qTitles,
			r.qYears, r.qTotals, r.qRevisions, r.qConcurred)
	}
	if len(r.wSums) > 0 {
		b.Queue(sqlInsertWaits, r.wUnits, r.wSums, r.wFilings, r.wRevisions)
	}
	if len(r.simIDs) > 0 {
		b.Queue(sqlUpsertSimilar, r.simIDs, r.simGrams, r.simRecords)
	}
	// Last: a feed's row stays locked from here to the commit, and the
	// unit's other writers wait for it. The units in one order, so two
	// transactions of several units take their feeds' rows in one order.
	for _, unit := range slices.Sorted(maps.Keys(r.feeds)) {
		f := r.feeds[unit]
		b.Queue(sqlAppendChanges, unit, int64(len(f.changes)), f.at, f.changes)
		// Delivered at commit, once per distinct payload.
		b.Queue("SELECT pg_notify($1, $2)", ChangesChannel, unit)
	}
}

// mustInsertN makes an INSERT … ON CONFLICT DO NOTHING of n rows that
// inserted fewer fail with errRetry: another transaction wrote one of them
// first.
func mustInsertN(n int) func(pgconn.CommandTag) error {
	return func(ct pgconn.CommandTag) error {
		if ct.RowsAffected() != int64(n) {
			return errRetry
		}
		return nil
	}
}
