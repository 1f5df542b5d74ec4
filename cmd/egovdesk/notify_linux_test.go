package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"egovdesk/assets"
	"egovdesk/ui"
)

// needTools skips the test when a program it needs is not installed.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	var missing []string
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Skipf("needs %s (Debian: apt-get install dbus-daemon dbus-bin dunst xvfb)", strings.Join(missing, ", "))
	}
}

// privateBus starts a session bus of the test's own and returns its address.
//
// The bus starts no service on demand (no servicedir): with the session
// bus's own configuration, a DISPLAY in the environment let it start the
// machine's dunst for org.freedesktop.Notifications, and the test of a bus
// without a notification daemon failed on a desktop (and in a CI started
// from a shell that had one).
func privateBus(t *testing.T) string {
	t.Helper()
	config := filepath.Join(t.TempDir(), "bus.conf")
	if err := os.WriteFile(config, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=`+os.TempDir()+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+config, "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read the bus address: %v", err)
	}
	return strings.TrimSpace(addr)
}

// privateDisplay starts an Xvfb on a free display and returns its name.
func privateDisplay(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	n, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("read Xvfb's display: %v", err)
	}
	return ":" + strings.TrimSpace(n)
}

// connect opens a connection to the bus at addr, closed when the test ends.
func connect(t *testing.T, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to the private bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// waitForName waits until name has an owner on conn's bus.
func waitForName(t *testing.T, conn *dbus.Conn, name string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var has bool
		if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil {
			t.Fatal(err)
		}
		if has {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear on the bus", name)
		}
	}
}

// With a real notification daemon (dunst on a private bus and display):
// the notice arrives with the client's name, icon, a default action and a
// ten-second timeout; a newer notice about the same filing replaces the one
// on screen; and the daemon's action on a notice reaches that notice's Open.
func TestDBusNotifierWithDunst(t *testing.T) {
	needTools(t, "dbus-daemon", "Xvfb", "dunst", "dunstctl", "dbus-send")
	addr := privateBus(t)
	display := privateDisplay(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "dunstrc")
	if err := os.WriteFile(config, []byte("[global]\n    mouse_left_click = do_action, close_current\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr, "DISPLAY="+display)
	dunst := exec.Command("dunst", "-config", config)
	dunst.Env = env
	if err := dunst.Start(); err != nil {
		t.Fatalf("start dunst: %v", err)
	}
	t.Cleanup(func() { _ = dunst.Process.Kill(); _ = dunst.Wait() })
	dunstctl := func(args ...string) {
		t.Helper()
		cmd := exec.Command("dunstctl", args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("dunstctl %v: %v\n%s", args, err, out)
		}
	}

	// What the daemon receives, seen by a bus monitor.
	monitor := connect(t, addr)
	calls := make(chan *dbus.Message, 16)
	if err := monitor.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0,
		[]string{"type='method_call',interface='org.freedesktop.Notifications',member='Notify'"}, uint32(0)).Err; err != nil {
		t.Fatalf("become a monitor: %v", err)
	}
	monitor.Eavesdrop(calls)
	nextCall := func() []any {
		t.Helper()
		for timeout := time.After(5 * time.Second); ; {
			select {
			case m := <-calls:
				// A monitor also gets NameLost for its own name.
				if m.Type == dbus.TypeMethodCall && m.Headers[dbus.FieldMember].Value() == "Notify" {
					return m.Body
				}
			case <-timeout:
				t.Fatal("no Notify call reached the bus")
				return nil
			}
		}
	}

	conn := connect(t, addr)
	waitForName(t, conn, notifyName)
	icon := filepath.Join(dir, "icon.png")
	if err := os.WriteFile(icon, assets.Icon, 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := newDBusNotifier(conn, icon)
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan string, 4)
	notice := func(filing, title string) ui.Notice {
		return ui.Notice{FilingID: filing, Title: title, Body: "数管局已受理，正在审核；有结果会再通知您。",
			Open: func() { opened <- filing }}
	}

	if err := n.Notify(notice("f-1", "《霍邱县智慧社区管理平台》第 1 版：受理")); err != nil {
		t.Fatal(err)
	}
	body := nextCall()
	if len(body) != 8 {
		t.Fatalf("Notify with %d arguments", len(body))
	}
	if body[0] != "政务信息化项目申报" || body[1] != uint32(0) || body[2] != "file://"+icon ||
		body[3] != "《霍邱县智慧社区管理平台》第 1 版：受理" || body[4] == "" || body[7] != int32(10000) {
		t.Fatalf("Notify(%q)", body)
	}
	if actions, _ := body[5].([]string); !slices.Contains(actions, "default") || !slices.Contains(actions, "打开") {
		t.Fatalf("actions %q, want a default action and 打开", body[5])
	}
	n.mu.Lock()
	first := n.byFiling["f-1"]
	n.mu.Unlock()
	if err := n.Notify(notice("f-1", "《霍邱县智慧社区管理平台》第 1 版：初审通过")); err != nil {
		t.Fatal(err)
	}
	if body := nextCall(); body[1] != first {
		t.Fatalf("the newer notice replaces %v, want the one on screen, %d", body[1], first)
	}

	// Once the daemon closed them, they are forgotten; the action on the
	// one on screen opens its filing.
	dunstctl("close-all")
	if err := n.Notify(notice("f-2", "《霍邱县应急指挥平台》第 2 版：受理")); err != nil {
		t.Fatal(err)
	}
	nextCall()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n.mu.Lock()
		left := len(n.shown)
		n.mu.Unlock()
		if left == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notices remembered after dunst closed all but one", left)
		}
	}
	time.Sleep(200 * time.Millisecond) // let dunst show it
	dunstctl("action", "0")
	select {
	case id := <-opened:
		if id != "f-2" {
			t.Fatalf("the action opened %s, want f-2", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("dunst's action did not reach the notice")
	}
}

// Without a notification daemon the notifier fails, so the UI uses Fyne's.
func TestDBusNotifierWithoutDaemon(t *testing.T) {
	needTools(t, "dbus-daemon")
	if _, err := newDBusNotifier(connect(t, privateBus(t)), ""); err == nil {
		t.Fatal("a notifier without a notification daemon")
	}
}

// A tray host that appears after the client started is noticed, and so is
// its leaving.
func TestTrayHostAppearsLater(t *testing.T) {
	needTools(t, "dbus-daemon")
	addr := privateBus(t)
	w, shown, err := watchTray(connect(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	if shown {
		t.Fatal("a tray host on an empty bus")
	}
	changes := make(chan bool, 4)
	w.run(func(b bool) { changes <- b })
	expect := func(want bool) {
		t.Helper()
		select {
		case got := <-changes:
			if got != want {
				t.Fatalf("tray shown %v, want %v", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no change to %v", want)
		}
	}
	host := connect(t, addr)
	if reply, err := host.RequestName(trayWatcherName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v, %v", trayWatcherName, reply, err)
	}
	expect(true)
	if _, err := host.ReleaseName(trayWatcherName); err != nil {
		t.Fatal(err)
	}
	expect(false)

	// A watcher already there when the client starts.
	if _, err := host.RequestName(trayWatcherName, dbus.NameFlagDoNotQueue); err != nil {
		t.Fatal(err)
	}
	if _, shown, err := watchTray(connect(t, addr)); err != nil || !shown {
		t.Fatalf("watcher present: shown %v, %v", shown, err)
	}
}
