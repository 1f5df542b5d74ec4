package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// An outdated client is refused with a problem that names the version
// required and the download page, and the real client keeps its request for
// later instead of giving it up; a current client and a request without a
// version (curl, scripts) go through.
func TestMinimumClientVersion(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) {
		c.Release = server.Release{MinClientVersion: "0.2.0", DownloadDir: t.TempDir()}
	})
	ctx := context.Background()
	login := func(v string) error {
		c, err := client.New(ctx, fx.http.URL, client.Options{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Login(ctx, "clerk-a", password)
		return err
	}

	err := login("0.1.9")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusForbidden || ce.Code() != protocol.CodeClientOutdated {
		t.Fatalf("0.1.9 against a minimum of 0.2.0: %v", err)
	}
	msg := client.Message(err)
	for _, want := range []string{"0.1.9", "0.2.0", fx.http.URL + "/download/", "请更新客户端"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the clerk reads %q; want it to name %q", msg, want)
		}
	}
	if client.Classify(err) != client.ClassRetry {
		t.Errorf("class %v: the syncer would give up the clerk's queued revisions", client.Classify(err))
	}
	for _, v := range []string{"0.2.0", "0.10.0", "1.0.0-3-gabc", ""} {
		if err := login(v); err != nil {
			t.Errorf("client %q refused: %v", v, err)
		}
	}
	if err := login("dev"); client.ProblemCode(err) != protocol.CodeClientOutdated {
		t.Errorf("a client whose version cannot be read: %v, want client_outdated", err)
	}
	// Not the API: the health check and the download page stay reachable.
	for _, path := range []string{protocol.PathHealth, protocol.PathDownloads} {
		req, _ := http.NewRequest("GET", fx.http.URL+path, nil)
		req.Header.Set(protocol.HeaderClientVersion, "0.0.1")
		resp, err := fx.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s from an old client: %d", path, resp.StatusCode)
		}
	}
}

func TestMinimumClientVersionUnreadable(t *testing.T) {
	_, err := server.Open(context.Background(), server.Config{DataDir: t.TempDir(), Release: server.Release{MinClientVersion: "two"}})
	if err == nil {
		t.Fatal("a bureau opened with the minimum client version \"two\"")
	}
}

// The download page lists the packages the administrator put in the
// directory, with what each is for and its SHA-256, and serves them; nothing
// else of the file system is reachable through it.
func TestDownloadPage(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"egovdesk-0.2.0-windows-amd64-setup.exe": "MZ installer",
		"egovdesk_0.2.0_arm64.deb":               "deb arm64",
		"egov-bureau_0.2.0_amd64.deb":            "bureau",
		".hidden":                                "not listed",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("secret"), 0o600)
	// A "latest" link to a package in the directory is served; a link out
	// of it (found from outside: keys.zip -> ../keys/receipt-sm2.key) is not.
	if err := os.Symlink("egovdesk_0.2.0_arm64.deb", filepath.Join(dir, "egovdesk_latest_arm64.deb")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "keys.zip")); err != nil {
		t.Fatal(err)
	}
	fx := MustBureau(t, func(c *server.Config) { c.Release = server.Release{DownloadDir: dir} })

	get := func(path string) (int, string, http.Header) {
		resp, err := fx.client.Get(fx.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	status, page, _ := get(protocol.PathDownloads)
	if status != http.StatusOK {
		t.Fatalf("download page: %d %s", status, page)
	}
	for _, want := range []string{
		`href="egovdesk-0.2.0-windows-amd64-setup.exe"`, "Windows 10/11（64 位）安装程序",
		`href="egovdesk_0.2.0_arm64.deb"`, "ARM64",
		`egov-bureau_0.2.0_amd64.deb</a></td><td>数管局服务器程序（管理员用，不是客户端）`,
		"不支持 Windows 7",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("download page lacks %q:\n%s", want, page)
		}
	}
	if sum := sha256.Sum256([]byte("deb arm64")); !strings.Contains(page, hex.EncodeToString(sum[:])) {
		t.Errorf("download page lacks the SHA-256 of the .deb:\n%s", page)
	}
	if strings.Contains(page, "hidden") || strings.Contains(page, `href="sub"`) || strings.Contains(page, "keys.zip") {
		t.Errorf("download page lists a hidden file, a directory or a link out of the directory:\n%s", page)
	}
	if !strings.Contains(page, `href="egovdesk_latest_arm64.deb"`) {
		t.Errorf("download page lacks the link to a package in the directory:\n%s", page)
	}
	if status, body, _ := get(protocol.PathDownloads + "egovdesk_latest_arm64.deb"); status != http.StatusOK || body != "deb arm64" {
		t.Errorf("a link to a package in the directory: %d %q", status, body)
	}
	status, body, h := get(protocol.PathDownloads + "egovdesk_0.2.0_arm64.deb")
	if status != http.StatusOK || body != "deb arm64" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Errorf("package: %d %q %v", status, body, h)
	}
	for _, bad := range []string{".hidden", "sub", "keys.zip", "..%2f" + filepath.Base(filepath.Dir(secret)) + "%2fsecret", "nonexistent.deb"} {
		if status, body, _ := get(protocol.PathDownloads + bad); status == http.StatusOK {
			t.Errorf("GET /download/%s served %q", bad, body)
		}
	}
}
