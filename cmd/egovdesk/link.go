package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/app/version"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

// link is the UI's connection to the bureau: the session (session.json in
// the data directory), the rule profile in force (the bureau's, cached in
// profile.json, or an embedded one chosen offline), the certificates the
// clerk trusts (trust.json, see trust.go), the resty client with its token
// (the token file) and the sync loop.
type link struct {
	// dependencies
	dir      string
	store    *store.Store
	blobs    *syncer.BlobDir
	profiles map[string]*app.Profile
	log      *slog.Logger
	// config
	syncOpts syncer.Options
	loop     bool // run the sync loop (tests drive SyncOnce instead)

	updates   chan struct{}
	decisions chan ui.Decision
	ctx       context.Context // ends with Close
	cancel    context.CancelFunc
	wg        sync.WaitGroup

	mu      sync.Mutex // guards what follows
	session ui.Session
	trust   trusted
	profile *app.Profile
	client  *client.Client
	syncer  *syncer.Syncer
	stopFwd context.CancelFunc
}

var _ ui.Link = (*link)(nil)

const (
	sessionFile = "session.json"
	profileFile = "profile.json"
	tokenFile   = "token"
)

// openLink reads the session and the cached profile from dir and, when a
// bureau is configured, starts syncing with the saved token (an expired
// token shows as 重新登录 in the connection bar). It fails when the session
// or the cached profile cannot be read.
func openLink(dir string, st *store.Store, blobs *syncer.BlobDir, profiles map[string]*app.Profile,
	log *slog.Logger, opts syncer.Options, loop bool) (*link, error) {
	ctx, cancel := context.WithCancel(context.Background())
	l := &link{dir: dir, store: st, blobs: blobs, profiles: profiles, log: log, syncOpts: opts, loop: loop,
		updates: make(chan struct{}, 1), decisions: make(chan ui.Decision, 64), ctx: ctx, cancel: cancel}
	if err := readJSON(filepath.Join(dir, sessionFile), &l.session); err != nil {
		cancel()
		return nil, err
	}
	if err := readJSON(filepath.Join(dir, trustFile), &l.trust); err != nil {
		cancel()
		return nil, err
	}
	if !l.session.Configured {
		return l, nil
	}
	if l.session.Bureau == "" {
		l.profile = profiles[l.session.ProfileID]
		return l, nil
	}
	var doc protocol.ProfileDocument
	if err := readJSON(filepath.Join(dir, profileFile), &doc); err != nil {
		cancel()
		return nil, err
	}
	if doc.ID != "" {
		p, err := app.LoadProfile(doc.ID+".json", doc.Profile)
		if err != nil {
			log.Warn("cached profile unreadable; using the embedded one", "err", err)
			p = profiles[l.session.ProfileID]
		}
		l.profile = p
	}
	c, err := l.newClient(ctx, l.session.Bureau)
	if err != nil {
		cancel()
		return nil, err
	}
	l.mu.Lock()
	l.startSync(c)
	l.mu.Unlock()
	return l, nil
}

// Close stops the sync loop and waits for every goroutine of the link.
func (l *link) Close() {
	l.cancel()
	l.wg.Wait()
	l.mu.Lock()
	s := l.syncer
	l.mu.Unlock()
	if s != nil {
		s.Stop()
	}
}

// newClient returns a client of the bureau at addr with the saved token and
// what the clerk trusts for it.
func (l *link) newClient(ctx context.Context, addr string) (*client.Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.newClientLocked(ctx, addr)
}

// newClientLocked is newClient with mu held.
func (l *link) newClientLocked(ctx context.Context, addr string) (*client.Client, error) {
	o, err := l.clientTrust(addr)
	if err != nil {
		return nil, err
	}
	o.Tokens, o.Logger = &fileTokens{path: filepath.Join(l.dir, tokenFile)}, l.log
	o.Version = version.Number() // the bureau may refuse an outdated client, saying where to get a new one
	return client.New(ctx, addr, o)
}

