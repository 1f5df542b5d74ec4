package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// Options are what New needs.
type Options struct {
	Store Store
	Link  Link
	Excel Excel // nil: no Excel import and export
	Files Files // the desktop's file dialogs; nil: Fyne's
	// Backups keeps a backup in a folder the clerk chose, once a day; nil:
	// settings offer no automatic backup.
	Backups Backups
	// Restore checks that the backup file at path can be restored here (a
	// client with no filings yet) and has the client restore it and open
	// again; nil: 文件 → 从备份恢复… only says how to restore.
	Restore func(path string) error
	// RestoreRecovery is Restore for an encrypted backup of another
	// computer, opened with its recovery key; Restore fails with
	// ErrRecoveryKeyNeeded for one. nil: such a backup cannot be restored
	// from the menu.
	RestoreRecovery func(path, recoveryKey string) error
	// FocusTick runs on the Fyne thread at every look at the focus (see
	// followFocus), for what else follows the text cursor: the input
	// method's candidate window. nil: nothing.
	FocusTick func()
	Profiles  map[string]*app.Profile // the embedded profiles, for working offline
	Now       func() time.Time        // [time.Now]
	// Tray says whether the desktop shows a system tray at start; only
	// while it does does closing the window hide it to the tray. Call
	// UI.SetTrayShown when that changes.
	Tray bool
	// TrayText sets the tray icon's title and tooltip, which Fyne's
	// desktop.App cannot; nil leaves Fyne's title.
	TrayText func(title, tooltip string)
	// Notifier shows the OS notifications of decisions [Fyne's, which cannot
	// be clicked].
	Notifier Notifier
	// SaveDelay is how long an edit may wait before it is stored [500ms].
	SaveDelay time.Duration
	// Rescued are the filings whose edits the last run could not store and
	// kept aside (Store.Rescue), stored at this start: Start tells the clerk.
	Rescued []string
	// RescueWaiting are those whose kept-aside edits the store could not
	// take yet (the disk still full): the editor goes on from them.
	RescueWaiting []string
	// RescueSetAside are those whose kept-aside edits were not saved
	// (saved over since, or the draft deleted): the files stay.
	RescueSetAside []string
	// Do runs a function on the Fyne thread [fyne.Do]. Tests replace it:
	// Fyne's test driver runs fyne.Do at once on the calling goroutine.
	Do func(func())
}

// UI is the client's main window: a navigation bar, the current screen and
// the connection bar. Create it with New, then Start; Stop before the store
// closes.
type UI struct {
	// dependencies
	app        fyne.App
	win        fyne.Window
	store      Store
	link       Link
	excel      Excel
	files      Files
	backups    Backups
	restore    func(path string) error
	focusTick  func()
	profiles   map[string]*app.Profile
	now        func() time.Time
	delay      time.Duration
	retry      time.Duration // how soon a refused save is tried again (saver.retry; 0: its default)
	trayText   func(title, tooltip string)
	notifier   Notifier
	do         func(func()) // every update from a goroutine goes through it
	rescued    []string     // Options.Rescued
	waiting    []string     // Options.RescueWaiting
	setAside   []string     // Options.RescueSetAside
	quitAsking bool         // on the Fyne thread: 退出's question is on the screen (quit)
	saversMu   sync.Mutex
	savers     map[string]*saver // the editors' savers by filing, open or detached (saver.run)

	restoreKey func(path, recoveryKey string) error // Options.RestoreRecovery

	// screens
	bar      *connBar
	home     *homeScreen
	inbox    *inboxScreen
	editor   *editorScreen // the open editor, nil when none
	timeline *timelineScreen
	dossier  *dossierScreen    // the project dossier shown, nil when none (dossier.go)
	drafts   *draftCopiesPanel // the settings' 草稿副本 shown, nil when none (draftcopies.go)
	// keyChange is the settings' warning of a receipt key change shown,
	// nil when 设置 is not (receiptkey.go).
	keyChange *keyChangePanel
	center    *fyne.Container
	inboxBtn  *Button
	tray      *trayMenu

	// refresh state, on the Fyne thread
	refreshing   bool // counts are being read
	refreshAgain bool // refresh was called meanwhile: read again
	// menuProfile is the version of the profile the menu bar's 新建 items
	// were made for (offeredKinds): a new profile makes them again.
	menuProfile string

	// lifetime
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stopMu  sync.Mutex // orders goWait's Add before Stop's Wait
	stopped bool
}

