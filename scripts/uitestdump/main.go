// Command uitestdump prints what a desktop client's data directory holds, as
// JSON, for scripts/uitest to assert on with jq: every filing (kind, status,
// title, revision, send state, the working copy's content and attachments,
// and the problems that would stop its submission under the cached rule
// profile, in the order the problem list shows them), the outbox and the
// inbox.
//
//	go run ./scripts/uitestdump -data DIR
//
// It never touches DIR: the running client holds Badger's directory lock, so
// the store directory is copied to a temporary directory first and the copy is
// opened (a half-written last entry in the copy is dropped by Badger's replay,
// as after a crash). Opening the copy puts submissions the client was sending
// at that instant back to "queued" in the copy, so "sending" never shows here.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"egovdesk/app"
	"egovdesk/app/atrest"
	"egovdesk/app/store"
	"egovdesk/sync/protocol"
)

func main() {
	data := flag.String("data", "", "the client's data directory")
	pass := flag.String("passphrase", os.Getenv("UITEST_PASSPHRASE"), "the start-up passphrase of an encrypted data directory (env UITEST_PASSPHRASE)")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "uitestdump: -data is required")
		os.Exit(2)
	}
	out, err := dump(context.Background(), *data, *pass)
	if err != nil {
		fmt.Fprintln(os.Stderr, "uitestdump:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "uitestdump:", err)
		os.Exit(1)
	}
}

// Dump is the printed document.
type Dump struct {
	Filings []Filing      `json:"filings"`
	Outbox  []Outbox      `json:"outbox"`
	Inbox   []app.Message `json:"inbox"`
}

// Filing is one filing as the list and the editor show it.
type Filing struct {
	ID          string            `json:"id"`
	Kind        app.Kind          `json:"kind"`
	Status      app.Status        `json:"status"`
	Title       string            `json:"title"`
	Revision    int               `json:"revision"`
	Send        app.SendState     `json:"send"`
	SendError   string            `json:"send_error,omitempty"`
	ReceiptID   string            `json:"receipt_id,omitempty"`
	Unparsed    map[string]string `json:"unparsed,omitempty"`
	Declaration *app.Declaration  `json:"declaration,omitempty"`
	Attachments []app.Attachment  `json:"attachments,omitempty"`
	History     []app.Transition  `json:"history,omitempty"`
	// Problems are what 检查并提交 lists, in its order; empty when the
	// filing may be submitted.
	Problems []app.FieldError `json:"problems"`
}

// Outbox is an outbox item without its body.
type Outbox struct {
	Seq       uint64        `json:"seq"`
	FilingID  string        `json:"filing_id"`
	Revision  int           `json:"revision"`
	State     app.SendState `json:"state"`
	Attempts  int           `json:"attempts"`
	LastError string        `json:"last_error,omitempty"`
}

// dump reads data directory dir; pass opens its keys when the client
// encrypted it (a rig without a system key store sets a start-up
// passphrase, see scripts/uitest).
func dump(ctx context.Context, dir, pass string) (*Dump, error) {
	var opts []store.Option
	if _, err := os.Stat(filepath.Join(dir, atrest.KeysFile)); err == nil {
		if pass == "" {
			return nil, errors.New("the data directory is encrypted: give its start-up passphrase (-passphrase)")
		}
		k, err := atrest.LoadPassphrase(dir, pass)
		if err != nil {
			return nil, fmt.Errorf("the data directory's keys: %w", err)
		}
		opts = append(opts, store.WithEncryptionKey(k.Data))
	}
	tmp, err := os.MkdirTemp("", "uitestdump-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := copyDir(filepath.Join(dir, "store"), tmp); err != nil {
		return nil, fmt.Errorf("copy the store: %w", err)
	}
	st, err := store.Open(tmp, append(opts, store.WithSyncInterval(0))...)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	prof, err := profile(dir)
	if err != nil {
		return nil, err
	}

	out := &Dump{Filings: []Filing{}, Outbox: []Outbox{}, Inbox: []app.Message{}}
	rows, err := st.List(ctx, app.Query{})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		f, err := st.Get(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		d := Filing{ID: r.ID, Kind: r.Kind, Status: r.Status, Title: r.Title, Revision: r.RevisionNumber,
			Send: r.Send.State, SendError: r.Send.Reason, ReceiptID: r.ReceiptID,
			Unparsed: f.Unparsed, Declaration: f.Declaration, Attachments: f.Attachments, History: f.History,
			Problems: app.FieldErrors(f.Check(prof, time.Now()))}
		if d.Problems == nil {
			d.Problems = []app.FieldError{}
		}
		out.Filings = append(out.Filings, d)
	}
	items, err := st.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range items {
		out.Outbox = append(out.Outbox, Outbox{Seq: o.Seq, FilingID: o.FilingID, Revision: o.RevisionNumber,
			State: o.State, Attempts: o.Attempts, LastError: o.LastError})
	}
	inbox, err := st.Inbox(ctx)
	if err != nil {
		return nil, err
	}
	if inbox != nil {
		out.Inbox = inbox
	}
	return out, nil
}

// profile reads the bureau's rule profile the client cached at login; nil
// (the body's own rules only) before the first login.
func profile(dir string) (*app.Profile, error) {
	b, err := os.ReadFile(filepath.Join(dir, "profile.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc protocol.ProfileDocument
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("profile.json: %w", err)
	}
	return app.LoadProfile(doc.ID+".json", doc.Profile)
}

// copyDir copies the regular files of src into dst (Badger keeps no
// subdirectories), skipping the lock file the client holds.
func copyDir(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == "LOCK" {
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies src to dst, leaving runs of zeros as holes: Badger's value
// log and memtable files are large and mostly unwritten (sparse).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed by a compaction while we copied
	}
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	var size int64
	for {
		n, rerr := io.ReadFull(in, buf)
		if n > 0 {
			if bytes.Count(buf[:n], []byte{0}) == n {
				_, err = out.Seek(int64(n), io.SeekCurrent)
			} else {
				_, err = out.Write(buf[:n])
			}
			if err != nil {
				out.Close()
				return err
			}
			size += int64(n)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			out.Close()
			return rerr
		}
	}
	if err := out.Truncate(size); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
