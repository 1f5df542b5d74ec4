package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// adminAPI is what the admin commands need of a bureau: *server.Server
// over a stopped bureau's data directory, or *server.AdminClient through
// the socket of the bureau serving it.
type adminAPI interface {
	AddUnit(ctx context.Context, name, code string) (server.Unit, error)
	Units(ctx context.Context) ([]server.Unit, error)
	FindUnit(ctx context.Context, ref string) (server.Unit, error)
	AddAccount(ctx context.Context, n server.NewAccount) (protocol.Account, error)
	CreateToken(ctx context.Context, login string, ttl time.Duration, label string) (string, time.Time, error)
	RevokeToken(ctx context.Context, token string) error
	RevokeTokens(ctx context.Context, login string) (int, error)
	SetProfile(ctx context.Context, name string, data []byte) (protocol.ProfileDocument, error)
	PruneChanges(ctx context.Context, before time.Time) (int, error)
	Backup(ctx context.Context, w io.Writer) (int, error)
	Close() error
}

// connect opens the data directory, or, when a running bureau holds it,
// reaches that bureau through its admin socket.
func (e *env) connect(ctx context.Context, d dataFlags) (adminAPI, error) {
	s, err := e.open(ctx, d)
	if err == nil {
		return s, nil
	}
	if !store.DirLocked(err) {
		return nil, err
	}
	c, cerr := server.DialAdmin(ctx, d.data)
	if cerr != nil {
		return nil, fmt.Errorf("%w (and the running bureau's admin socket: %v)", err, cerr)
	}
	return c, nil
}

// admin parses the flags of an admin command, reaches the bureau (see
// connect) and runs fn with it.
func (e *env) admin(ctx context.Context, name string, args []string, setup func(fs *flag.FlagSet), fn func(s adminAPI) error) error {
	fs := flag.NewFlagSet("bureau "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dataFlags
	d.register(fs)
	setup(fs)
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %v", fs.Args())
	}
	s, err := e.connect(ctx, d)
	if err != nil {
		return err
	}
	err = fn(s)
	if cerr := s.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

func (e *env) unitAdd(ctx context.Context, args []string) error {
	var name, code string
	return e.admin(ctx, "unit add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "unit name, e.g. 城关镇人民政府")
		fs.StringVar(&code, "code", "", "unified social credit code (18 characters)")
	}, func(s adminAPI) error {
		u, err := s.AddUnit(ctx, name, code)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "unit %s\t%s\t%s\n", u.ID, u.Code, printable(u.Name))
		return nil
	})
}

func (e *env) unitList(ctx context.Context, args []string) error {
	return e.admin(ctx, "unit list", args, func(*flag.FlagSet) {}, func(s adminAPI) error {
		units, err := s.Units(ctx)
		if err != nil {
			return err
		}
		for _, u := range units {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", u.ID, u.Code, printable(u.Name))
		}
		return nil
	})
}

func (e *env) accountAdd(ctx context.Context, args []string) error {
	var n server.NewAccount
	var unit, role string
	var stdin bool
	return e.admin(ctx, "account add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&n.Login, "login", "", "login name")
		fs.StringVar(&n.Name, "name", "", "display name (shown in decisions)")
		fs.StringVar(&role, "role", "unit", "unit, reviewer, approver, finance, ndrc, crypto, admin or auditor")
		fs.StringVar(&unit, "unit", "", "the unit of a unit account: id, credit code or exact name")
		fs.BoolVar(&stdin, "password-stdin", false, "read the password from the first line of stdin (required)")
	}, func(s adminAPI) error {
		if !stdin {
			return usagef("account add: pass the password on stdin with --password-stdin")
		}
		pw, err := readLine(e)
		if err != nil {
			return err
		}
		n.Password, n.Role = pw, app.Role(role)
		n.MustChange = true // an initial password: its holder changes it at the first login
		if unit != "" {
			u, err := s.FindUnit(ctx, unit)
			if err != nil {
				return err
			}
			n.UnitID = u.ID
		}
		a, err := s.AddAccount(ctx, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "account %s\t%s\t%s\t%s\n", a.ID, a.Login, a.Role, printable(a.UnitName))
		return nil
	})
}

func readLine(e *env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("read password from stdin: empty (%v)", err)
	}
	return line, nil
}

func (e *env) tokenCreate(ctx context.Context, args []string) error {
	var login, label string
	var ttl time.Duration
	return e.admin(ctx, "token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&login, "login", "", "account whose data the token reads")
		fs.DurationVar(&ttl, "ttl", 0, "lifetime (default: the login token lifetime)")
		fs.StringVar(&label, "label", "cli", "what the token is for")
	}, func(s adminAPI) error {
		tok, exp, err := s.CreateToken(ctx, login, ttl, label)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "token for %s, expires %s; it reads and exports only (shown once; the bureau stores only its hash):\n", login, exp.Format(time.RFC3339))
		fmt.Fprintln(e.stdout, tok)
		return nil
	})
}

func (e *env) tokenRevoke(ctx context.Context, args []string) error {
	var tok, login string
	return e.admin(ctx, "token revoke", args, func(fs *flag.FlagSet) {
		fs.StringVar(&tok, "token", "", "the token to revoke")
		fs.StringVar(&login, "login", "", "revoke every token of this account")
	}, func(s adminAPI) error {
		switch {
		case tok != "" && login == "":
			if err := s.RevokeToken(ctx, tok); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "revoked")
		case login != "" && tok == "":
			n, err := s.RevokeTokens(ctx, login)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "revoked %d live tokens of %s\n", n, login)
		default:
			return usagef("token revoke: give exactly one of --token or --login")
		}
		return nil
	})
}

