package pgstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// queueScanBudget bounds the entries one page reads, as on Badger: a
// filter that matches little of a long queue answers in bounded time with
// a partial page and a cursor to continue.
const queueScanBudget = 10000

// Decide applies a reviewer's decision (under the review steps of
// d.Profile, with the head revision's content) in one durable commit with
// the review queue and a change in the unit's feed.
func (s *Store) Decide(ctx context.Context, d bureaustore.Decision) (bureaustore.DecisionResult, error) {
	var res bureaustore.DecisionResult
	err := s.write(ctx, func(tx pgx.Tx) error {
		fr, err := lockFiling(ctx, tx, d.FilingID)
		if err != nil {
			return err
		}
		if fr == nil {
			return bureaustore.NotFound()
		}
		// The steps of the filing's flow, and the 核定 amount's bound, are
		// read from its head revision's content.
		var data []byte
		if err := tx.QueryRow(ctx, "SELECT body FROM revisions WHERE filing_id = $1 AND revision_id = $2",
			fr.Filing.ID, fr.Filing.Revision.ID).Scan(&data); err != nil {
			return fmt.Errorf("body of %s: %w", d.FilingID, err)
		}
		var body app.Body
		if err := json.Unmarshal(data, &body); err != nil {
			return fmt.Errorf("body of %s: %w", d.FilingID, err)
		}
		t, err := bureaustore.ApplyDecision(&fr.Filing, &body, d)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE filings SET updated = $2, record = $3 WHERE id = $1",
			d.FilingID, fr.Filing.Updated, mustJSON(fr)); err != nil {
			return err
		}
		u, err := unitBy(ctx, tx, "id", fr.Filing.UnitID)
		if err != nil {
			return err
		}
		if err := indexQueue(ctx, tx, *fr, u.Name, &body); err != nil {
			return err
		}
		if _, err := AppendChange(ctx, tx, u.ID, protocol.Change{Type: protocol.ChangeDecision, At: d.Now,
			FilingID: d.FilingID, RevisionID: t.RevisionID, Transition: &t}); err != nil {
			return err
		}
		res = bureaustore.DecisionResult{Transition: t, Filing: *fr, UnitName: u.Name}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("decide %s: %w", d.FilingID, err)
	}
	s.changed([]string{res.Filing.Filing.UnitID})
	return res, nil
}

// indexQueue keeps fr's row of the queue up to date: one keyed by the
// time of its last change while it awaits review, none otherwise. body is
// the head revision's content when the caller holds it decoded; else the
// facts of the row it replaces are kept when the revision is the same, or
// read from the stored body.
func indexQueue(ctx context.Context, tx pgx.Tx, fr bureaustore.Filing, unitName string, body *app.Body) error {
	f := fr.Filing
	if !bureaustore.InQueue(f.Status) {
		_, err := tx.Exec(ctx, "DELETE FROM queue WHERE filing_id = $1", f.ID)
		return err
	}
	var year int
	var total int64
	have := false
	if body == nil {
		err := tx.QueryRow(ctx, "SELECT year, total FROM queue WHERE filing_id = $1 AND revision = $2",
			f.ID, f.Revision.Number).Scan(&year, &total)
		if err == nil {
			have = true
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
	}
	if !have {
		if body == nil {
			var data []byte
			if err := tx.QueryRow(ctx, "SELECT body FROM revisions WHERE filing_id = $1 AND revision_id = $2",
				f.ID, f.Revision.ID).Scan(&data); err != nil {
				return fmt.Errorf("queue index of %s: %w", f.ID, err)
			}
			var b app.Body
			if err := json.Unmarshal(data, &b); err != nil {
				return fmt.Errorf("queue index of %s: %w", f.ID, err)
			}
			body = &b
		}
		y, t := bureaustore.QueueFacts(f, body)
		year, total = y, int64(t)
	}
	if unitName == "" {
		u, err := unitBy(ctx, tx, "id", f.UnitID)
		if err != nil {
			return err
		}
		unitName = u.Name
	}
	b := &pgx.Batch{}
	queueUpsert(b, fr, unitName, year, total)
	return tx.SendBatch(ctx, b).Close()
}

// queueUpsert queues the write of fr's row of the review queue into b,
// with the departments that concurred at its joint step
// (bureaustore.QueueEntry).
func queueUpsert(b *pgx.Batch, fr bureaustore.Filing, unitName string, year int, total int64) {
	e := bureaustore.QueueEntry(fr, unitName)
	concurred := make([]string, len(e.Concurred))
	for i, r := range e.Concurred {
		concurred[i] = string(r)
	}
	b.Queue(`INSERT INTO queue (filing_id, since_ns, unit_id, unit_name, status, kind, title, year, total, revision, concurred)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (filing_id) DO UPDATE SET since_ns = excluded.since_ns, unit_name = excluded.unit_name,
			status = excluded.status, kind = excluded.kind, title = excluded.title, year = excluded.year,
			total = excluded.total, revision = excluded.revision, concurred = excluded.concurred`,
		e.ID, max(e.Since.UnixNano(), 0), e.UnitID, e.UnitName, string(e.Status), string(e.Kind), e.Title,
		year, total, e.Revision, concurred)
}

// queueCursor is the position after an entry of the queue: since_ns and
// filing ID, in base64url, "pq1|<since_ns>|<filing>".
func queueCursor(since int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("pq1|" + strconv.FormatInt(since, 10) + "|" + id))
}

