package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"egovdesk/app/version"
	"egovdesk/sync/protocol"
)

// Release configures what the bureau says about the desktop client's
// versions: the oldest it accepts and where clerks get a newer one. The zero
// value accepts every version and serves no download page.
type Release struct {
	// MinClientVersion is the oldest client release the API accepts
	// ("0.2.0"; "" for none). A client that sends an older
	// protocol.HeaderClientVersion is refused with protocol.CodeClientOutdated,
	// whose detail names DownloadURL. Requests without the header are not
	// checked.
	MinClientVersion string
	// DownloadDir holds the packages the administrator put there for the
	// clerks (egovdesk-…-setup.exe, .zip, .deb, .rpm). When set, the bureau
	// serves a page listing them at protocol.PathDownloads, and each file
	// below it.
	DownloadDir string
	// DownloadURL is the download page as clerks reach it
	// ("https://sgj.example.gov.cn/download/"). When empty, the page on the
	// address the client used is named.
	DownloadURL string
}

// withRelease puts the client version check in front of the API and adds
// the download page.
func (s *Server) withRelease(api http.Handler) http.Handler {
	rel := s.cfg.Release
	if rel.MinClientVersion == "" && rel.DownloadDir == "" {
		return api
	}
	mux := http.NewServeMux()
	mux.Handle("/", s.checkClientVersion(api))
	if rel.DownloadDir != "" {
		d := &downloads{dir: rel.DownloadDir, min: rel.MinClientVersion, sums: map[string]fileSum{}}
		mux.HandleFunc("GET "+protocol.PathDownloads+"{$}", d.page)
		mux.HandleFunc("GET "+protocol.PathDownloads+"{file}", d.file)
	}
	return mux
}

// checkClientVersion refuses API requests from a client older than
// MinClientVersion.
func (s *Server) checkClientVersion(next http.Handler) http.Handler {
	if s.cfg.Release.MinClientVersion == "" {
		return next
	}
	min, err := version.Parse(s.cfg.Release.MinClientVersion)
	if err != nil { // Open refuses such a configuration
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get(protocol.HeaderClientVersion)
		if got == "" || !strings.HasPrefix(r.URL.Path, protocol.Prefix+"/") {
			next.ServeHTTP(w, r)
			return
		}
		if v, err := version.Parse(got); err == nil && !v.Less(min) {
			next.ServeHTTP(w, r)
			return
		}
		s.log.Info("outdated client refused", "version", got, "min", min.String(), "path", r.URL.Path, "ip", s.clientIP(r))
		s.writeProblem(w, r, &protocol.Problem{
			Title:  "客户端版本过低",
			Status: http.StatusForbidden,
			Code:   protocol.CodeClientOutdated,
			// The action and the address first: a status bar may show only
			// the start of it.
			Detail: fmt.Sprintf("请更新客户端：从 %s 下载安装新版本（数管局要求 %s 或更高，本机为 %s）。"+
				"覆盖安装即可，本机的材料都会保留，待发送的在安装后自动发出",
				s.downloadURL(r), min.String(), got),
		})
	})
}

// downloadURL is the download page as the client that sent r reaches it.
func (s *Server) downloadURL(r *http.Request) string {
	if u := s.cfg.Release.DownloadURL; u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); (p == "https" || p == "http") && s.trusted(hostOnly(r.RemoteAddr)) {
		scheme = p
	}
	return scheme + "://" + r.Host + protocol.PathDownloads
}

