// Command seed makes a desktop client's data directory for scripts/memory:
// a configured session of the unit "local" and, with -n, that many draft
// declarations in the store (the list benchmarks' seed,
// apptest.SeedDeclarations). The client opens it offline, on its home list.
//
//	go run ./scripts/memory/seed -data DIR -n 10000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/ui"
)

func main() {
	data := flag.String("data", "", "the data directory to create (must not exist)")
	n := flag.Int("n", 10_000, "how many declarations to store")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "seed: -data is required")
		os.Exit(2)
	}
	if err := run(*data, *n); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(dir string, n int) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s already exists; remove it or choose another directory", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		return err
	}
	if err := apptest.SeedDeclarations(context.Background(), st, n); err != nil {
		st.Close()
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	// The session the client writes after its first run (cmd/egovdesk
	// sessionFile): configured, offline, no token.
	b, err := json.MarshalIndent(ui.Session{Configured: true, ProfileID: "huoqiu", UnitID: "local",
		UnitName: "霍邱县城关镇人民政府", Actor: "李梅"}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "session.json"), b, 0o600)
}
