package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgstore"
	"egovdesk/sync/server/storemigrate"
)

// envDatabase names the database the bureau keeps its records in, as
// --database does.
const envDatabase = "EGOVDESK_DATABASE"

func registerDatabase(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "database", os.Getenv(envDatabase),
		"PostgreSQL database for the records, postgres://user@host:port/db (env "+envDatabase+"); empty: the embedded Badger store in --data")
}

// openStorage opens the store named by database: nil for the embedded
// Badger default (server.Open opens it in the data directory), a
// PostgreSQL store for a postgres:// URL.
func openStorage(ctx context.Context, database string, log *slog.Logger) (bureaustore.Storage, error) {
	switch {
	case database == "":
		return nil, nil
	case pgstore.IsURL(database):
		st, err := pgstore.Open(ctx, database, pgstore.Options{Logger: log})
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	return nil, usagef("--database: %q is not a postgres:// URL (leave it empty for the embedded store)", database)
}

// migrate copies a stopped bureau's Badger store into an empty PostgreSQL
// database.
func (e *env) migrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bureau migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.String("from", "", "data directory of the Badger bureau (its badger/ directory), the bureau stopped")
	to := fs.String("to", os.Getenv(envDatabase), "empty PostgreSQL database, postgres://user@host:port/db (env "+envDatabase+")")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return usagef("usage: bureau migrate --from DATA-DIR --to postgres://user@host:port/db")
	}
	if !pgstore.IsURL(*to) {
		return usagef("--to: %q is not a postgres:// URL", *to)
	}
	dir := *from
	if fi, err := os.Stat(filepath.Join(dir, "badger")); err == nil && fi.IsDir() {
		dir = filepath.Join(dir, "badger")
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err != nil {
		return fmt.Errorf("%s 不是数管局的 Badger 数据目录（没有 MANIFEST）: %w", *from, err)
	}
	log, _ := e.logger("warn", "text")
	start := time.Now()
	dst, err := pgstore.Open(ctx, *to, pgstore.Options{Logger: log})
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := storemigrate.BadgerToPostgres(ctx, dir, dst, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "migrated in %s: %d units, %d accounts, %d tokens, %d filings, %d revisions, %d changes, %d uploads; %d queued, %d declarations indexed\n",
		time.Since(start).Round(time.Millisecond), counts["units"], counts["accounts"], counts["tokens"], counts["filings"],
		counts["revisions"], counts["changes"], counts["uploads"], counts["queue"], counts["similar_prints"])
	fmt.Fprintf(e.stdout, "start the bureau with: bureau serve --data %s --database <the same URL>\n", *from)
	return nil
}
