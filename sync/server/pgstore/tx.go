package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"egovdesk/sync/server/bureaustore"
)

// errRetry makes write run its transaction again: another transaction
// created a row this one also meant to create (two first revisions of one
// new filing at once); the next run sees it.
var errRetry = errors.New("retry")

// write runs fn in a read-write transaction (read committed, rows locked
// as read for update), committed durably, and runs it again, up to ten
// times, when PostgreSQL aborts it for a deadlock or a serialization
// failure, or fn returns errRetry. fn may run more than once; only its
// last run counts.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := pgx.BeginFunc(ctx, s.pool, fn)
		if !retryable(err) || attempt == 9 {
			return storeErr(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
}

// read runs fn in a read-only transaction that sees one snapshot.
func (s *Store) read(ctx context.Context, fn func(tx pgx.Tx) error) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
	return storeErr(err)
}

func retryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// storeErr marks the failures that mean the database cannot take writes
// now (down, unreachable, read-only, out of disk) as
// bureaustore.ErrUnavailable, so the client is told to retry later.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return fmt.Errorf("%w: %w", bureaustore.ErrUnavailable, err)
		case pe.Code == "25006", // read_only_sql_transaction (a standby)
			pe.Code[:2] == "08",                                        // connection exceptions
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // shutdown, starting up
			return fmt.Errorf("%w: %w", bureaustore.ErrUnavailable, err)
		}
		return err
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) || isConnErr(err) {
		return fmt.Errorf("%w: %w", bureaustore.ErrUnavailable, err)
	}
	return err
}

// isConnErr reports whether err is a failure to reach the server or a
// connection lost under a statement (the server killed or restarted).
func isConnErr(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