// jurisdictions returns the ids of the profiles embedded in the binary, as
// assets.Profiles holds them (profiles/<id>.json), sorted.
func jurisdictions() []string {
	entries, _ := assets.Profiles.ReadDir("profiles") // embedded: cannot fail
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func (e *env) profileSet(ctx context.Context, args []string) error {
	// The profile is a positional argument, before or after the flags:
	// bureau profile set [--data D] huoqiu [--data D]
	fs := flag.NewFlagSet("bureau profile set", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dataFlags
	d.register(fs)
	var pos []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return usagef("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return usagef("profile set: name one of %s or a JSON file", strings.Join(jurisdictions(), ", "))
	}
	name, data, err := profileData(pos[0])
	if err != nil {
		return err
	}
	s, err := e.connect(ctx, d)
	if err != nil {
		return err
	}
	defer s.Close()
	doc, err := s.SetProfile(ctx, name, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "profile %s version %s\n", doc.ID, doc.Version)
	return s.Close()
}

// profileData returns the profile file named by ref: an embedded
// jurisdiction id or a path to a JSON file.
func profileData(ref string) (name string, data []byte, err error) {
	if slices.Contains(jurisdictions(), ref) {
		data, err := assets.Profiles.ReadFile("profiles/" + ref + ".json")
		return ref + ".json", data, err
	}
	data, err = os.ReadFile(ref)
	if err != nil {
		return "", nil, fmt.Errorf("profile %q is neither %s nor a readable file: %w", ref, strings.Join(jurisdictions(), ", "), err)
	}
	return filepath.Base(ref), data, nil
}

func (e *env) changesPrune(ctx context.Context, args []string) error {
	var older time.Duration
	return e.admin(ctx, "changes prune", args, func(fs *flag.FlagSet) {
		fs.DurationVar(&older, "older-than", 365*24*time.Hour, fmt.Sprintf("delete changes older than this (at least %v)", server.MinPruneAge))
	}, func(s adminAPI) error {
		before := time.Now().Add(-older)
		if err := server.CheckPruneBefore(time.Now(), before); err != nil {
			return err
		}
		n, err := s.PruneChanges(ctx, before)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "pruned %d changes; clients behind them will reset and refetch\n", n)
		return nil
	})
}

// changesReset makes every client re-synchronise on its next pull; see
// server.ResetFeeds. Run it after restoring an older backup, before serve.
func (e *env) changesReset(ctx context.Context, args []string) error {
	return e.admin(ctx, "changes reset", args, func(*flag.FlagSet) {}, func(a adminAPI) error {
		s, ok := a.(*server.Server)
		if !ok {
			return errors.New("changes reset is for a restored data directory before it is served: stop the bureau first")
		}
		if _, err := s.ResetFeeds(ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "change feeds reset: every client re-synchronises on its next pull and sends again what the bureau no longer holds")
		return nil
	})
}

// backup writes a consistent backup of the bureau to --out: through the
// running bureau's admin socket while it serves, or from the stopped data
// directory. The file is written beside --out and renamed into place once
// it is whole.
func (e *env) backup(ctx context.Context, args []string) error {
	var out string
	return e.admin(ctx, "backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the backup file to write (a zip), e.g. /srv/backup/bureau-2027-03-01.zip")
	}, func(s adminAPI) error {
		if out == "" {
			return usagef("backup: name the file with --out")
		}
		tmp, err := os.CreateTemp(filepath.Dir(out), ".bureau-backup-*")
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		defer os.Remove(tmp.Name())
		n, err := s.Backup(ctx, tmp)
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if m, err := server.CheckBackup(tmp.Name()); err != nil {
			return err
		} else if m != n {
			return fmt.Errorf("backup: the manifest lists %d attachments, the bureau sent %d", m, n)
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		if err := store.SyncDir(filepath.Dir(out)); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		fmt.Fprintf(e.stdout, "backup %s: the store and %d attachments\n", out, n)
		return nil
	})
}

// restore makes --data, a new or empty directory, the data directory of the
// bureau backed up in --from.
func (e *env) restore(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bureau restore", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dataFlags
	d.register(fs)
	var from string
	fs.StringVar(&from, "from", "", "the backup file (written by bureau backup)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if from == "" || fs.NArg() > 0 {
		return usagef("restore: bureau restore --from FILE --data NEW-DIR")
	}
	if d.database != "" {
		return usagef("restore: a bureau on PostgreSQL is restored with pg_restore into an empty database and its attachments/ copied into --data (docs/bureau.md, \"Running the bureau on PostgreSQL\")")
	}
	key, err := d.key()
	if err != nil {
		return err
	}
	n, err := server.Restore(ctx, from, d.data, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored the store and %d attachments into %s\n", n, d.data)
	fmt.Fprintln(e.stdout, "if clients have sent anything since the backup: run bureau changes reset on it before serve")
	return nil
}

// printable is a name as a terminal line may show it: a control, format
// or direction character — which names stored before the bureau refused
// them may hold — is written as \x07 or \u202e, so that it neither acts on
// the admin's terminal nor splits a tab-separated line.
func printable(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Zl, unicode.Zp):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
