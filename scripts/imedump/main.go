// Command imedump prints the text fields scripts/imetest types into, from a
// desktop client's data directory, after the client has stopped: one line
// per field, `path<TAB>%q`, for every declaration in the store.
//
//	go run ./scripts/imedump -data DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"egovdesk/app"
	"egovdesk/app/store"
)

func main() {
	data := flag.String("data", "", "the client's data directory")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "imedump: -data is required")
		os.Exit(2)
	}
	if err := run(context.Background(), *data); err != nil {
		fmt.Fprintln(os.Stderr, "imedump:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string) error {
	st, err := store.Open(filepath.Join(dir, "store"), store.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		return fmt.Errorf("open the store in %s (is the client still running?): %w", dir, err)
	}
	defer st.Close()
	sums, err := st.List(ctx, app.Query{Kind: app.KindDeclaration})
	if err != nil {
		return err
	}
	if len(sums) == 0 {
		return fmt.Errorf("no declaration in %s", dir)
	}
	for _, s := range sums {
		f, err := st.Get(ctx, s.ID)
		if err != nil {
			return err
		}
		d := f.Declaration
		fmt.Printf("project_name\t%q\nunit_name\t%q\ngoals\t%q\n", d.ProjectName, d.UnitName, d.Goals)
	}
	return nil
}
