package ui

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/xlsx"
	"egovdesk/assets"
)

// This file holds what the screen tests of this package stand on: a store
// in memory (memStore), an offline session under one of the embedded rule
// profiles (offlineLink), the UI built over them in Fyne's headless test app
// (screenFixture), and a probe that reaches the open editor's widgets by
// field path, as the problem list's jumps do.

// memStore is the local store in memory: filings kept as copies (the editor
// owns its working copy, as with the real store), submissions queued, the
// attachment store a map of the files imported.
type memStore struct {
	mu        sync.Mutex
	filings   map[string]*app.Filing
	send      map[string]app.Send
	submitted []string // IDs, in the order submitted
	revisions map[string][]app.RevisionInfo
	imported  []string // paths imported into the attachment store
	trash     map[string]*app.Filing
	subs      []func()
	anchored  bool                   // Anchors gives the filings' anchors, as the real store (else none)
	rescued   map[string]*app.Filing // by Rescue
	bodies    map[string][]byte      // submitted revisions' bodies, by filing ID/revision ID
	maybeSent map[string]bool        // submissions CanWithdraw refuses as perhaps delivered
	// withdrawables counts Withdrawable calls
	withdrawables atomic.Int64
}

func newMemStore() *memStore {
	return &memStore{filings: map[string]*app.Filing{}, send: map[string]app.Send{}}
}

// clone copies f through JSON, as the store encodes it.
func clone(f *app.Filing) *app.Filing {
	b, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	var g app.Filing
	if err := json.Unmarshal(b, &g); err != nil {
		panic(err)
	}
	return &g
}

func (s *memStore) changed() {
	s.mu.Lock()
	subs := slices.Clone(s.subs)
	s.mu.Unlock()
	for _, fn := range subs {
		fn()
	}
}

// put stores f as it is, as a test fixture; a submitted revision's body
// is kept, as the real store keeps it (RevisionBody).
func (s *memStore) put(f *app.Filing) {
	s.mu.Lock()
	s.filings[f.ID] = clone(f)
	if f.Revision.Submitted() {
		s.keepBody(f)
	}
	s.mu.Unlock()
	s.changed()
}

// keepBody keeps the body of f's revision; s.mu is held.
func (s *memStore) keepBody(f *app.Filing) {
	b, _, err := f.Body().Encode()
	if err != nil {
		panic(err)
	}
	if s.bodies == nil {
		s.bodies = map[string][]byte{}
	}
	s.bodies[f.ID+"/"+f.Revision.ID] = b
}

func (s *memStore) RevisionBody(_ context.Context, id, revID string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.bodies[id+"/"+revID]; ok {
		return b, nil
	}
	return nil, app.Errorf(app.ENOTFOUND, "no revision %s of %s", revID, id)
}

// stored returns the stored copy of filing id, nil when none.
func (s *memStore) stored(id string) *app.Filing {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.filings[id]; ok {
		return clone(f)
	}
	return nil
}

// queued returns the IDs submitted so far.
func (s *memStore) queued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.submitted)
}

func (s *memStore) List(_ context.Context, q app.Query) ([]app.FilingRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []app.FilingRow
	for _, f := range s.filings {
		if q.Kind != "" && f.Kind != q.Kind || q.Status != "" && f.Status != q.Status ||
			q.Text != "" && !strings.Contains(f.Title(), q.Text) {
			continue
		}
		rows = append(rows, app.FilingRow{ID: f.ID, Kind: f.Kind, Status: f.Status, Title: f.Title(), PlanYear: f.PlanYear(),
			Created: f.Created, Updated: f.Updated, Listed: f.Updated, RevisionID: f.Revision.ID, RevisionNumber: f.Revision.Number,
			SubmittedAt: f.Revision.SubmittedAt, Send: s.send[f.ID]})
	}
	slices.SortFunc(rows, func(a, b app.FilingRow) int { return b.Created.Compare(a.Created) })
	return rows, nil
}

func (s *memStore) Counts(ctx context.Context) (app.Counts, error) {
	rows, _ := s.List(ctx, app.Query{})
	c := app.Counts{Total: len(rows)}
	for _, r := range rows {
		if r.Status == app.StatusDraft {
			c.Drafts++
		}
	}
	return c, nil
}