func parseQueueCursor(s string) (int64, string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, "", false
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 || parts[0] != "pq1" {
		return 0, "", false
	}
	n, err := strconv.ParseInt(parts[1], 10, 64)
	return n, parts[2], err == nil
}

// overdueBefore returns the arrival time (ns) from which a filing is not
// overdue at rules.Now: the limit only grows with the arrival, so the
// overdue are the entries before it. It searches between lo and now.
func overdueBefore(rules bureaustore.QueueRules, lo int64) int64 {
	now := rules.Now
	overdue := func(ns int64) bool { return rules.Due(time.Unix(0, ns).In(now.Location())).Before(now) }
	hi := max(now.UnixNano(), lo) + 1 // never overdue at or after now: a limit is not in the past
	if !overdue(lo) {
		return lo
	}
	for hi-lo > 1 { // overdue(lo), !overdue(hi)
		mid := lo + (hi-lo)/2
		if overdue(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// caseless reports whether no character of s has a case (Chinese,
// digits, punctuation): then lower case changes none of it.
func caseless(s string) bool {
	for _, r := range s {
		if unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// textGrams returns what a search for text asks the queue's grams
// (schema 7) for: its one character, or its distinct character pairs.
func textGrams(text string) []string {
	rs := []rune(text)
	if len(rs) == 1 {
		return []string{text}
	}
	var out []string
	for i := 0; i+1 < len(rs); i++ {
		g := string(rs[i : i+2])
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// queueCountsSQL reads the queue's counts by kind and status from the
// counters of schema 6 (their shards added up).
const queueCountsSQL = "SELECT kind, status, sum(n)::bigint FROM queue_counts GROUP BY kind, status HAVING sum(n) <> 0"

// Queue returns one page of the filings awaiting review that q selects,
// oldest first. The equality filters, the time range and "overdue only"
// are the query's; the text and the route (worked out under the day's
// profile) are matched here, reading at most queueScanBudget entries.
func (s *Store) Queue(ctx context.Context, q console.QueueQuery, rules bureaustore.QueueRules) (bureaustore.QueueResult, error) {
	var res bureaustore.QueueResult
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var afterNS int64 = -1
	afterID := ""
	if q.After != "" {
		var ok bool
		if afterNS, afterID, ok = parseQueueCursor(q.After); !ok || len(q.After) > 300 {
			return res, bureaustore.Refuse(bureaustore.ErrInvalid, app.Errorf(app.EINVALID, "翻页位置无效，请回到第一页"))
		}
	}
	if !q.From.IsZero() && q.From.UnixNano() > afterNS {
		afterNS, afterID = q.From.UnixNano(), "" // (since, "") is before every entry of that instant
	}
	text := strings.TrimSpace(app.SearchFold(q.Text))
	words := bureaustore.QueueWords(text)
	where := []string{"(since_ns, filing_id) > ($1, $2)"}
	args := []any{afterNS, afterID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Kind != "" {
		where = append(where, "kind = "+arg(string(q.Kind)))
	}
	if q.UnitID != "" {
		where = append(where, "unit_id = "+arg(q.UnitID))
	}
	if q.Year != 0 {
		where = append(where, "year = "+arg(q.Year))
	}
	if q.Status != "" {
		where = append(where, "status = "+arg(string(q.Status)))
	}
	if !q.To.IsZero() {
		where = append(where, "since_ns < "+arg(q.To.UnixNano()))
	}
	if q.Route != "" {
		where = append(where, "kind = "+arg(string(app.KindDeclaration)))
	}
	if text != "" && caseless(text) {
		// A necessary condition the database checks: where the text's
		// characters have no case (Chinese, digits), the title or the
		// unit's name holds them as they are. QueueMatches decides.
		// The rows holding all the text's character pairs come from the
		// GIN index of schema 7 (queue_grams).
		// Its words (QueueWords: 社区平台 → 社区, 平台) are each in an
		// entry that holds the text as typed, and in one found by them.
		var grams []string
		for _, w := range words {
			for _, g := range textGrams(w) {
				if !slices.Contains(grams, g) {
					grams = append(grams, g)
				}
			}
			t := arg(w)
			where = append(where, "(strpos(title, "+t+") > 0 OR strpos(unit_name, "+t+") > 0)")
		}
		where = append(where, "grams @> "+arg(grams)+"::text[]")
	}
	err := s.read(ctx, func(tx pgx.Tx) error {
		// The whole queue's counts by kind and status, in the page's
		// snapshot: from the counters the queue's triggers keep (schema
		// 6), a few rows whatever the queue's length.
		res.Page.Counts = bureaustore.NewQueueCounts(q)
		rows, err := tx.Query(ctx, queueCountsSQL)
		if err != nil {
			return err
		}
		for rows.Next() {
			var kind, st string
			var n int
			if err := rows.Scan(&kind, &st, &n); err != nil {
				rows.Close()
				return err
			}
			bureaustore.AddQueueCount(&res.Page.Counts, q, app.Kind(kind), app.Status(st), n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if q.Overdue {
			var oldest *int64
			if err := tx.QueryRow(ctx, "SELECT min(since_ns) FROM queue").Scan(&oldest); err != nil {
				return err
			}
			if oldest == nil {
				return nil
			}
			where = append(where, "since_ns < "+arg(overdueBefore(rules, *oldest)))
		}
		// Filters read here take the entries in chunks; without them a
		// page is one query of limit+1 rows.
		chunk := limit + 1
		local := text != "" || q.Route != "" || q.Waiting != nil
		if local {
			chunk = 500
		}
		sql := `SELECT filing_id, since_ns, unit_id, unit_name, status, kind, title, year, total, revision, concurred
			FROM queue WHERE ` + strings.Join(where, " AND ") + " ORDER BY since_ns, filing_id LIMIT " + arg(chunk)
		routes := map[app.Money]app.Route{}
		var lastNS int64
		var lastID string
		for {
			rows, err := tx.Query(ctx, sql, args...)
			if err != nil {
				return err
			}
			n := 0
			done := false
			for rows.Next() {
				n++
				var e console.QueueItem
				var since, total int64
				var status, kind string
				var concurred []string
				if err := rows.Scan(&e.ID, &since, &e.UnitID, &e.UnitName, &status, &kind, &e.Title, &e.Year, &total, &e.Revision, &concurred); err != nil {
					rows.Close()
					return err
				}
				lastNS, lastID = since, e.ID
				if res.Page.Scanned == queueScanBudget {
					res.Page.Partial = len(res.Page.Items) < limit
					res.Page.Next = queueCursor(lastNS, lastID)
					done = true
					break
				}
				res.Page.Scanned++
				e.Status, e.Kind, e.Total = app.Status(status), app.Kind(kind), app.Money(total)
				for _, r := range concurred {
					e.Concurred = append(e.Concurred, app.Role(r))
				}
				e.Since = time.Unix(0, since)
				e.Due = rules.Due(e.Since.In(rules.Now.Location()))
				if rules.Route != nil && e.Kind == app.KindDeclaration {
					r, ok := routes[e.Total]
					if !ok {
						r = rules.Route(e.Total)
						routes[e.Total] = r
					}
					e.Route, e.RouteLabel = r.Code, r.Label
				}
				if local && !bureaustore.QueueMatches(q, text, words, e) {
					continue
				}
				if len(res.Page.Items) == limit {
					last := res.Page.Items[limit-1]
					res.Page.Next = queueCursor(last.Since.UnixNano(), last.ID)
					done = true
					break
				}
				res.Page.Items = append(res.Page.Items, e)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if done || n < chunk {
				break
			}
			args[0], args[1] = lastNS, lastID
		}
		if len(res.Page.Items) == 0 {
			return nil
		}
		ids := make([]string, len(res.Page.Items))
		for i, e := range res.Page.Items {
			ids[i] = e.ID
		}
		rows, err = tx.Query(ctx, "SELECT id, record FROM filings WHERE id = ANY($1)", ids)
		if err != nil {
			return err
		}
		recs := map[string]bureaustore.Filing{}
		for rows.Next() {
			var id string
			var data []byte
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return err
			}
			var f bureaustore.Filing
			if err := json.Unmarshal(data, &f); err != nil {
				rows.Close()
				return fmt.Errorf("decode filing %s: %w", id, err)
			}
			recs[id] = f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			res.Filings = append(res.Filings, recs[id])
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("review queue: %w", err)
	}
	if res.Page.Items == nil {
		res.Page.Items = []console.QueueItem{}
	}
	return res, nil
}

// QueueOverview counts the queue by status and by unit, with the overdue
// ones, from the queue's indexes.
func (s *Store) QueueOverview(ctx context.Context, rules bureaustore.QueueRules) (console.Overview, error) {
	ov := console.Overview{ByStatus: map[app.Status]int{}}
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, queueCountsSQL)
		if err != nil {
			return err
		}
		for rows.Next() {
			var kind, st string
			var n int
			if err := rows.Scan(&kind, &st, &n); err != nil {
				rows.Close()
				return err
			}
			ov.ByStatus[app.Status(st)] += n
			ov.Total += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if ov.Total == 0 {
			return nil
		}
		var oldest int64
		if err := tx.QueryRow(ctx, "SELECT min(since_ns) FROM queue").Scan(&oldest); err != nil {
			return err
		}
		cut := overdueBefore(rules, oldest)
		rows, err = tx.Query(ctx, `SELECT unit_id, max(unit_name), count(*), min(since_ns), count(*) FILTER (WHERE since_ns < $1)
			FROM queue GROUP BY unit_id`, cut)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u console.UnitLoad
			var first int64
			if err := rows.Scan(&u.UnitID, &u.UnitName, &u.Waiting, &first, &u.Overdue); err != nil {
				rows.Close()
				return err
			}
			y, m, d := time.Unix(0, first).In(app.Beijing).Date()
			u.Oldest = time.Date(y, m, d, 0, 0, 0, 0, app.Beijing) // the Beijing day, as on Badger
			ov.Overdue += u.Overdue
			ov.Units = append(ov.Units, u)
		}
		rows.Close()
		return rows.Err()
	})
	if err != nil {
		return ov, fmt.Errorf("queue overview: %w", err)
	}
	slices.SortFunc(ov.Units, func(a, b console.UnitLoad) int {
		if c := b.Overdue - a.Overdue; c != 0 {
			return c
		}
		if c := a.Oldest.Compare(b.Oldest); c != 0 {
			return c
		}
		if c := b.Waiting - a.Waiting; c != 0 {
			return c
		}
		return strings.Compare(a.UnitName, b.UnitName)
	})
	return ov, nil
}
