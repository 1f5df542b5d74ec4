package main

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// trayWatcherName is the bus name of the tray host on Linux desktops
// (StatusNotifierWatcher), the only kind of tray Fyne's tray supports there.
const trayWatcherName = "org.kde.StatusNotifierWatcher"

// trayWatch follows the tray host's coming and going on the session bus.
type trayWatch struct {
	conn    *dbus.Conn
	signals chan *dbus.Signal
}

// watchTray starts following org.kde.StatusNotifierWatcher on conn and
// reports whether it is there now. It listens before it asks, so that a
// host appearing in between is not missed. Call run to hear of changes.
func watchTray(conn *dbus.Conn) (w *trayWatch, shown bool, err error) {
	err = conn.AddMatchSignal(dbus.WithMatchObjectPath("/org/freedesktop/DBus"), dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, trayWatcherName))
	if err != nil {
		return nil, false, fmt.Errorf("listen for the tray host: %w", err)
	}
	w = &trayWatch{conn: conn, signals: make(chan *dbus.Signal, 16)}
	conn.Signal(w.signals)
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, trayWatcherName).Store(&shown); err != nil {
		conn.RemoveSignal(w.signals)
		return nil, false, fmt.Errorf("ask for the tray host: %w", err)
	}
	return w, shown, nil
}

// run calls shown with true when a tray host appears and false when it
// leaves, until the connection closes. It returns at once.
func (w *trayWatch) run(shown func(bool)) {
	go func() {
		for sig := range w.signals {
			if sig.Name != "org.freedesktop.DBus.NameOwnerChanged" || len(sig.Body) < 3 {
				continue
			}
			if name, _ := sig.Body[0].(string); name != trayWatcherName {
				continue
			}
			owner, _ := sig.Body[2].(string)
			shown(owner != "")
		}
	}()
}