func (s *memStore) Anchors(context.Context) ([]app.FilingAnchors, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.anchored {
		return nil, nil
	}
	var out []app.FilingAnchors
	for _, f := range s.filings {
		if a := app.AnchorsOf(f); a.Kind != "" {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s *memStore) Get(_ context.Context, id string) (*app.Filing, error) {
	if f := s.stored(id); f != nil {
		return f, nil
	}
	return nil, app.Errorf(app.ENOTFOUND, "找不到材料 %s", id)
}

func (s *memStore) Save(_ context.Context, f *app.Filing) error {
	s.put(f)
	return nil
}

func (s *memStore) Rescue(f *app.Filing) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rescued == nil {
		s.rescued = map[string]*app.Filing{}
	}
	s.rescued[f.ID] = clone(f)
	return nil
}

func (s *memStore) PendingRescue(id string) *app.Filing {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.rescued[id]; f != nil {
		return clone(f)
	}
	return nil
}

func (s *memStore) DropRescue(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rescued, id)
}

// rescue returns the edit of filing id kept aside by Rescue, nil if none.
func (s *memStore) rescue(id string) *app.Filing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rescued[id]
}

func (s *memStore) Submit(_ context.Context, id, actor string, now time.Time) error {
	s.mu.Lock()
	f, ok := s.filings[id]
	if !ok {
		s.mu.Unlock()
		return app.Errorf(app.ENOTFOUND, "找不到材料 %s", id)
	}
	f = clone(f)
	if _, err := f.Submit(now, actor); err != nil {
		s.mu.Unlock()
		return err
	}
	s.filings[id] = f
	s.keepBody(f)
	s.send[id] = app.Send{State: app.SendQueued}
	s.submitted = append(s.submitted, id)
	if _, sum, err := f.Body().Encode(); err == nil {
		if s.revisions == nil {
			s.revisions = map[string][]app.RevisionInfo{}
		}
		s.revisions[id] = append(s.revisions[id], app.RevisionInfo{Revision: f.Revision, BodyHash: sum})
	}
	s.mu.Unlock()
	s.changed()
	return nil
}

// Withdraw takes back a submission not marked sent, as the real store
// does for one still in its outbox: the submit transition goes, the
// filing is back where it was.
func (s *memStore) Withdraw(_ context.Context, id string, now time.Time) error {
	s.mu.Lock()
	f, ok := s.filings[id]
	if !ok {
		s.mu.Unlock()
		return app.Errorf(app.ENOTFOUND, "找不到材料 %s", id)
	}
	n := len(f.History)
	if st := s.send[id].State; st == app.SendSent || f.Status != app.StatusSubmitted || n == 0 {
		s.mu.Unlock()
		return app.Errorf(app.EINVALID, "第 %d 版已送达，不能在本机撤回", f.Revision.Number)
	}
	f = clone(f)
	f.Status, f.History = f.History[n-1].From, f.History[:n-1]
	f.Revision.SubmittedAt, f.Updated = time.Time{}, now
	s.filings[id] = f
	s.send[id] = app.Send{}
	s.submitted = slices.DeleteFunc(s.submitted, func(q string) bool { return q == id })
	revs := s.revisions[id]
	if len(revs) > 0 {
		s.revisions[id] = revs[:len(revs)-1]
	}
	s.mu.Unlock()
	s.changed()
	return nil
}

// CanWithdraw answers as Withdraw would, without writing.
func (s *memStore) CanWithdraw(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.filings[id]
	if !ok {
		return app.Errorf(app.ENOTFOUND, "找不到材料 %s", id)
	}
	if s.send[id].State == app.SendSent || f.Status != app.StatusSubmitted || s.maybeSent[id] {
		return app.Errorf(app.EINVALID, "第 %d 版发送时没有收到答复，可能已经送达，不能在本机撤回。请联网同步后再看：送达后、受理前，可以点“撤回提交”撤回。", f.Revision.Number)
	}
	return nil
}

func (s *memStore) Withdrawable(ctx context.Context, id string) error {
	s.withdrawables.Add(1)
	return s.CanWithdraw(ctx, id)
}

func (s *memStore) Send(_ context.Context, id string) (app.Send, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.send[id], nil
}

func (s *memStore) Backup(context.Context, string) error {
	return app.Errorf(app.EUNAVAILABLE, "no backups in this fake")
}

func (s *memStore) DeleteDraft(_ context.Context, id string) error {
	s.mu.Lock()
	f, ok := s.filings[id]
	switch {
	case !ok:
		s.mu.Unlock()
		return app.Errorf(app.ENOTFOUND, "没有这份材料")
	case f.Status != app.StatusDraft || f.Revision.Submitted():
		s.mu.Unlock()
		return app.Errorf(app.EINVALID, "已提交过，不能删除")
	}
	if s.trash == nil {
		s.trash = map[string]*app.Filing{}
	}
	s.trash[id] = f
	delete(s.filings, id)
	s.mu.Unlock()
	s.changed()
	return nil
}

