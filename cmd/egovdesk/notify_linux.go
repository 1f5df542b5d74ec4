package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"

	"egovdesk/ui"
)

// The desktop notification service (freedesktop.org Desktop Notifications
// 1.2), which GNOME, KDE, Xfce, UOS/Deepin, Kylin and dunst implement.
const (
	notifyName  = "org.freedesktop.Notifications"
	notifyPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	notifyIface = "org.freedesktop.Notifications"
)

// noticeTimeout is how long a notification stays on screen. Fyne sends
// them with "never expire", so a day's decisions piled up on the clerk's
// screen. Ten seconds is enough to read a headline and a comment's start
// and to click; nothing is lost after it: the inbox keeps every decision,
// the tray and the inbox button count the unread ones, and the desktops keep
// expired notifications in their history.
const noticeTimeout = 10 * time.Second

// dbusNotifier shows notices through org.freedesktop.Notifications with
// the client's name and icon, a default action (clicking the popup) and an
// 打开 button, and opens a notice's filing when the daemon reports that the
// clerk clicked it. A newer notice about the same filing replaces the
// previous one while it is still on screen.
type dbusNotifier struct {
	conn    *dbus.Conn
	icon    string // app_icon: a file:// URI of the client's icon, or ""
	actions bool   // the daemon supports actions

	mu       sync.Mutex
	shown    map[uint32]ui.Notice // the notices on screen, by the daemon's ID
	byFiling map[string]uint32    // the notice on screen about each filing
	signals  chan *dbus.Signal
}

// newDBusNotifier connects the notifier to the notification daemon on conn
// (starting it if the bus can activate it) and listens for its signals
// until conn closes. icon is the path of a PNG of the client's icon ("" for
// none). It fails when no daemon answers; the UI then uses Fyne's
// notifications.
func newDBusNotifier(conn *dbus.Conn, icon string) (*dbusNotifier, error) {
	n := &dbusNotifier{conn: conn, shown: map[uint32]ui.Notice{}, byFiling: map[string]uint32{},
		signals: make(chan *dbus.Signal, 16)}
	if icon != "" {
		n.icon = "file://" + icon
	}
	for _, member := range []string{"ActionInvoked", "NotificationClosed"} {
		if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(notifyPath), dbus.WithMatchInterface(notifyIface),
			dbus.WithMatchMember(member)); err != nil {
			return nil, fmt.Errorf("listen for %s: %w", member, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var caps []string
	if err := conn.Object(notifyName, notifyPath).CallWithContext(ctx, notifyIface+".GetCapabilities", 0).Store(&caps); err != nil {
		return nil, fmt.Errorf("no desktop notification service: %w", err)
	}
	n.actions = slices.Contains(caps, "actions")
	conn.Signal(n.signals)
	go n.listen()
	return n, nil
}

// Notify shows n for noticeTimeout.
func (n *dbusNotifier) Notify(notice ui.Notice) error {
	n.mu.Lock()
	replaces := n.byFiling[notice.FilingID]
	n.mu.Unlock()
	if notice.FilingID == "" {
		replaces = 0
	}
	var actions []string
	if n.actions {
		// "default" is clicking the popup; the second is a button where
		// the daemon shows buttons. Both open the filing.
		actions = []string{"default", ui.T("打开"), "open", ui.T("打开")}
	}
	hints := map[string]dbus.Variant{"urgency": dbus.MakeVariant(byte(1))} // normal
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var id uint32
	err := n.conn.Object(notifyName, notifyPath).CallWithContext(ctx, notifyIface+".Notify", 0,
		ui.T("政务信息化项目申报"), replaces, n.icon, notice.Title, notice.Body, actions, hints,
		int32(noticeTimeout/time.Millisecond)).Store(&id)
	if err != nil {
		return fmt.Errorf("send notification: %w", err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if replaces != 0 && replaces != id {
		delete(n.shown, replaces)
	}
	n.shown[id] = notice
	if notice.FilingID != "" {
		n.byFiling[notice.FilingID] = id
	}
	return nil
}

// listen handles the daemon's signals: a click opens the notice's filing;
// a closed notice is forgotten. Signals about other applications'
// notifications carry IDs this client never got and are ignored.
func (n *dbusNotifier) listen() {
	for sig := range n.signals {
		if sig.Path != notifyPath || len(sig.Body) < 2 {
			continue
		}
		id, ok := sig.Body[0].(uint32)
		if !ok {
			continue
		}
		switch sig.Name {
		case notifyIface + ".ActionInvoked":
			key, _ := sig.Body[1].(string)
			n.mu.Lock()
			notice, ok := n.shown[id]
			n.mu.Unlock()
			if ok && (key == "default" || key == "open") && notice.Open != nil {
				notice.Open()
			}
		case notifyIface + ".NotificationClosed":
			n.forget(id)
		}
	}
}

func (n *dbusNotifier) forget(id uint32) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if notice, ok := n.shown[id]; ok {
		delete(n.shown, id)
		if n.byFiling[notice.FilingID] == id {
			delete(n.byFiling, notice.FilingID)
		}
	}
}

// deskServices are the desktop's services on the session bus that the
// client uses: the notification daemon and the tray host.
type deskServices struct {
	conn      *dbus.Conn
	notifier  *dbusNotifier // nil: Fyne's notifications
	tray      *trayWatch    // nil: the tray host is not followed
	trayShown bool
}

// startDeskServices connects to the session bus on a connection of its own.
// Whatever is missing is logged; the client then works without it.
func startDeskServices(log *slog.Logger, _ string) *deskServices {
	s := &deskServices{}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		log.Warn("no session bus: notifications cannot be clicked, no tray", "err", err)
		return s
	}
	s.conn = conn
	icon, err := writeIcon()
	if err != nil {
		log.Warn("notification icon", "err", err)
	}
	if s.notifier, err = newDBusNotifier(conn, icon); err != nil {
		log.Warn("notifications fall back to Fyne's, which cannot be clicked", "err", err)
	}
	if s.tray, s.trayShown, err = watchTray(conn); err != nil {
		log.Warn("the tray host is not followed", "err", err)
	}
	return s
}

// options sets what the UI needs of the desktop.
func (s *deskServices) options(o *deskOptions) {
	o.tray = s.trayShown
	if s.notifier != nil {
		o.notifier = s.notifier
	}
}

// follow tells u when the tray host appears or leaves.
func (s *deskServices) follow(u *ui.UI) {
	if s.tray != nil {
		s.tray.run(u.SetTrayShown)
	}
}

// Close closes the bus connection.
func (s *deskServices) Close() {
	if s.conn != nil {
		s.conn.Close()
	}
}