// hostOnly is the host of a host:port address.
func hostOnly(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// check reports a minimum version that cannot be read.
func (rel Release) check() error {
	if rel.MinClientVersion == "" {
		return nil
	}
	if _, err := version.Parse(rel.MinClientVersion); err != nil {
		return fmt.Errorf("minimum client version: %w", err)
	}
	return nil
}

// downloads serves the packages in dir.
type downloads struct {
	dir, min string

	mu   sync.Mutex
	sums map[string]fileSum // by name; recomputed when size or time change
}

type fileSum struct {
	size int64
	mod  time.Time
	sum  string
}

// download is one line of the page.
type download struct {
	Name, For, Size, SHA256 string
}

// packageFor names the systems a package file is for, by its name.
func packageFor(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "bureau"):
		return "数管局服务器程序（管理员用，不是客户端）"
	case strings.HasSuffix(n, ".exe") || strings.HasSuffix(n, ".msi"):
		return "Windows 10/11（64 位）安装程序"
	case strings.HasSuffix(n, ".zip") && strings.Contains(n, "windows"):
		return "Windows 10/11（64 位）免安装版，解压后运行"
	case strings.HasSuffix(n, ".deb") && (strings.Contains(n, "arm64") || strings.Contains(n, "aarch64")):
		return "统信 UOS、银河麒麟 V10 等（ARM64：飞腾、鲲鹏），.deb"
	case strings.HasSuffix(n, ".deb"):
		return "统信 UOS、银河麒麟 V10、Debian 等（x86-64：Intel、AMD、兆芯、海光），.deb"
	case strings.HasSuffix(n, ".rpm") && (strings.Contains(n, "arm64") || strings.Contains(n, "aarch64")):
		return "使用 RPM 的系统（ARM64），.rpm"
	case strings.HasSuffix(n, ".rpm"):
		return "使用 RPM 的系统（x86-64），.rpm"
	case strings.Contains(n, "sha256"):
		return "校验值"
	}
	return ""
}

// list returns the regular files of the directory, by name. A symlink
// counts when it points to a file inside the directory (a "latest" name
// for a package); one pointing outside it is neither listed nor served:
// the page is public, and a link to ../keys/… would publish a key.
func (d *downloads) list() ([]download, error) {
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, err
	}
	var out []download
	for _, e := range entries {
		if !servable(e.Name()) {
			continue
		}
		info, err := root.Stat(e.Name())
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		sum, err := d.sum(root, e.Name(), info)
		if err != nil {
			return nil, err
		}
		out = append(out, download{Name: e.Name(), For: packageFor(e.Name()),
			Size: fmt.Sprintf("%.1f MB", float64(info.Size())/(1<<20)), SHA256: sum})
	}
	slices.SortFunc(out, func(a, b download) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// sum returns the SHA-256 of a file, from the cache while it is unchanged.
func (d *downloads) sum(root *os.Root, name string, info os.FileInfo) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.sums[name]; ok && c.size == info.Size() && c.mod.Equal(info.ModTime()) {
		return c.sum, nil
	}
	f, err := root.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	d.sums[name] = fileSum{size: info.Size(), mod: info.ModTime(), sum: sum}
	return sum, nil
}

// servable reports whether name may be served: a plain file name, not hidden.
func servable(name string) bool {
	return name != "" && !strings.HasPrefix(name, ".") && !strings.ContainsAny(name, `/\`) && filepath.Base(name) == name
}

var downloadPage = template.Must(template.New("download").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>egovdesk 客户端下载</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}code{font-size:.8em;word-break:break-all}</style></head>
<body><h1>egovdesk 政务信息化项目申报客户端下载</h1>
{{if .Min}}<p>数管局要求客户端版本不低于 <b>{{.Min}}</b>。</p>{{end}}
<p>支持的系统：Windows 10、Windows 11（64 位）；统信 UOS、银河麒麟 V10 等 Linux 桌面（x86-64 和 ARM64，需 glibc 2.28 及以上）。
不支持 Windows 7 和 Windows 8；龙芯（LoongArch）电脑上的客户端暂不提供。</p>
<p>覆盖安装新版本即可，已填写和待发送的材料保存在本机，不会丢失。</p>
{{if .Files}}<table><tr><th>文件</th><th>适用于</th><th>大小</th><th>SHA-256 校验值</th></tr>
{{range .Files}}<tr><td><a href="{{.Name}}">{{.Name}}</a></td><td>{{.For}}</td><td>{{.Size}}</td><td><code>{{.SHA256}}</code></td></tr>
{{end}}</table>{{else}}<p>管理员尚未放入安装包。</p>{{end}}
</body></html>
`))

func (d *downloads) page(w http.ResponseWriter, r *http.Request) {
	files, err := d.list()
	if err != nil {
		http.Error(w, "下载目录无法读取，请联系数管局管理员", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	downloadPage.Execute(w, struct {
		Min   string
		Files []download
	}{d.min, files})
}

func (d *downloads) file(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !servable(name) {
		http.NotFound(w, r)
		return
	}
	f, err := os.OpenInRoot(d.dir, name) // as list: no symlink out of the directory
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, name, info.ModTime(), f)
}