func (s *memStore) RestoreDraft(_ context.Context, id string) error {
	s.mu.Lock()
	f, ok := s.trash[id]
	if ok {
		s.filings[id] = f
		delete(s.trash, id)
	}
	s.mu.Unlock()
	if !ok {
		return app.Errorf(app.ENOTFOUND, "回收站里没有这份草稿")
	}
	s.changed()
	return nil
}

func (s *memStore) Retry(context.Context, string) error { return nil }
func (s *memStore) Revisions(_ context.Context, id string) ([]app.RevisionInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.revisions[id]), nil
}
func (s *memStore) Inbox(context.Context) ([]app.Message, error)     { return nil, nil }
func (s *memStore) MarkRead(context.Context, string) error           { return nil }
func (s *memStore) MarkAllRead(context.Context, string) (int, error) { return 0, nil }
func (s *memStore) Subscribe(_ context.Context, fn func()) {
	s.mu.Lock()
	s.subs = append(s.subs, fn)
	s.mu.Unlock()
}

// Import reads the file at path as the attachment store copies it.
func (s *memStore) Import(_ context.Context, path string) (app.Attachment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return app.Attachment{}, app.Errorf(app.EINVALID, "无法读取“%s”", filepath.Base(path))
	}
	s.mu.Lock()
	s.imported = append(s.imported, path)
	s.mu.Unlock()
	return app.Attachment{Name: filepath.Base(path), Size: int64(len(b)), SHA256: strings.Repeat("0", 64)}, nil
}

// offlineLink is a clerk working offline under one embedded rule profile;
// code is the unit's credit code as the bureau registered it ("" when
// never connected).
type offlineLink struct {
	prof *app.Profile
	code string
}

func (l offlineLink) Session() Session {
	return Session{Configured: true, UnitID: "local", UnitName: "郁南县都城镇人民政府", UnitCode: l.code, Actor: "陈晓", ProfileID: l.prof.ID}
}
func (l offlineLink) Profile() *app.Profile                                 { return l.prof }
func (l offlineLink) Connect(context.Context, string, string, string) error { return nil }
func (l offlineLink) WorkOffline(string, string, string) error              { return nil }
func (l offlineLink) Status() SyncStatus                                    { return SyncStatus{} }
func (l offlineLink) Kick()                                                 {}
func (l offlineLink) Updates() <-chan struct{}                              { return nil }
func (l offlineLink) Decisions() <-chan Decision                            { return nil }
func (l offlineLink) Trusted() []Trust                                      { return nil }
func (l offlineLink) TrustCA(string, []byte) (Trust, error)                 { return Trust{}, nil }
func (l offlineLink) Pin(string, Certificate) (Trust, error)                { return Trust{}, nil }
func (l offlineLink) Untrust(string) error                                  { return nil }

// xlsxBooks is the Excel seam over app/xlsx, as the client has it.
type xlsxBooks struct{}

func (xlsxBooks) Import(r io.Reader) (*app.Catalogue, error) { return xlsx.ImportDraft(r) }
func (xlsxBooks) Export(w io.Writer, c *app.Catalogue) error { return xlsx.Export(w, c) }

// pickedFiles is the desktop's file dialog: it answers with the next path,
// or fails as a desktop without a dialog program does.
type pickedFiles struct {
	paths  []string
	err    error
	filter FileFilter
	dirs   []string // the folder each Open was asked to start in
}

func (p *pickedFiles) Open(_ context.Context, _, dir string, f FileFilter) (string, error) {
	p.filter, p.dirs = f, append(p.dirs, dir)
	if p.err != nil || len(p.paths) == 0 {
		return "", p.err
	}
	path := p.paths[0]
	p.paths = p.paths[1:]
	return path, nil
}

func (p *pickedFiles) Folder(context.Context, string, string) (string, error) { return "", nil }

func (p *pickedFiles) Save(context.Context, string, string, string, FileFilter) (string, error) {
	return "", p.err
}

// screenFixture is the UI over memStore and an offline link in Fyne's
// headless test app, started. UI updates from goroutines wait in a queue
// the test goroutine runs (pump), as the real driver runs them on its one
// UI goroutine.
type screenFixture struct {
	u     *UI
	w     fyne.Window
	store *memStore
	prof  *app.Profile
	queue chan func()
}

// newScreens starts the UI working offline under profile id; files is the
// desktop's file dialog (nil: Fyne's).
func newScreens(t testing.TB, profile string, files Files) *screenFixture {
	t.Helper()
	return newScreensOf(t, profile, files, "")
}

// newScreensOf is newScreens for a unit whose credit code the bureau said
// was code.
func newScreensOf(t testing.TB, profile string, files Files, code string) *screenFixture {
	t.Helper()
	return startScreens(t, profile, files, func(prof *app.Profile) Link { return offlineLink{prof: prof, code: code} })
}

