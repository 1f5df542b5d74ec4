package pgstore

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
	"egovdesk/sync/server/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Bureau processes started at once on a fresh database apply each step of
// the schema once, and a second open changes nothing.
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.DB(t)
	const n = 4
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), url, Options{}) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("open %d: %v", i, errs[i])
		}
		defer stores[i].Close()
	}
	steps, err := loadMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	var rows, max int
	if err := stores[0].pool.QueryRow(context.Background(),
		"SELECT count(*), max(version) FROM schema_migrations").Scan(&rows, &max); err != nil {
		t.Fatal(err)
	}
	if rows != len(steps) || max != len(steps) {
		t.Fatalf("schema_migrations has %d rows up to %d, want %d", rows, max, len(steps))
	}
}

// A database migrated by a newer bureau is refused, not written to.
func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.DB(t)
	s := open(t, url)
	if _, err := s.pool.Exec(context.Background(), "INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if s2, err := Open(context.Background(), url, Options{}); err == nil {
		s2.Close()
		t.Fatal("opened a database of a newer schema")
	}
}

// A database of schema 1 (a bureau before the admin pages and the review
// steps) with a queued filing is brought to the current schema when a
// newer bureau opens it: the queue row has no concurrences, and the
// register of existing systems joins the similar-projects index.
func TestUpgradeFromSchema1(t *testing.T) {
	ctx := context.Background()
	url := pgtest.DB(t)
	steps, err := loadMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrate(ctx, pool, steps[:1]); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO units (id, record) VALUES ('u1', '{"id":"u1","name":"单位"}')`,
		`INSERT INTO filings (id, unit_id, updated, record) VALUES ('f1', 'u1', now(), '{}')`,
		`INSERT INTO queue (filing_id, since_ns, unit_id, unit_name, status, kind, title, year, total, revision)
			VALUES ('f1', 1, 'u1', '单位', 'submitted', 'declaration', '政务云', 2027, 100, 1)`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, url)
	var concurred []string
	if err := s.pool.QueryRow(ctx, "SELECT concurred FROM queue WHERE filing_id = 'f1'").Scan(&concurred); err != nil || len(concurred) != 0 {
		t.Fatalf("queue row after the upgrade: %v, %v", concurred, err)
	}
	if err := s.ReplaceRegister(ctx, []app.ExistingSystem{{Name: "政务云平台", Owner: "大数据局", Content: "计算存储资源"}},
		bureaustore.RegisterMeta{File: "register.xlsx"}); err != nil {
		t.Fatalf("register after the upgrade: %v", err)
	}
	if reg, err := s.Register(ctx); err != nil || len(reg.Systems) != 1 || reg.File != "register.xlsx" {
		t.Fatalf("register after the upgrade: %+v, %v", reg, err)
	}
}

func TestLoadMigrationsRejectsGaps(t *testing.T) {
	steps, err := loadMigrations(migrations)
	if err != nil || len(steps) == 0 || steps[0].version != 1 {
		t.Fatalf("embedded steps: %v, %v", steps, err)
	}
}

func addUnit(t *testing.T, s *Store, id string) {
	t.Helper()
	if _, err := s.pool.Exec(context.Background(), "INSERT INTO units (id, record) VALUES ($1, '{}')", id); err != nil {
		t.Fatal(err)
	}
}

// Appends from many transactions at once get gapless seqs, read back in
// order; a reader never sees a later seq before an earlier one commits.
func TestFeedOrder(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.DB(t))
	addUnit(t, s, "u1")
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				_, err := AppendChange(ctx, tx, "u1", protocol.Change{Type: protocol.ChangeDecision, At: time.Unix(int64(i), 0)})
				return err
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	head, low, err := FeedBounds(ctx, s.pool, "u1")
	if err != nil || head != n || low != 0 {
		t.Fatalf("bounds %d, %d, %v; want %d, 0", head, low, err, n)
	}
	var got []uint64
	after := uint64(0)
	for {
		cs, more, err := ReadChanges(ctx, s.pool, "u1", after, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			got = append(got, c.Seq)
			after = c.Seq
		}
		if !more {
			break
		}
	}
	if len(got) != n {
		t.Fatalf("read %d changes, want %d", len(got), n)
	}
	for i, seq := range got {
		if seq != uint64(i+1) {
			t.Fatalf("change %d has seq %d", i, seq)
		}
	}
}

// A change committed through one store wakes the listeners of another
// store on the same database (two bureau processes), and only at commit.
func TestNotifyAcrossStores(t *testing.T) {
	ctx := context.Background()
	url := pgtest.DB(t)
	a, b := open(t, url), open(t, url)
	addUnit(t, a, "u1")
	got := make(chan []string, 10)
	b.OnChange(func(units []string) { got <- units })
	select {
	case <-b.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("store b never listened")
	}
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AppendChange(ctx, tx, "u1", protocol.Change{Type: protocol.ChangeDecision, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	select {
	case u := <-got:
		t.Fatalf("woken before the commit: %v", u)
	case <-time.After(200 * time.Millisecond):
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case u := <-got:
		if len(u) != 1 || u[0] != "u1" {
			t.Fatalf("woken for %v, want [u1]", u)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("store b not woken by store a's change")
	}
}

// An upload's progress is recorded even when the request's context is
// gone: the chunk's bytes are in the part file whether or not the client
// stayed for the answer (a cut connection), and a resume must not send
// them again (the fault-proxy test, on PostgreSQL).
func TestUploadProgressOfACancelledRequest(t *testing.T) {
	s := open(t, pgtest.DB(t))
	addUnit(t, s, "u1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.PutUpload(ctx, "u1", "abc", bureaustore.Upload{Size: 10, Offset: 7}); err != nil {
		t.Fatalf("PutUpload with a cancelled context: %v", err)
	}
	if up, err := s.Upload(context.Background(), "u1", "abc"); err != nil || up.Offset != 7 {
		t.Fatalf("Upload: %+v, %v", up, err)
	}
	if _, err := s.CompleteUpload(ctx, "u1", "abc", bureaustore.Upload{Size: 10, Offset: 10}, time.Now()); err != nil {
		t.Fatalf("CompleteUpload with a cancelled context: %v", err)
	}
	if err := s.DeleteUpload(ctx, "u1", "abc"); err != nil {
		t.Fatalf("DeleteUpload with a cancelled context: %v", err)
	}
}

// A queue search for Chinese text is checked by the database (the title
// or the unit's name holds it); one with letters by the bureau, as on
// Badger: both find the same filings.
func TestQueueSearch(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.DB(t))
	for _, u := range []protocol.Unit{{ID: "u1", Name: "城关镇人民政府", Code: "C1"}, {ID: "u2", Name: "教育局", Code: "C2"}} {
		if err := s.AddUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, f := range []struct{ unit, id, name string }{
		{"u1", "f1", "市级政务云平台扩容"}, {"u2", "f2", "中小学食堂视频监控"}, {"u1", "f3", "OA 系统升级"},
	} {
		b := app.Body{ID: f.id, Kind: app.KindDeclaration, Revision: 1, RevisionID: "r" + f.id,
			Declaration: &app.Declaration{PlanYear: 2027, ProjectName: f.name, TotalInvestment: 100}}
		data, sum, err := b.Encode()
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Submit(ctx, bureaustore.Actor{UnitID: f.unit, Name: "填报人"}, t0.Add(time.Duration(i)*time.Minute),
			[]*bureaustore.Submission{{Body: b, Request: protocol.SubmitRequest{FilingID: f.id, RevisionID: b.RevisionID, Revision: 1, Body: data, BodySHA256: sum}}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("submit %s: %v %+v", f.id, err, res)
		}
	}
	rules := bureaustore.QueueRules{Now: t0.Add(time.Hour), Due: func(s time.Time) time.Time { return s.Add(240 * time.Hour) }}
	for text, want := range map[string][]string{
		"政务云": {"f1"}, "教育局": {"f2"}, "城关镇": {"f1", "f3"}, "oa": {"f3"}, "OA 系统": {"f3"}, "监控2": nil,
		"云": {"f1"}, "府": {"f1", "f3"}, "云平台扩": {"f1"}, "台扩容云": nil, // one character; pairs all there but not in a row
	} {
		res, err := s.Queue(ctx, console.QueueQuery{Text: text}, rules)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range res.Page.Items {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("search %q: %v, want %v", text, got, want)
		}
	}
}

// The queue's counters (schema 6) follow every way a row enters, changes
// or leaves the queue — inserts, upserts that change the status, deletes,
// statements of several rows — and start from the rows a store of schema
// 5 already had.
func TestQueueCountsFollowTheQueue(t *testing.T) {
	ctx := context.Background()
	url := pgtest.DB(t)
	steps, err := loadMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrate(ctx, pool, steps[:5]); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO units (id, record) VALUES ('u1', '{"id":"u1","name":"单位"}')`)
	addRows := func(from, to int, status string) {
		exec(`INSERT INTO filings (id, unit_id, updated, record) SELECT 'f' || i, 'u1', now(), '{}' FROM generate_series($1::int, $2::int) i`, from, to)
		exec(`INSERT INTO queue (filing_id, since_ns, unit_id, unit_name, status, kind, title, year, total, revision)
			SELECT 'f' || i, i, 'u1', '单位', $3, CASE WHEN i % 3 = 0 THEN 'catalog' ELSE 'declaration' END, '政务云', 2027, 100, 1
			FROM generate_series($1::int, $2::int) i`, from, to, status)
	}
	addRows(1, 30, "submitted") // before schema 6: counted by its backfill
	s := open(t, url)
	check := func(when string) {
		t.Helper()
		rows, err := s.pool.Query(ctx, `SELECT kind, status, count(*) FROM queue GROUP BY kind, status
			EXCEPT SELECT kind, status, sum(n) FROM queue_counts GROUP BY kind, status HAVING sum(n) <> 0`)
		if err != nil {
			t.Fatal(err)
		}
		wrong, err := pgx.CollectRows(rows, pgx.RowToMap)
		if err != nil {
			t.Fatal(err)
		}
		var counted, queued int
		if err := s.pool.QueryRow(ctx, "SELECT (SELECT coalesce(sum(n), 0) FROM queue_counts), (SELECT count(*) FROM queue)").
			Scan(&counted, &queued); err != nil {
			t.Fatal(err)
		}
		if len(wrong) > 0 || counted != queued {
			t.Fatalf("%s: the counters hold %d, the queue %d; counts the counters miss: %v", when, counted, queued, wrong)
		}
		res, err := s.Queue(ctx, console.QueueQuery{}, bureaustore.QueueRules{Now: time.Now(), Due: func(s time.Time) time.Time { return s }})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range res.Page.Counts.ByStatus {
			total += n
		}
		if total != queued {
			t.Fatalf("%s: the page counts %d queued by status, the queue holds %d (%+v)", when, total, queued, res.Page.Counts)
		}
	}
	check("after the upgrade")
	addRows(31, 50, "submitted")
	check("after an insert of 20")
	exec(`INSERT INTO filings (id, unit_id, updated, record) SELECT 'f' || i, 'u1', now(), '{}' FROM generate_series(51, 55) i`)
	exec(`INSERT INTO queue (filing_id, since_ns, unit_id, unit_name, status, kind, title, year, total, revision)
		SELECT 'f' || i, i, 'u1', '单位', 'reviewing', 'declaration', '政务云', 2027, 100, 2 FROM generate_series(40, 55) i
		ON CONFLICT (filing_id) DO UPDATE SET status = excluded.status, kind = excluded.kind`)
	check("after an upsert of 11 queued and 5 new rows")
	exec(`UPDATE queue SET status = 'reviewing' WHERE since_ns <= 10`)
	check("after an update of 10")
	exec(`UPDATE queue SET title = '改名' WHERE since_ns > 40`)
	check("after an update that moves nothing counted")
	exec(`DELETE FROM queue WHERE since_ns % 2 = 0`)
	check("after a delete of half")
}
