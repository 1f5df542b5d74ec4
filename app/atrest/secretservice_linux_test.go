package atrest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestSecretService runs TestSecretServiceInside against a real Secret
// Service: gnome-keyring-daemon on a private session bus (dbus-run-session),
// with a throwaway HOME, and once with no bus at all.
func TestSecretService(t *testing.T) {
	for _, bin := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not installed (apt-get install dbus gnome-keyring)", bin)
		}
	}
	run := func(mode string, args ...string) string {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "EGOVDESK_KEYRING_TEST="+mode, "XDG_RUNTIME_DIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestSecretServiceInside") {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		return string(out)
	}
	self := []string{os.Args[0], "-test.run=^TestSecretServiceInside$", "-test.v", "-test.count=1"}
	run("keyring", append([]string{"dbus-run-session", "--", "sh", "-c",
		`echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"`, "sh"}, self...)...)
	cmd := append([]string{"env", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"}, self...)
	run("nobus", cmd...)
}

func TestSecretServiceInside(t *testing.T) {
	switch os.Getenv("EGOVDESK_KEYRING_TEST") {
	case "":
		t.Skip("run by TestSecretService")
	case "nobus":
		if p := SystemProtector("x"); p != nil {
			t.Fatal("no session bus, yet a Secret Service protector")
		}
		return
	}
	dir := t.TempDir()
	p := SystemProtector("store-1")
	if p == nil {
		t.Fatal("gnome-keyring is running, yet no Secret Service protector")
	}
	k, err := Create(dir, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if k.Method != MethodSecretService {
		t.Fatalf("method %q", k.Method)
	}
	got, err := Load(dir, SystemProtector("store-1"))
	if err != nil || !bytes.Equal(got.Data, k.Data) {
		t.Fatalf("Load: %v", err)
	}
	// The keyring was reset: the key is gone, the recovery key still opens.
	if err := keyring.Delete(keyringService, "store-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, SystemProtector("store-1")); !errors.Is(err, ErrKeyGone) {
		t.Fatalf("after the keyring item went: %v, want ErrKeyGone", err)
	}
	if got, err := LoadPassphrase(dir, k.Recovery); err != nil || !bytes.Equal(got.Data, k.Data) {
		t.Fatalf("recovery key: %v", err)
	}
}