// startSync replaces the syncer with one of c. Call with mu held.
func (l *link) startSync(c *client.Client) {
	if l.syncer != nil {
		l.stopFwd()
		l.syncer.Stop()
	}
	l.client = c
	s := syncer.New(l.store, c, l.blobs, l.syncOpts)
	l.syncer = s
	s.SetKeepDrafts(!l.session.DraftsLocalOnly)
	if l.profile != nil {
		s.SetBureauKeepsDrafts(l.profile.KeepsDrafts())
	}
	ctx, cancel := context.WithCancel(l.ctx)
	l.stopFwd = cancel
	if l.loop {
		// The loop's passes long-poll for changes, so its first pass would
		// leave the bar at "connecting" for up to half a minute: one quick
		// pass first shows online and the last sync at once.
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			_ = s.SyncOnce(ctx) // its failure is in the status the bar shows
			if ctx.Err() == nil {
				s.Start(ctx)
			}
		}()
	}
	l.wg.Add(1)
	go l.forward(ctx, s)
}

// forward passes the syncer's status changes and notifications on to the
// UI, and fetches the bureau's profile when it changed.
func (l *link) forward(ctx context.Context, s *syncer.Syncer) {
	defer l.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.Updates():
			l.notify()
		case n := <-s.Notifications():
			if n.Kind == syncer.NotifyProfile {
				if err := l.refreshProfile(ctx); err != nil {
					l.log.Warn("fetch profile", "err", err)
				}
				continue
			}
			d := ui.Decision{FilingID: n.FilingID, FilingTitle: n.FilingTitle, FilingKind: n.FilingKind, Title: n.Title, Text: n.Text, Refused: n.Refused, RefusedCount: n.RefusedCount}
			if n.Decision != nil {
				d.Text, d.Action, d.Revision = n.Decision.Comment, n.Decision.Action, n.Decision.RevisionNumber
				if d.Action == app.ActionReject && d.FilingKind == app.KindDeclaration {
					if f, err := l.store.Get(ctx, d.FilingID); err == nil {
						d.Route = l.Profile().RouteOf(f)
					}
				}
			}
			select {
			case l.decisions <- d:
			case <-ctx.Done():
				return
			}
			l.notify()
		}
	}
}

func (l *link) notify() {
	select {
	case l.updates <- struct{}{}:
	default:
	}
}

// refreshProfile fetches the bureau's profile when it changed and caches it.
func (l *link) refreshProfile(ctx context.Context) error {
	l.mu.Lock()
	c, cur := l.client, ""
	if l.profile != nil {
		cur = l.profile.Version
	}
	l.mu.Unlock()
	if c == nil {
		return nil
	}
	doc, modified, err := c.Profile(ctx, cur)
	if err != nil || !modified {
		return err
	}
	p, err := l.cacheProfile(doc)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.profile = p
	l.session.ProfileID = p.ID
	sy := l.syncer
	l.mu.Unlock()
	if sy != nil {
		sy.SetBureauKeepsDrafts(p.KeepsDrafts())
	}
	l.notify()
	return nil
}

var _ ui.Withdrawer = (*link)(nil)

// Withdraw asks the bureau to take back the unit's delivered submission of
// filing id (syncer.Withdraw).
func (l *link) Withdraw(ctx context.Context, id, reason string) error {
	l.mu.Lock()
	sy := l.syncer
	l.mu.Unlock()
	if sy == nil {
		return app.Errorf(app.EUNAVAILABLE, "还没有连接数管局：撤回要由数管局确认，请先登录连接数管局")
	}
	return sy.Withdraw(ctx, id, reason)
}

var _ ui.DraftKeeper = (*link)(nil)

// SetKeepDrafts switches the copies of the drafts at the bureau on or off
// (设置→在数管局保留草稿副本) and remembers it in the session.
func (l *link) SetKeepDrafts(on bool) error {
	l.mu.Lock()
	s := l.session
	s.DraftsLocalOnly = !on
	if err := writeJSON(filepath.Join(l.dir, sessionFile), s); err != nil {
		l.mu.Unlock()
		return err
	}
	l.session = s
	sy := l.syncer
	l.mu.Unlock()
	if sy != nil {
		sy.SetKeepDrafts(on)
	}
	l.notify()
	return nil
}

// cacheProfile checks the bureau's profile document and keeps it in the data
// directory, so every check works offline.
func (l *link) cacheProfile(doc protocol.ProfileDocument) (*app.Profile, error) {
	p, err := app.LoadProfile(doc.ID+".json", doc.Profile)
	if err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(l.dir, profileFile), doc); err != nil {
		return nil, err
	}
	return p, nil
}

