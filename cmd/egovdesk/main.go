// Command egovdesk is the desktop client in which a township's or county
// department's project management commissioner drafts e-government IT project
// filings offline, submits them to the county data bureau when connected and
// follows its decisions.
//
// Usage:
//
//	egovdesk [-data DIR] [-show SCREEN]
//	egovdesk -version
//
// The data directory (env EGOVDESK_DATA) holds the local store, the
// attachment files, the session, the cached rule profile and the login
// token. By default it is %LOCALAPPDATA%\egovdesk on Windows and
// $XDG_CONFIG_HOME/egovdesk (~/.config/egovdesk) elsewhere: local to the
// machine, never a roaming profile.
//
// This is the only package that imports both the store and sync packages and
// Fyne's app package; it wires them into the ui package's interfaces.
package main

import (
	"errors"
	"flag"
	"fmt"
	"fyne.io/fyne/v2/dialog"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/atrest"
	"egovdesk/app/version"
	"egovdesk/assets"
	"egovdesk/ui"
)

func main() {
	data := flag.String("data", os.Getenv("EGOVDESK_DATA"), "data directory (env EGOVDESK_DATA)")
	show := flag.String("show", "", "open a screen at start, for demos and screenshots: inbox, filing:ID, submit:ID (the problem list), timeline:ID")
	showVersion := flag.Bool("version", false, "print the version and exit")
	restore := flag.String("restore", "", "restore a backup file (.egovbak, from 文件 → 备份到文件…) into the data directory, which must hold no filings yet, then start")
	restoreFailed := flag.String("restore-failed", "", "internal: the message of a restore that failed before this start")
	recoveryKey := flag.String("recovery-key", os.Getenv("EGOVDESK_RECOVERY_KEY"), "with -restore: the recovery key of the computer that wrote the backup, when it was another one (设置 → 自动备份 → 显示恢复密钥; env EGOVDESK_RECOVERY_KEY)")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.String("egovdesk"))
		return
	}
	dir := *data
	if dir == "" {
		dir = defaultDataDir()
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// egovdesk://notice/<filing>: a click on a Windows toast starts the
	// program with its link.
	var target string
	if flag.NArg() > 0 {
		var err error
		if target, err = parseLink(flag.Arg(0)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	// A client already running on the data directory shows the window (and
	// the link's filing) instead; this start ends here.
	// Not with -restore, which must not end in another window.
	if *restore == "" {
		if err := handOver(dir, target); err == nil {
			return
		} else if !errors.Is(err, errNoInstance) {
			log.Warn("the running client did not take over", "err", err)
		}
	}
	// Before Fyne starts GLFW, which reads the locale and XMODIFIERS once.
	prepareInputEnv(log)

	a := fyneapp.NewWithID("cn.egovdesk.client")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	a.Settings().SetTheme(ui.NewTheme())
	if err := ui.SetupLanguage(a.Preferences().StringWithFallback(ui.PrefLanguage, ui.LangChinese)); err != nil {
		log.Warn("translations", "err", err)
	}
	// The tray's title is the app's name (not its ID) from the start.
	meta := a.Metadata()
	meta.ID, meta.Name = a.UniqueID(), ui.T("政务信息化项目申报")
	fyneapp.SetMetadata(meta)
	w := a.NewWindow(ui.T("政务信息化项目申报"))
	w.Resize(windowSize)
	w.SetMaster()

	services := startDeskServices(log, dir)
	defer services.Close()
	tray := &trayText{}
	o := deskOptions{log: log, loop: true, trayText: tray.set, files: newFiles(w), focusTick: inputSpotTick(a, w)}
	services.options(&o)
	// 文件 → 从备份恢复…: checked while running, restored once the store is
	// closed, then this program starts again on the restored directory.
	var restoreAfter, restoreAfterKey string
	var d *desk
	o.restore = func(path string) error {
		if err := checkRestorable(path, d.store, o.keys, ""); err != nil {
			return err
		}
		restoreAfter = path
		fyne.Do(a.Quit)
		return nil
	}
	o.restoreRecovery = func(path, key string) error {
		if err := checkRestorable(path, d.store, o.keys, key); err != nil {
			return err
		}
		restoreAfter, restoreAfterKey = path, key
		fyne.Do(a.Quit)
		return nil
	}
	var inst *instanceServer
	started := false
	// open opens the data directory with its keys (after a -restore) and
	// shows the client; false when it cannot (the window says why).
	open := func(keys *atrest.Keys) bool {
		o.keys = keys
		if *restore != "" {
			if err := restoreBackup(*restore, dir, keys, *recoveryKey); err != nil {
				fmt.Fprintln(os.Stderr, "恢复失败："+app.ErrorMessage(err))
				showFatal(w, app.Errorf(app.EINVALID, "从备份恢复失败：%s", app.ErrorMessage(err)))
				return false
			}
			fmt.Fprintf(os.Stderr, "已从 %s 恢复到 %s\n", *restore, dir)
		}
		var err error
		if d, err = openDesk(a, w, dir, o); err != nil {
			log.Error("start", "dir", dir, "err", err)
			showFatal(w, err)
			return false
		}
		d.ui.Start()
		services.follow(d.ui)
		if inst, err = serveInstance(dir, d.ui.Activate, log); err != nil {
			log.Warn("a second start will not find this window", "err", err)
		}
		if *restoreFailed != "" {
			dialog.ShowError(errors.New("从备份恢复失败："+*restoreFailed), w)
		}
		return true
	}
	// shown runs once the window is up and the client open.
	shown := func() {
		if target != "" {
			d.ui.Activate(target)
		}
		if screen := *show; screen != "" {
			// Once the window is shown and laid out, so that a field can be
			// scrolled to (demos and screenshots only).
			time.AfterFunc(time.Second, func() { fyne.Do(func() { d.ui.Show(screen) }) })
		}
	}
	protector := systemProtector(dir)
	keys, ask, err := loadKeys(dir, protector)
	switch {
	case err != nil:
		log.Error("keys", "dir", dir, "err", err)
		showFatal(w, app.Errorf(app.EINVALID, "无法读取本机数据的密钥（%s）：%v", atrest.KeysFile, err))
		w.ShowAndRun()
		os.Exit(1)
	case ask == askNothing:
		if !open(keys) {
			w.ShowAndRun()
			os.Exit(1)
		}
	default:
		// The passphrase (or the recovery key) first: asked in the window,
		// which then becomes the client.
		keyPrompt(w, ask, func(typed string) (*atrest.Keys, error) {
			return answerKeys(dir, protector, ask, typed)
		}, fyne.Do, func(k *atrest.Keys) {
			if open(k) && started {
				shown()
			}
		})
	}
	a.Lifecycle().SetOnStarted(func() {
		fitToScreen(w)
		tray.apply() // Fyne named the tray when it started it
		started = true
		if d != nil {
			shown()
		}
	})
	var once sync.Once
	closeDesk := func() (err error) {
		once.Do(func() {
			if d != nil {
				err = d.Close()
			}
		})
		return err
	}
	stop := exitOnSignal(closeDesk)
	if err := showAndRun(w); err != nil {
		log.Warn("the window's event loop ended in a panic; closing the store all the same", "err", err)
	}
	stop()
	// Before a restart after a restore, which must not hand over to this
	// process on its way out.
	if inst != nil {
		inst.Close()
	}
	if err := closeDesk(); err != nil {
		log.Error("close", "err", err)
		os.Exit(1)
	}
	if restoreAfter != "" {
		args := []string{"--data", dir}
		if err := restoreBackup(restoreAfter, dir, o.keys, restoreAfterKey); err != nil {
			log.Error("restore", "from", restoreAfter, "err", err)
			args = append(args, "--restore-failed", app.ErrorMessage(err))
		}
		if err := startAgain(args); err != nil {
			log.Error("start again after the restore", "err", err)
			os.Exit(1)
		}
	}
}

// startAgain starts this program again with args, detached, as the clerk
// would open it.
func startAgain(args []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Start()
}

// exitOnSignal makes sure SIGINT and SIGTERM end the process with the last
// edit stored. Fyne quits on them too, but its quit can stall (2.8.1 waits
// for queued lifecycle events after the event loop has ended), so after a
// grace period closeDesk runs here and the process exits. The returned
// function stops watching.
func exitOnSignal(closeDesk func() error) (stop func()) {
	sigs := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		select {
		case <-time.After(2 * time.Second):
		case <-done:
			return
		}
		code := 0
		if err := closeDesk(); err != nil {
			code = 1
		}
		os.Exit(code)
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// defaultDataDir returns the machine-local data directory.
func defaultDataDir() string {
	if runtime.GOOS == "windows" {
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "egovdesk")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "egovdesk")
	}
	return "egovdesk-data"
}

// showFatal fills w with why the client cannot start (another window holds
// the data directory, a newer version wrote it…) and a button that quits.
func showFatal(w fyne.Window, err error) {
	msg := app.ErrorMessage(err)
	if app.ErrorCode(err) == "" {
		msg = fmt.Sprintf("无法打开数据目录：%v", err)
	}
	w.Resize(fyne.NewSize(560, 220))
	w.SetContent(container.NewPadded(container.NewBorder(nil,
		container.NewHBox(ui.NewTextButton("退出", widget.HighImportance, w.Close)), nil, nil,
		&widget.Label{Text: "egovdesk 无法启动\n\n" + msg, Wrapping: fyne.TextWrapWord})))
}

// showAndRun runs the window until the app quits. Fyne 2.8.1 panics in
// App.Quit when its settings watcher could not start (inotify exhausted:
// "too many open files"), which would skip storing the last edit and a
// restore chosen in 文件 → 从备份恢复…; the panic is returned instead.
func showAndRun(w fyne.Window) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	w.ShowAndRun()
	return nil
}