// New builds the main window's content in w. Nothing runs until Start.
func New(a fyne.App, w fyne.Window, o Options) *UI {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Do == nil {
		o.Do = fyne.Do
	}
	if o.SaveDelay <= 0 {
		o.SaveDelay = 500 * time.Millisecond
	}
	if o.Notifier == nil {
		o.Notifier = fyneNotifier{app: a, do: o.Do}
	}
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{notifier: o.Notifier, app: a, win: w, store: o.Store, link: o.Link, excel: o.Excel, files: o.Files, backups: o.Backups, restore: o.Restore, restoreKey: o.RestoreRecovery, focusTick: o.FocusTick, profiles: o.Profiles, now: o.Now,
		delay: o.SaveDelay, trayText: o.TrayText, do: o.Do, rescued: o.Rescued, waiting: o.RescueWaiting, setAside: o.RescueSetAside, ctx: ctx, cancel: cancel}
	u.build()
	u.setTrayShown(o.Tray)
	return u
}

// build makes the window's content and the tray menu in the current
// language.
func (u *UI) build() {
	w := u.win
	u.bar = newConnBar(u)
	u.home = newHomeScreen(u)
	u.inbox = newInboxScreen(u)
	u.timeline = newTimelineScreen(u)
	u.center = container.NewStack()
	u.inboxBtn = newButton(&Button{Button: widget.Button{Text: T("收件箱"), Icon: theme.MailComposeIcon(), OnTapped: u.ShowInbox}})
	newBtn := newButton(&Button{Button: widget.Button{Text: T("新建材料"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance}})
	newBtn.OnTapped = func() { u.showNewMenu(newBtn) }
	nav := newFlow(
		newButton(&Button{Button: widget.Button{Text: T("全部材料"), Icon: theme.HomeIcon(), OnTapped: u.ShowHome}}),
		u.inboxBtn,
		newBtn,
		newButton(&Button{Button: widget.Button{Text: T("设置"), Icon: theme.SettingsIcon(), OnTapped: u.showSettings}}),
	)
	title := &widget.Label{Text: T("政务信息化项目申报"), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	top := container.NewBorder(nil, widget.NewSeparator(), nil, nil, newBar(0, 0, title, nav))
	root := container.NewBorder(top, u.bar.object(), nil, nil, u.center)
	u.bar.root = root
	w.SetContent(root)
	u.menuProfile = profileVersion(u.link.Profile())
	w.SetMainMenu(u.mainMenu())
	w.Canvas().SetOnTypedKey(u.dialogKeys)
	prev := u.tray
	u.tray = newTrayMenu(u, u.trayText)
	if prev != nil {
		u.setTrayShown(prev.shown) // a rebuild in another language keeps it
	}
}

// Start shows the first screen (the first-run choice when no session is
// configured, the filing list otherwise) and starts listening to the store
// and the sync link. Call it on the Fyne thread.
func (u *UI) Start() {
	if u.link.Session().Configured {
		u.ShowHome()
	} else {
		u.show(newSetupScreen(u, true).object())
	}
	u.refresh()
	u.wg.Add(3)
	go u.watchLink()
	go u.watchDecisions()
	go u.followFocus()
	u.store.Subscribe(u.ctx, func() { u.do(u.refresh) })
	if len(u.rescued)+len(u.waiting)+len(u.setAside) > 0 {
		u.tellRescued()
	}
}

// putSaver, takeSaver and dropSaver keep the savers by filing: a new editor
// of a filing takes over the edit its last editor's saver could not store.
func (u *UI) putSaver(id string, s *saver) {
	u.saversMu.Lock()
	defer u.saversMu.Unlock()
	if u.savers == nil {
		u.savers = map[string]*saver{}
	}
	u.savers[id] = s
}

func (u *UI) takeSaver(id string) *saver {
	u.saversMu.Lock()
	defer u.saversMu.Unlock()
	s := u.savers[id]
	delete(u.savers, id)
	return s
}

func (u *UI) dropSaver(id string, s *saver) {
	u.saversMu.Lock()
	defer u.saversMu.Unlock()
	if u.savers[id] == s {
		delete(u.savers, id)
	}
}

// tellRescued says which filings' edits the last run kept aside when the
// disk was full and this start stored, so the clerk looks them over.
func (u *UI) tellRescued() {
	names := func(ids []string) string {
		var out []string
		for _, id := range ids {
			name := T("（未命名）")
			if f, err := u.store.Get(u.ctx, id); err == nil && f.Title() != "" {
				name = shownTitle(u.link.Profile(), f.Kind, f.Title())
			}
			out = append(out, "“"+name+"”")
		}
		return strings.Join(out, "\n")
	}
	var parts []string
	if len(u.rescued) > 0 {
		parts = append(parts, Tf("上次关闭时磁盘空间不足，以下材料最后输入的内容未能存入本机，已另存，现已恢复，请打开核对：\n%s", names(u.rescued)))
	}
	if len(u.waiting) > 0 {
		parts = append(parts, Tf("以下材料上次关闭时未能保存的内容已另存，但磁盘空间仍不足，暂未存入：打开这些材料时会显示另存的内容，有空间后自动保存。请先删除不需要的文件。\n%s", names(u.waiting)))
	}
	if len(u.setAside) > 0 {
		parts = append(parts, Tf("以下材料上次关闭时另存的内容没有恢复，因为之后已有更新的保存，或草稿已删除；另存的文件留在本机数据目录的 store/rescue 文件夹中：\n%s", names(u.setAside)))
	}
	showMessage(T("已恢复未保存的内容"), strings.Join(parts, "\n\n"), u.win)
}

// Stop ends the UI's goroutines, stores the open editor's last edits and
// waits. Call it after the window closed and before the store closes; it
// must not be called on the Fyne thread while an editor is open.
func (u *UI) Stop() {
	u.cancel()
	u.stopMu.Lock()
	u.stopped = true
	u.stopMu.Unlock()
	u.wg.Wait()
}

// Now returns the UI's clock's time.
func (u *UI) Now() time.Time { return u.now() }

// watchLink refreshes the connection bar and the lists after the link changed.
func (u *UI) watchLink() {
	defer u.wg.Done()
	for {
		select {
		case <-u.ctx.Done():
			return
		case <-u.link.Updates():
			u.do(u.refresh)
		}
	}
}

// watchDecisions raises an OS notification for every decision and notice;
// clicking it opens what it is about (openNotice).
func (u *UI) watchDecisions() {
	defer u.wg.Done()
	for {
		select {
		case <-u.ctx.Done():
			return
		case d := <-u.link.Decisions():
			n := u.notice(d)
			if err := u.notifier.Notify(n); err != nil {
				fyne.LogError("notification", err)
				_ = fyneNotifier{app: u.app, do: u.do}.Notify(n)
			}
			u.do(u.refresh)
		}
	}
}

// refresh brings every visible number up to date after the store or the
// link changed. Call it on the Fyne thread: it reads the counts and the
// status off the thread and then shows them, and the screens reload off the
// thread too. Calls while a read is under way make one more read after it,
// so a burst of store notifications costs two reads, not one each.
func (u *UI) refresh() {
	if u.ctx.Err() != nil {
		return
	}
	if u.refreshing {
		u.refreshAgain = true
		return
	}
	u.refreshing = true
	u.goWait(func(ctx context.Context) {
		st := u.link.Status()
		c, err := u.store.Counts(ctx)
		u.do(func() {
			u.refreshing = false
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				fyne.LogError("counts", err)
			}
			u.showCounts(st, c)
			if u.refreshAgain {
				u.refreshAgain = false
				u.refresh()
			}
		})
	})
}

// showCounts shows the status and counts refresh read, and reloads the
// screens shown. It runs on the Fyne thread.
func (u *UI) showCounts(st SyncStatus, c app.Counts) {
	u.bar.update(st, c)
	if v := profileVersion(u.link.Profile()); v != u.menuProfile {
		u.menuProfile = v
		u.win.SetMainMenu(u.mainMenu())
		if u.editor != nil {
			u.editor.profileChanged(u.link.Profile())
		}
	}
	if c.Unread > 0 {
		u.inboxBtn.SetText(fmt.Sprintf(T("收件箱（%d 条未读）"), c.Unread))
		u.inboxBtn.Importance = widget.WarningImportance
	} else {
		u.inboxBtn.SetText(T("收件箱"))
		u.inboxBtn.Importance = widget.MediumImportance
	}
	u.inboxBtn.Refresh()
	u.home.update(c)
	if u.home.shown {
		u.home.reload() // send states and decisions change rows
	}
	u.inbox.reloadIfShown()
	if u.editor != nil {
		u.editor.refreshStateLater()
	}
	u.timeline.reloadIfShown()
	if u.dossier != nil {
		u.dossier.reload() // a decision or a sent filing changes it
	}
	if u.drafts != nil {
		u.drafts.showStatus(st) // the copies went, or failed, while 设置 is open
	}
	if u.keyChange != nil {
		u.keyChange.showStatus(st)
	}
	if u.tray != nil {
		u.tray.update(st, c)
	}
}

// show replaces the center screen.
func (u *UI) show(o fyne.CanvasObject) {
	// What had the keyboard on the screen going away would keep it, gone
	// from the window: keys went nowhere (Enter on the list opened a
	// filing, and PageDown then did not scroll it), or into a hidden field
	// (设置's, inside a form, which pathTo does not enter). So a new screen
	// starts with nothing focused (a button of the window's top bar lets
	// go of the keyboard when pressed), unless a dialog has it.
	c := u.win.Canvas()
	u.center.Objects = []fyne.CanvasObject{o}
	u.center.Refresh()
	if c.Overlays().Top() == nil {
		c.Focus(nil)
	}
}

// leaveEditor closes the open editor; its pending edits are stored in the
// background.
func (u *UI) leaveEditor() {
	if u.editor != nil {
		u.editor.close()
		u.editor = nil
	}
	u.timeline.shown = false
	u.dossier = nil
	u.drafts = nil
	u.keyChange = nil
	u.inbox.shown = false
	u.home.shown = false
}

// ShowHome shows the list of filings.
func (u *UI) ShowHome() {
	u.leaveEditor()
	u.home.shown = true
	u.show(u.home.object())
	u.home.reload()
}

// ShowInbox shows the inbox.
func (u *UI) ShowInbox() {
	u.leaveEditor()
	u.inbox.shown, u.inbox.opened = true, true
	u.show(u.inbox.object())
	u.inbox.reload()
}

// NewDeclaration starts a new project declaration and opens it. The draft is
// stored at once, so it is in the list even if nothing is typed.
func (u *UI) NewDeclaration() {
	s := u.link.Session()
	if !s.Configured {
		u.show(newSetupScreen(u, true).object())
		return
	}
	now := u.now()
	f, err := app.NewFiling(app.KindDeclaration, newID(), newID(), s.UnitID, now)
	if err != nil {
		u.showError(err)
		return
	}
	f.Declaration.PlanYear = u.link.Profile().OpenPlanYear(now)
	f.Declaration.UnitName = s.UnitName
	f.Declaration.UnitCreditCode = s.creditCode()
	if c := s.creditCode(); c != "" {
		// its 3rd to 8th characters are the county (city, district) the
		// unit is registered in (GB 32100): a 霍邱 clerk typed 341522 into
		// every new declaration (a walkthrough)
		f.Declaration.RegionCode = c[2:8]
	}
	f.Declaration.Contact.Person = s.Actor
	u.openEditor(f, true)
}

// OpenFiling opens filing id in the editor of its kind.
func (u *UI) OpenFiling(id string) {
	f, err := u.store.Get(u.ctx, id)
	if err != nil {
		u.showError(err)
		return
	}
	u.openEditor(f, false)
}

// OpenRemark opens filing id in the editor at the field path of a remark
// written on revision revID: its section shown, the field (where its row
// is now) scrolled to and, when it can be edited, focused.
func (u *UI) OpenRemark(id, revID, path string) {
	u.OpenFiling(id)
	if u.editor != nil && u.editor.f.ID == id {
		u.editor.jumpRemark(revID, path)
	}
}

// withdrawer is the Link as a Withdrawer while a bureau is configured, nil
// otherwise: 撤回提交 of a delivered submission asks the bureau.
func (u *UI) withdrawer() Withdrawer {
	if w, ok := u.link.(Withdrawer); ok && u.link.Session().Bureau != "" {
		return w
	}
	return nil
}

func (u *UI) openEditor(f *app.Filing, fresh bool) {
	u.leaveEditor()
	u.editor = newEditorScreen(u, f)
	u.show(u.editor.object())
	// Selecting the first section before the list had its size left it
	// scrolled by part of a row, under a read-only banner most visibly.
	u.editor.secList.ScrollToTop()
	if fresh {
		u.editor.edited()
	}
}

// OpenTimeline shows the timeline of filing id.
func (u *UI) OpenTimeline(id string) {
	u.leaveEditor()
	u.timeline.open(id)
	u.show(u.timeline.object())
}

// showError shows err's Chinese message in a dialog.
func (u *UI) showError(err error) {
	showMessage(T("出错了"), u.named(errorText(err)), u.win)
}

// showSettings shows the language choice and the bureau connection.
func (u *UI) showSettings() {
	u.leaveEditor()
	u.show(newSetupScreen(u, false).object())
}

// showLogin is 设置 for logging in again (the bar's 重新登录): the
// password, the one field to fill, has the keyboard; it had not, and the
// clerk read "本机已连接数管局…" above (found in a clerk's walkthrough after
// the bureau revoked the login).
func (u *UI) showLogin() {
	u.leaveEditor()
	s := newSetupScreen(u, false)
	u.show(s.object())
	s.result.Importance = widget.WarningImportance
	s.result.SetText(T("登录已失效：请输入密码，点“连接数管局”重新登录。待发送的材料在登录后自动发出。"))
	u.win.Canvas().Focus(s.password)
}

// goWait runs fn on a goroutine the UI waits for in Stop; fn gets the
// context Stop cancels.
// After Stop it does nothing: Stop runs off the Fyne thread, and work
// started on the Fyne thread meanwhile must neither race its Wait nor
// outlive it (and reach a closed store).
func (u *UI) goWait(fn func(ctx context.Context)) {
	u.stopMu.Lock()
	defer u.stopMu.Unlock()
	if u.stopped {
		return
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		fn(u.ctx)
	}()
}

// Show opens a screen by name, for demos and screenshots: "inbox",
// "filing:ID", "filing:ID:FIELD" (the editor at a field, e.g. budget),
// "submit:ID" (the editor with the problem list of 检查并提交) or
// "timeline:ID" or "dossier:ID" (a project's dossier), "settings" (设置).
// Unknown names show the list.
func (u *UI) Show(screen string) {
	name, id, _ := strings.Cut(screen, ":")
	switch name {
	case "inbox":
		u.ShowInbox()
		if len(u.inbox.msgs) > 0 {
			u.inbox.list.Select(0)
		}
	case "filing":
		id, field, _ := strings.Cut(id, ":")
		if field == "" {
			u.OpenFiling(id)
		} else {
			u.OpenRemark(id, "", field)
		}
	case "submit":
		u.OpenFiling(id)
		if u.editor != nil {
			u.editor.onSubmit()
		}
	case "timeline":
		u.OpenTimeline(id)
	case "dossier":
		u.OpenDossier(id)
	case "settings":
		u.showSettings()
	default:
		u.ShowHome()
	}
}

// profileVersion is prof's version, "" for none.
func profileVersion(prof *app.Profile) string {
	if prof == nil {
		return ""
	}
	return prof.Version
}
