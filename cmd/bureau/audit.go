package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"egovdesk/app"
	"egovdesk/sync/server"
)

// errAuditBroken: audit verify found a broken link (exit status 1).
var errAuditBroken = errors.New("安全审计记录链不完整")

// auditOpen parses the data flags of an audit command and opens the
// bureau's store (a Badger store only while the bureau is stopped; a
// PostgreSQL one at any time).
func (e *env) auditOpen(ctx context.Context, name string, args []string) (*server.Server, error) {
	fs := flag.NewFlagSet("bureau audit "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dataFlags
	d.register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected arguments: %v", fs.Args())
	}
	return e.open(ctx, d)
}

// auditVerify walks the trail: "OK" with the count and head, or the first
// broken link (sequence, time) and exit status 1.
func (e *env) auditVerify(ctx context.Context, args []string) error {
	s, err := e.auditOpen(ctx, "verify", args)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if rep.Break != nil {
		fmt.Fprintf(e.stdout, "BROKEN at record %d (%s): %s\n", rep.Break.Seq, rep.Break.Time.Format("2006-01-02 15:04:05Z07:00"), rep.Break.Reason)
		fmt.Fprintf(e.stdout, "%d records before it verify.\n", rep.Records)
		return errAuditBroken
	}
	fmt.Fprintf(e.stdout, "OK: %d records, head %d %s, %d signed checkpoints verify\n", rep.Records, rep.Head.Seq, rep.Head.Digest, rep.Checkpoints)
	return nil
}

// auditKey prints the checkpoints' public key (ed25519, base64).
func (e *env) auditKey(ctx context.Context, args []string) error {
	s, err := e.auditOpen(ctx, "key", args)
	if err != nil {
		return err
	}
	defer s.Close()
	pub, err := s.AuditPublicKey()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ed25519 %s\n", pub)
	return nil
}

// auditPrune removes the records older than -before (a date or an RFC
// 3339 time), which must be six months back at least, keeping the rest
// verifiable from a signed anchor; the prune is itself recorded.
func (e *env) auditPrune(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bureau audit prune", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dataFlags
	d.register(fs)
	before := fs.String("before", "", "remove the records older than this date (2006-01-02, from 00:00 Beijing time, as the console shows dates) or RFC 3339 time; at least six months back")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %v", fs.Args())
	}
	// A date is a Beijing date whatever the server's zone: the console
	// shows every record's time in Beijing time, and a bureau in UTC read
	// "2026-06-01" as 08:00 there.
	t, err := time.ParseInLocation("2006-01-02", *before, app.Beijing)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, *before); err != nil {
			return usagef("audit prune: -before must be a date like 2026-06-01 or an RFC 3339 time")
		}
	}
	s, err := e.open(ctx, d)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.PruneAudit(ctx, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed %d audit records older than %s; the rest verifies from a signed anchor\n", n, t.Format(time.RFC3339))
	return nil
}
