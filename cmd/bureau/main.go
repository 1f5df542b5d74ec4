// Command bureau is the egovdesk bureau server (数管局) and its admin tool.
//
//	bureau serve                         serve the API (flags or EGOV_BUREAU_* env)
//	bureau demo                          create a demo data directory and serve it
//	bureau unit add --name N --code C    register a unit (统一社会信用代码)
//	bureau unit list
//	bureau account add --login L --role unit|reviewer|approver|finance|ndrc|crypto|admin [--unit U] [--name N] --password-stdin
//	bureau token create --login L [--ttl 720h] [--label L]
//	bureau token revoke --token T | --login L
//	bureau profile set huoqiu|luan|yunan|tianning|wuhan|FILE.json
//	bureau changes prune --older-than 8760h
//	bureau backup --out FILE.zip
//	bureau restore --from FILE.zip --data NEW-DIR
//	bureau migrate --from DATA-DIR --to postgres://user@host/db
//	bureau --version
//
// Admin commands open the data directory directly when no bureau serves it;
// while one does (Badger allows one process at a time), they reach it
// through the admin socket in the data directory (server.AdminSocket).
// changes reset and restore are for a stopped bureau.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"egovdesk/app"
	"egovdesk/app/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bureau:", message(err))
		os.Exit(exitCode(err))
	}
}

// usageError is a command line mistake; it exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// message is what the operator sees: the Chinese message and field problems
// of an *app.Error, or the full error chain otherwise (an operator may see
// internals; API clients never do).
func message(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}

const usage = `usage: bureau <command> [flags]

commands:
  serve                 serve the API
  demo                  create a demo bureau (unit, clerk, reviewer, admin, profile) and serve it
  unit add|list         manage units
  account add           add an account (password from stdin)
  token create|revoke   issue or revoke bearer tokens
  profile set           set the bureau's rule profile
  changes prune         delete old changes from the feeds
  changes reset         after restoring a backup: make every client re-synchronise
  backup --out FILE     a consistent backup, also of a running bureau
  restore --from FILE   restore a backup into a new data directory (--data)
  migrate --from DIR --to postgres://…   move a stopped bureau's records to PostgreSQL
  audit verify          check the security audit trail's chain and signed checkpoints
  audit key             print the public key of the audit checkpoints
  receipt key           print the SM2 public key that signs receipts (PEM)
  receipt verify FILE   check a receipt's SM2 signature [-key pub.pem] [-body body.json]
  audit prune -before D remove audit records older than D (at least six months back)
  version               print the version (also --version)

Run "bureau <command> -h" for the flags of a command.`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usagef("no command")
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	switch {
	case cmd == "serve":
		return e.serve(ctx, rest)
	case cmd == "demo":
		return e.demo(ctx, rest)
	case cmd == "unit" && sub == "add":
		return e.unitAdd(ctx, rest[1:])
	case cmd == "unit" && sub == "list":
		return e.unitList(ctx, rest[1:])
	case cmd == "account" && sub == "add":
		return e.accountAdd(ctx, rest[1:])
	case cmd == "token" && sub == "create":
		return e.tokenCreate(ctx, rest[1:])
	case cmd == "token" && sub == "revoke":
		return e.tokenRevoke(ctx, rest[1:])
	case cmd == "profile" && sub == "set":
		return e.profileSet(ctx, rest[1:])
	case cmd == "changes" && sub == "prune":
		return e.changesPrune(ctx, rest[1:])
	case cmd == "changes" && sub == "reset":
		return e.changesReset(ctx, rest[1:])
	case cmd == "backup":
		return e.backup(ctx, rest)
	case cmd == "restore":
		return e.restore(ctx, rest)
	case cmd == "migrate":
		return e.migrate(ctx, rest)
	case cmd == "audit" && sub == "verify":
		return e.auditVerify(ctx, rest[1:])
	case cmd == "audit" && sub == "key":
		return e.auditKey(ctx, rest[1:])
	case cmd == "receipt" && sub == "key":
		return e.receiptKey(rest[1:])
	case cmd == "receipt" && sub == "verify":
		return e.receiptVerify(rest[1:])
	case cmd == "audit" && sub == "prune":
		return e.auditPrune(ctx, rest[1:])
	case cmd == "version" || cmd == "-version" || cmd == "--version":
		fmt.Fprintln(stdout, version.String("bureau"))
		return nil
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return usagef("unknown command %q", joinArgs(cmd, sub))
}

func joinArgs(a, b string) string {
	if b == "" {
		return a
	}
	return a + " " + b
}

// env is the process environment of a command.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (e *env) logger(level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	}
	return nil, usagef("--log-format %q: want json or text", format)
}