// newScreensLinked is newScreens with the Link that link returns for the
// profile, given to the UI before it starts (its watchers read it).
func newScreensLinked(t testing.TB, profile string, link func(prof *app.Profile) Link) *screenFixture {
	t.Helper()
	return startScreens(t, profile, nil, link)
}

func startScreens(t testing.TB, profile string, files Files, link func(prof *app.Profile) Link) *screenFixture {
	t.Helper()
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	prof := profs[profile]
	if prof == nil {
		t.Fatalf("no profile %s", profile)
	}
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow("egovdesk")
	w.Resize(fyne.NewSize(1360, 860))
	x := &screenFixture{w: w, store: newMemStore(), prof: prof, queue: make(chan func(), 1<<14)}
	var o Options
	o.Store, o.Link, o.Excel, o.Profiles, o.SaveDelay = x.store, link(prof), xlsxBooks{}, profs, 20*time.Millisecond
	o.Do = func(f func()) { x.queue <- f }
	if files != nil {
		o.Files = files
	}
	x.u = New(a, w, o)
	x.u.Start()
	t.Cleanup(func() {
		// Stop waits for the editor's saver, whose last word goes through
		// the queue: keep running it meanwhile.
		done := make(chan struct{})
		go func() { x.u.Stop(); close(done) }()
		for {
			select {
			case <-done:
				return
			case f := <-x.queue:
				f()
			}
		}
	})
	x.pump()
	return x
}

// pump runs the queued UI updates.
func (x *screenFixture) pump() {
	for {
		select {
		case f := <-x.queue:
			f()
		default:
			return
		}
	}
}

// eventually pumps UI updates until cond holds, for up to five seconds.
func (x *screenFixture) eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for x.pump(); !cond(); x.pump() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// newEditor opens a new filing of kind in the editor and returns its probe.
func (x *screenFixture) newEditor(t testing.TB, kind app.Kind) *probe {
	t.Helper()
	x.u.NewFiling(kind)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	return x.editor(t)
}

// editor returns a probe of the open editor; it fails the test when none
// is open.
func (x *screenFixture) editor(t testing.TB) *probe {
	t.Helper()
	if x.u.editor == nil {
		t.Fatal("no editor open")
	}
	return &probe{e: x.u.editor}
}

// saved waits until the open filing is stored as cond wants it and returns
// the stored copy.
func (x *screenFixture) saved(t testing.TB, what string, cond func(*app.Filing) bool) *app.Filing {
	t.Helper()
	id := x.editor(t).e.f.ID
	var f *app.Filing
	x.eventually(t, what, func() bool {
		f = x.store.stored(id)
		return f != nil && cond(f)
	})
	return f
}

// dialogText returns the text of every label in the topmost dialog.
func (x *screenFixture) dialogText() string {
	top := x.w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	walkRendered(top, func(o fyne.CanvasObject) {
		if s, ok := shownString(o); ok {
			b.WriteString(s + "\n")
		}
	})
	return b.String()
}

// shownString is the text o shows when it is text: a label's rich text
// (inside every label, button and entry) or a paragraph's.
func shownString(o fyne.CanvasObject) (string, bool) {
	switch w := o.(type) {
	case *widget.RichText:
		return w.String(), true
	case *paragraph:
		return w.Text, true
	case *tapLabel:
		return w.Text, true
	}
	return "", false
}

// tapDialogButton taps the button labelled one of texts in the topmost
// dialog.
func (x *screenFixture) tapDialogButton(t testing.TB, texts ...string) {
	t.Helper()
	top := x.w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	var found *widget.Button
	walkRendered(top, func(o fyne.CanvasObject) {
		if b := buttonOf(o); b != nil && found == nil && slices.Contains(texts, b.Text) {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in the dialog", texts)
	}
	test.Tap(found)
}

// buttonOf returns o's button: o itself, or the one a Button embeds;
// nil for other objects.
func buttonOf(o any) *widget.Button {
	switch b := o.(type) {
	case *widget.Button:
		return b
	case *Button:
		return &b.Button
	}
	return nil
}

// walkRendered calls fn for o and everything under it, widgets' renderers
// included.
func walkRendered(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkRendered(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkRendered(c, fn)
		}
	}
}

// tapButton taps the button labelled text inside o.
func tapButton(t testing.TB, o fyne.CanvasObject, text string) {
	t.Helper()
	var found *widget.Button
	walkRendered(o, func(c fyne.CanvasObject) {
		if b := buttonOf(c); b != nil && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	test.Tap(found)
}

// retype replaces the text of an entry as a clerk does: select all, type.
func retype(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}