func (l *link) Session() ui.Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.session
}

func (l *link) Profile() *app.Profile {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.profile
}

// Connect logs in, caches the bureau's profile, saves the session and starts
// syncing. Its errors carry the bureau's or the client's Chinese message.
func (l *link) Connect(ctx context.Context, addr, login, password string) error {
	if !strings.HasPrefix(addr, "http://") && !strings.HasPrefix(addr, "https://") { // as client.New requires
		return app.Errorf(app.EINVALID, "服务器地址“%s”无效：应以 http:// 或 https:// 开头", addr)
	}
	c, err := l.newClient(ctx, addr)
	if err != nil {
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	resp, err := c.Login(ctx, login, password)
	if client.PasswordChangeRequired(err) {
		return &ui.PasswordChangeError{Message: client.Message(err)}
	}
	if err != nil {
		return userError(c.BaseURL(), err)
	}
	return l.connected(ctx, c, login, resp)
}

// ChangePassword changes an initial or expired password at the bureau at
// addr and then connects as Connect does (ui.PasswordChanger).
func (l *link) ChangePassword(ctx context.Context, addr, login, old, new string) error {
	c, err := l.newClient(ctx, addr)
	if err != nil {
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	resp, err := c.ChangePassword(ctx, login, old, new)
	if err != nil {
		return userError(c.BaseURL(), err)
	}
	return l.connected(ctx, c, login, resp)
}

// connected finishes a login: the profile cached, the session saved, the
// sync started.
func (l *link) connected(ctx context.Context, c *client.Client, login string, resp protocol.LoginResponse) error {
	if resp.Account.Role != app.RoleUnit {
		return app.Errorf(app.EFORBIDDEN, "账号“%s”不是项目单位的账号，不能在本程序中申报", login)
	}
	doc, _, err := c.Profile(ctx, "")
	if err != nil {
		return userError(c.BaseURL(), err)
	}
	p, err := l.cacheProfile(doc)
	if err != nil {
		return fmt.Errorf("cache profile: %w", err)
	}
	s := ui.Session{Configured: true, Bureau: c.BaseURL(), Login: login, Actor: resp.Account.Name,
		UnitID: resp.Account.UnitID, UnitName: resp.Account.UnitName, UnitCode: resp.Account.UnitCode, ProfileID: p.ID,
		DraftsLocalOnly: l.Session().DraftsLocalOnly}
	if err := writeJSON(filepath.Join(l.dir, sessionFile), s); err != nil {
		return err
	}
	l.mu.Lock()
	l.session, l.profile = s, p
	l.startSync(c)
	l.mu.Unlock()
	l.notify()
	return nil
}

// userError turns a failed request to the bureau at addr into an error
// whose message is the client's Chinese explanation (the detail was logged
// by the client): a *ui.CertificateError when the bureau's certificate was
// refused, an *app.Error otherwise.
func userError(addr string, err error) error {
	if ce := certificateError(addr, err); ce != nil {
		return ce
	}
	code := app.ErrorCode(err)
	if code == "" || code == app.EINTERNAL {
		code = app.EUNAVAILABLE
	}
	return &app.Error{Code: code, Message: client.Message(err)}
}

func (l *link) WorkOffline(profileID, unitName, actor string) error {
	if l.profiles[profileID] == nil {
		return app.Errorf(app.EINVALID, "未知的地区规则“%s”", profileID)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.session.Bureau != "" {
		return app.Errorf(app.ECONFLICT, "已连接数管局，使用数管局的规则")
	}
	s := ui.Session{Configured: true, ProfileID: profileID, UnitID: "local", UnitName: unitName, Actor: actor}
	if err := writeJSON(filepath.Join(l.dir, sessionFile), s); err != nil {
		return err
	}
	l.session, l.profile = s, l.profiles[profileID]
	l.notify()
	return nil
}

func (l *link) Status() ui.SyncStatus {
	l.mu.Lock()
	s := l.syncer
	l.mu.Unlock()
	if s == nil {
		n, _ := l.store.PendingCount(l.ctx)
		return ui.SyncStatus{Waiting: n, DiskWarning: l.store.DiskWarning()}
	}
	st := s.Status()
	out := ui.SyncStatus{Connected: true, Online: st.Online, Unavailable: st.Unavailable, Syncing: st.Syncing, NeedsLogin: st.NeedsLogin,
		NeedsAction: st.NeedsAction, Waiting: st.Waiting, LastSuccess: st.LastSuccess, LastError: st.Cause, NextRetry: st.NextRetry}
	out.DiskWarning = l.store.DiskWarning()
	if st.NeedsLogin && out.LastError == "" {
		out.LastError = "登录已失效，请重新登录"
	}
	if up := st.Upload; up != nil {
		out.Upload = &ui.Upload{FilingID: up.FilingID, Name: up.Name, Sent: up.Sent, Total: up.Total}
	}
	if r := st.Restore; r != nil {
		out.Restore = &ui.RestoreProgress{Restored: r.Restored, Total: r.Total}
	}
	out.Conflict = st.Conflict
	out.DraftsOff, out.DraftsProblem, out.DraftsCopied = st.DraftsOff, st.DraftsProblem, st.DraftsCopied
	if kc := st.KeyChange; kc != nil {
		out.KeyChange = &ui.ReceiptKeyChange{PinnedKeyID: kc.PinnedKeyID, ServedKeyID: kc.ServedKeyID, Seen: kc.Seen}
	}
	return out
}

var _ ui.ReceiptKeyTruster = (*link)(nil)

// ReceiptKeyChanges returns the receipt keys of the bureau connected to
// that the clerk trusted in place of the one before, oldest first.
func (l *link) ReceiptKeyChanges() []ui.ReceiptKeyReplaced {
	l.mu.Lock()
	c := l.client
	l.mu.Unlock()
	if c == nil {
		return nil
	}
	changes, err := l.store.ReceiptKeyChanges(l.ctx, c.BaseURL())
	if err != nil {
		l.log.Warn("receipt key changes", "err", err)
		return nil
	}
	out := make([]ui.ReceiptKeyReplaced, len(changes))
	for i, ch := range changes {
		out[i] = ui.ReceiptKeyReplaced{OldKeyID: ch.OldKeyID, NewKeyID: ch.NewKeyID, At: ch.At}
	}
	return out
}

// TrustReceiptKey trusts the bureau's new receipt key with ID keyID after
// the clerk checked it with the bureau (设置, 核对并信任新密钥…), and syncs.
func (l *link) TrustReceiptKey(ctx context.Context, keyID string) error {
	l.mu.Lock()
	s := l.syncer
	l.mu.Unlock()
	if s == nil {
		return app.Errorf(app.EINVALID, "未连接数管局")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.TrustReceiptKey(ctx, keyID); err != nil {
		return err
	}
	l.notify()
	return nil
}

func (l *link) Kick() {
	l.mu.Lock()
	s := l.syncer
	l.mu.Unlock()
	if s != nil {
		s.Kick()
	}
}

// SyncOnce runs one sync pass now (tests, and 立即发送 without the loop).
func (l *link) SyncOnce(ctx context.Context) error {
	l.mu.Lock()
	s := l.syncer
	l.mu.Unlock()
	if s == nil {
		return errors.New("no bureau configured")
	}
	return s.SyncOnce(ctx)
}

func (l *link) Updates() <-chan struct{} { return l.updates }

func (l *link) Decisions() <-chan ui.Decision { return l.decisions }

// fileTokens keeps the bearer token in a file of the data directory,
// readable by its owner only.
type fileTokens struct{ path string }

func (t *fileTokens) Load(context.Context) (string, error) {
	b, err := os.ReadFile(t.path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return string(b), err
}

func (t *fileTokens) Save(_ context.Context, token string) error {
	if token == "" {
		if err := os.Remove(t.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	return writeFile(t.path, []byte(token))
}

// readJSON decodes the file at path into v; a missing file leaves v as is.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// writeJSON writes v to path atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return writeFile(path, b)
}

// writeTemp writes the new content into the temporary file; tests replace it
// to fail as a full disk does.
var writeTemp = (*os.File).Write

// writeFile writes data to path through a synced temporary file and a
// rename, so a crash leaves the old or the new file, never half of one.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = writeTemp(tmp, data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
