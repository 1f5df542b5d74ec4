package main

import "github.com/godbus/dbus/v5"

// trayAvailable reports whether the desktop shows StatusNotifierItem tray
// icons, the only kind Fyne's tray supports on Linux. Without a watcher the
// window must not hide to a tray nobody can see.
func trayAvailable() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
