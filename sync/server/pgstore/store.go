// Package pgstore is the bureau's store on PostgreSQL: the second
// implementation of the storage seam beside the embedded Badger default,
// for a city or province bureau that keeps its filings in the database it
// already backs up, replicates and audits.
//
// The schema is embedded (migrations/) and brought up to date when the
// store opens. Every commit is durable before it is acknowledged
// (synchronous_commit on for the store's sessions, whatever the server's
// default). Several bureau processes may share one database: a change
// committed by any of them wakes the long polls of all (LISTEN/NOTIFY on
// the channel ChangesChannel).
package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"egovdesk/sync/server/bureaustore"
)

// ChangesChannel is the notification channel a commit that appends to a
// unit's change feed notifies, with the unit's id as payload.
const ChangesChannel = "egovdesk_changes"

// Store is the bureau's data in one PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	url  string

	mu        sync.Mutex
	onChange  []func(units []string)
	stop      context.CancelFunc
	done      chan struct{}
	listening chan struct{} // closed once the listener has issued LISTEN the first time
	// own holds the backend PIDs of the pool's connections: the listener
	// passes on only other processes' notifications, this process having
	// called the OnChange functions itself after its commit.
	own *sync.Map

	submits bureaustore.Group[*submitCall] // Submit's group commit
}

// Options tune Open.
type Options struct {
	Logger   *slog.Logger // nil discards
	MaxConns int32        // pool size; 0: 16
}

// IsURL reports whether s names a PostgreSQL database rather than a
// directory: a postgres:// or postgresql:// URL.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url, brings its schema up to date and
// starts listening for other processes' changes.
func Open(ctx context.Context, url string, o Options) (*Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("数据库地址无效（应为 postgres://用户@主机:端口/库名）: %w", err)
	}
	// A receipt lets the client drop its copy: what it acknowledges must
	// be on disk, whatever the server's or the role's default says.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	cfg.ConnConfig.RuntimeParams["application_name"] = "egovdesk-bureau"
	// Concurrent requests' commits share a WAL flush only if they reach
	// the server together: more connections than pgxpool's default of
	// max(4, cores), well inside max_connections (100) for two processes.
	cfg.MaxConns = 16
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	own := &sync.Map{}
	cfg.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		own.Store(c.PgConn().PID(), struct{}{})
		return nil
	}
	cfg.BeforeClose = func(c *pgx.Conn) { own.Delete(c.PgConn().PID()) }
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redact(url), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(url), err)
	}
	steps, err := loadMigrations(migrations)
	if err != nil {
		pool.Close()
		return nil, err
	}
	applied, err := migrate(ctx, pool, steps)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("schema of %s: %w", redact(url), err)
	}
	if len(applied) > 0 {
		log.Info("database schema updated", "steps", applied)
	}
	s := &Store{pool: pool, log: log, url: url, done: make(chan struct{}), listening: make(chan struct{}), own: own}
	s.submits.Max = maxSubmitGroup
	if err = s.ensureEpoch(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	lctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go s.listen(lctx, cfg.ConnConfig)
	// Serve only once other processes' changes are heard: a long poll
	// parked before that would miss them.
	select {
	case <-s.listening:
	case <-ctx.Done():
		s.Close()
		return nil, ctx.Err()
	case <-time.After(30 * time.Second):
		s.Close()
		return nil, fmt.Errorf("listen for changes on %s: no connection within 30 s", redact(url))
	}
	return s, nil
}

// Pool is the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close stops listening and closes the pool.
func (s *Store) Close() error {
	s.stop()
	<-s.done
	s.pool.Close()
	return nil
}

// ensureEpoch gives the store its epoch on first open.
func (s *Store) ensureEpoch(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO NOTHING", randomHex(8))
	if err != nil {
		return fmt.Errorf("epoch: %w", err)
	}
	return nil
}

// OnChange registers fn to be called with the units whose feeds grew, by
// this process or another one on the same database (LISTEN/NOTIFY); after
// the listening connection was lost and is back, with every unit, as
// notifications may have been missed meanwhile.
func (s *Store) OnChange(fn func(units []string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onChange = append(s.onChange, fn)
}

func (s *Store) changed(units []string) {
	s.mu.Lock()
	fns := append([]func([]string){}, s.onChange...)
	s.mu.Unlock()
	for _, fn := range fns {
		fn(units)
	}
}

// changedAll calls the OnChange functions with every unit.
func (s *Store) changedAll(ctx context.Context) {
	var units []string
	rows, err := s.pool.Query(ctx, "SELECT id FROM units")
	if err == nil {
		units, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		s.log.Warn("listen for changes: list units", "err", err)
		return
	}
	s.changed(units)
}

// listen holds a connection of its own in LISTEN on ChangesChannel and
// passes each notification on to the OnChange functions, reconnecting
// when the connection is lost (after which every feed counts as changed).
func (s *Store) listen(ctx context.Context, cc *pgx.ConnConfig) {
	defer close(s.done)
	first := true
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, cc)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+ChangesChannel)
		}
		if err != nil {
			if conn != nil {
				conn.Close(context.Background())
			}
			if ctx.Err() == nil {
				s.log.Warn("listen for changes", "err", err, "retry", backoff)
			}
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		if first {
			close(s.listening)
			first = false
		} else {
			s.changedAll(ctx) // what happened while not listening is unknown
		}
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("listen for changes: connection lost", "err", err)
				}
				break
			}
			if _, mine := s.own.Load(n.PID); mine {
				continue // this process's commit: its writer woke the feed
			}
			s.changed([]string{n.Payload})
		}
		conn.Close(context.Background())
	}
}

// Listening returns a channel closed once the store listens for changes.
func (s *Store) Listening() <-chan struct{} { return s.listening }

// redact returns url without its password, for messages.
func redact(url string) string {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return "(数据库地址)"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
