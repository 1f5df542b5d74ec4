//go:build dist

package distcheck

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/pe"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// glibcFloor is the newest glibc the Linux client may need: Kylin V10's.
var glibcFloor = [2]int{2, 28}

func distDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("DIST_DIR"); d != "" {
		return d
	}
	d, err := filepath.Abs(filepath.Join("..", "..", "dist"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// needTarget skips the test when scripts/dist did not build target.
func needTarget(t *testing.T, target string) {
	t.Helper()
	list := strings.Fields(os.Getenv("DIST_TARGETS"))
	if len(list) == 0 {
		list = []string{"all"}
	}
	for _, b := range list {
		if b == "all" || b == target || b == "ci" && (target == "linux-amd64" || target == "bureau") {
			return
		}
	}
	t.Skipf("%s was not built (DIST_TARGETS=%q)", target, os.Getenv("DIST_TARGETS"))
}

// buildInfo returns a line's value of dist/BUILDINFO ("version" → "0.1.0+g…").
func buildInfo(t *testing.T, key string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(distDir(t), "BUILDINFO"))
	if err != nil {
		t.Fatalf("no BUILDINFO: run make dist first: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			return v
		}
	}
	t.Fatalf("BUILDINFO has no %q", key)
	return ""
}

// artifact returns the one file of dist/ (or dist/build/…) matching pattern.
func artifact(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(distDir(t), pattern))
	if len(m) != 1 {
		t.Fatalf("want one %s in %s, found %v", pattern, distDir(t), m)
	}
	return m[0]
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func needTool(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Fatalf("%s is needed for this check (apt-get install %s)", n, n)
		}
	}
}

// ---- SHA256SUMS -----------------------------------------------------------

func TestSums(t *testing.T) {
	dir := distDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	listed := map[string]bool{}
	for _, line := range lines {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", line)
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: SHA256SUMS says %s, the file hashes to %x", name, sum, got)
		}
		listed[name] = true
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != "SHA256SUMS" && e.Name() != "BUILDINFO" && !listed[e.Name()] {
			t.Errorf("%s is not in SHA256SUMS", e.Name())
		}
	}
}

// ---- Windows ----------------------------------------------------------------

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// peResources returns the data of every resource of f by type.
func peResources(t *testing.T, f *pe.File) map[uint32][][]byte {
	t.Helper()
	sec := f.Section(".rsrc")
	if sec == nil {
		t.Fatal("no .rsrc section: the program has no icon, version or manifest")
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32][][]byte{}
	u16 := func(o uint32) uint32 { return uint32(binary.LittleEndian.Uint16(data[o:])) }
	u32 := func(o uint32) uint32 { return binary.LittleEndian.Uint32(data[o:]) }
	var walk func(dir uint32, depth int, typ uint32)
	walk = func(dir uint32, depth int, typ uint32) {
		n := u16(dir+12) + u16(dir+14)
		for i := uint32(0); i < n; i++ {
			e := dir + 16 + 8*i
			id, off := u32(e), u32(e+4)
			if depth == 0 {
				typ = id
			}
			if off&0x80000000 != 0 {
				walk(off&0x7fffffff, depth+1, typ)
				continue
			}
			rva, size := u32(off), u32(off+4)
			start := rva - sec.VirtualAddress
			out[typ] = append(out[typ], data[start:start+size])
		}
	}
	walk(0, 0, 0)
	return out
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, r)
	}
	return b
}

func TestWindowsClient(t *testing.T) {
	needTarget(t, "windows")
	exe := artifact(t, "build/windows-amd64/egovdesk.exe")
	f, err := pe.Open(exe)
	if err != nil {
		t.Fatalf("%s is not a PE file: %v", exe, err)
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Fatalf("not PE32+ x86-64 (machine %#x)", f.Machine)
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("subsystem %d, want GUI (%d): a console window would open beside the client", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	// Only DLLs every Windows 10 has. (Go's runtime loads bcryptprimitives.dll
	// for ProcessPrng at start: what Windows 7, 8 and Wine 8 lack.)
	libs, _ := f.ImportedLibraries()
	for _, l := range libs {
		switch strings.ToLower(l) {
		case "kernel32.dll", "user32.dll", "gdi32.dll", "opengl32.dll", "shell32.dll", "msvcrt.dll",
			"advapi32.dll", "ole32.dll", "winmm.dll", "ws2_32.dll", "comdlg32.dll", "shlwapi.dll", "imm32.dll":
		default:
			t.Errorf("egovdesk.exe imports %s, which is not part of every Windows 10 (ship it or drop it)", l)
		}
	}
	res := peResources(t, f)
	if len(res[rtGroupIcon]) == 0 || len(res[rtIcon]) < 5 {
		t.Errorf("icon resources: %d groups, %d images; want the icon with its 5 sizes", len(res[rtGroupIcon]), len(res[rtIcon]))
	}
	if len(res[rtManifest]) != 1 || !bytes.Contains(res[rtManifest][0], []byte("PerMonitorV2")) ||
		!bytes.Contains(res[rtManifest][0], []byte("8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a")) {
		t.Errorf("no manifest declaring per-monitor DPI awareness and Windows 10")
	}
	v := buildInfo(t, "version")
	if len(res[rtVersion]) != 1 || !bytes.Contains(res[rtVersion][0], utf16le(v)) {
		t.Errorf("the version resource does not carry %s", v)
	}
	// The zip holds the same program.
	zr, err := zip.OpenReader(artifact(t, "egovdesk-*-windows-amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	want, _ := os.ReadFile(exe)
	found := false
	for _, zf := range zr.File {
		if zf.Name == "egovdesk/egovdesk.exe" {
			rc, _ := zf.Open()
			var buf bytes.Buffer
			buf.ReadFrom(rc)
			rc.Close()
			found = bytes.Equal(buf.Bytes(), want)
		}
	}
	if !found {
		t.Error("the zip has no egovdesk/egovdesk.exe equal to the build")
	}
}

func TestWindowsInstaller(t *testing.T) {
	needTarget(t, "windows")
	setup := artifact(t, "egovdesk-*-windows-amd64-setup.exe")
	f, err := pe.Open(setup)
	if err != nil {
		t.Fatalf("installer is not a PE file: %v", err)
	}
	f.Close()
	data, _ := os.ReadFile(setup)
	if !bytes.Contains(data, []byte("NullsoftInst")) {
		t.Error("no NSIS data block in the installer")
	}
	exe, _ := os.ReadFile(artifact(t, "build/windows-amd64/egovdesk.exe"))
	if len(data) < len(exe)/5 || len(data) > len(exe) {
		t.Errorf("installer %d bytes for a %d-byte program: not a compressed copy of it", len(data), len(exe))
	}
}

func TestWindowsBureau(t *testing.T) {
	needTarget(t, "windows")
	f, err := pe.Open(artifact(t, "build/windows-amd64/bureau.exe"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if oh, ok := f.OptionalHeader.(*pe.OptionalHeader64); !ok || oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		t.Errorf("bureau.exe is not a 64-bit console program")
	}
	libs, _ := f.ImportedLibraries()
	for _, l := range libs {
		if l := strings.ToLower(l); strings.Contains(l, "msvcrt") || strings.Contains(l, "libgcc") || strings.Contains(l, "ucrt") {
			t.Errorf("bureau.exe imports %s: built with cgo, want CGO_ENABLED=0", l)
		}
	}
	artifact(t, "egov-bureau-*-windows-amd64.zip")
}

// ---- Linux client -------------------------------------------------------------

var glibcVersion = regexp.MustCompile(`GLIBC_(\d+)\.(\d+)(?:\.(\d+))?`)

// maxGlibc returns the highest GLIBC_x.y of a list of version names.
func maxGlibc(names []string) (max [2]int, all []string) {
	for _, n := range names {
		m := glibcVersion.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		all = append(all, m[0])
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a > max[0] || a == max[0] && b > max[1] {
			max = [2]int{a, b}
		}
	}
	return max, all
}

// debDependsOf maps a shared library to the Debian package that provides it.
var debDependsOf = map[string]string{
	"libc.so.6": "libc6", "libm.so.6": "libc6", "libdl.so.2": "libc6", "libpthread.so.0": "libc6",
	"librt.so.1": "libc6", "libresolv.so.2": "libc6", "ld-linux-x86-64.so.2": "libc6", "ld-linux-aarch64.so.1": "libc6",
	"libGL.so.1": "libgl1", "libX11.so.6": "libx11-6", "libXcursor.so.1": "libxcursor1",
	"libXrandr.so.2": "libxrandr2", "libXinerama.so.1": "libxinerama1", "libXi.so.6": "libxi6",
	"libXxf86vm.so.1": "libxxf86vm1", "libwayland-client.so.0": "libwayland-client0",
}

func checkLinuxClient(t *testing.T, arch string, machine elf.Machine) {
	bin := artifact(t, "build/linux-"+arch+"/egovdesk")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != machine || f.Class != elf.ELFCLASS64 {
		t.Fatalf("%s: %v %v, want 64-bit %v", bin, f.Class, f.Machine, machine)
	}
	// What the dynamic loader checks: the version needs (readelf -V), and,
	// as a cross-check, the versions of the imported symbols.
	out := run(t, "readelf", "-V", "--wide", bin)
	var needs []string
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "Name: GLIBC_"); i >= 0 {
			needs = append(needs, strings.Fields(line[i+6:])[0])
		}
	}
	max, all := maxGlibc(needs)
	if max == ([2]int{}) {
		t.Fatalf("readelf -V lists no GLIBC version needs:\n%s", out)
	}
	if max[0] > glibcFloor[0] || max[0] == glibcFloor[0] && max[1] > glibcFloor[1] {
		t.Errorf("%s needs GLIBC_%d.%d (%v); Kylin V10 has glibc %d.%d", arch, max[0], max[1], all, glibcFloor[0], glibcFloor[1])
	}
	syms, err := f.ImportedSymbols()
	if err != nil {
		t.Fatal(err)
	}
	var symVersions []string
	for _, s := range syms {
		symVersions = append(symVersions, s.Version)
	}
	if smax, _ := maxGlibc(symVersions); smax[0] > max[0] || smax[0] == max[0] && smax[1] > max[1] {
		t.Errorf("symbol versions need GLIBC_%d.%d, above the version needs' %d.%d", smax[0], smax[1], max[0], max[1])
	}
	t.Logf("%s client: highest glibc symbol version GLIBC_%d.%d", arch, max[0], max[1])

	// Every library it links is one its packages depend on.
	libs, _ := f.ImportedLibraries()
	deb := artifact(t, fmt.Sprintf("egovdesk_*_%s.deb", arch))
	depends := run(t, "dpkg-deb", "-f", deb, "Depends")
	for _, l := range libs {
		pkg, ok := debDependsOf[l]
		if !ok {
			t.Errorf("the client links %s, which no declared dependency is known to provide (add it to scripts/packaging/linux/nfpm.yaml and this map)", l)
		} else if !regexp.MustCompile(`(^|[ ,|])` + regexp.QuoteMeta(pkg) + `([ ,(]|$)`).MatchString(strings.TrimSpace(depends)) {
			t.Errorf("the client links %s but the .deb does not depend on %s (Depends: %s)", l, pkg, depends)
		}
	}
}

func TestLinuxClientAmd64(t *testing.T) {
	needTarget(t, "linux-amd64")
	needTool(t, "readelf", "dpkg-deb")
	checkLinuxClient(t, "amd64", elf.EM_X86_64)
	// It starts on this machine far enough to say its version.
	out := run(t, artifact(t, "build/linux-amd64/egovdesk"), "--version")
	if v := buildInfo(t, "version"); !strings.HasPrefix(out, "egovdesk "+v+" ("+buildInfo(t, "commit")+")") {
		t.Errorf("egovdesk --version: %q, want egovdesk %s", out, v)
	}
}

func TestLinuxClientArm64(t *testing.T) {
	needTarget(t, "linux-arm64")
	needTool(t, "readelf", "dpkg-deb")
	checkLinuxClient(t, "arm64", elf.EM_AARCH64)
}

// unpack extracts a .deb into a new scratch root and returns it.
func unpack(t *testing.T, deb string) string {
	t.Helper()
	root := t.TempDir()
	run(t, "dpkg", "-x", deb, root)
	return root
}

func checkClientDeb(t *testing.T, arch, debArch string) {
	needTool(t, "dpkg", "dpkg-deb")
	deb := artifact(t, "egovdesk_*_"+debArch+".deb")
	v := buildInfo(t, "version")
	for field, want := range map[string]string{"Package": "egovdesk", "Architecture": debArch, "Version": v + "-1", "Section": "office"} {
		if got := strings.TrimSpace(run(t, "dpkg-deb", "-f", deb, field)); got != want {
			t.Errorf("%s: %s %q, want %q", filepath.Base(deb), field, got, want)
		}
	}
	depends := run(t, "dpkg-deb", "-f", deb, "Depends")
	for _, want := range []string{"libc6 (>= 2.28)", "libgl1", "libx11-6"} {
		if !strings.Contains(depends, want) {
			t.Errorf("Depends lacks %s: %s", want, depends)
		}
	}
	if rec := run(t, "dpkg-deb", "-f", deb, "Recommends"); !strings.Contains(rec, "fonts-noto-cjk") {
		t.Errorf("Recommends names no Chinese fonts: %s", rec)
	}
	contents := run(t, "dpkg", "--contents", deb)
	root := unpack(t, deb)
	for _, p := range []string{"usr/bin/egovdesk", "usr/lib/egovdesk/egovdesk", "usr/share/applications/cn.egovdesk.client.desktop",
		"usr/share/icons/hicolor/512x512/apps/cn.egovdesk.client.png"} {
		if !strings.Contains(contents, "./"+p+"\n") {
			t.Errorf("dpkg --contents lists no %s", p)
		}
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("not unpacked: %v", err)
		}
	}
	launcher, _ := os.ReadFile(filepath.Join(root, "usr/bin/egovdesk"))
	for _, want := range []string{"#!/bin/sh", "XMODIFIERS", "FYNE_PLATFORM=x11", "LC_CTYPE"} {
		if !bytes.Contains(launcher, []byte(want)) {
			t.Errorf("launcher lacks %s", want)
		}
	}
	desktop, _ := os.ReadFile(filepath.Join(root, "usr/share/applications/cn.egovdesk.client.desktop"))
	for _, want := range []string{"Exec=egovdesk\n", "Icon=cn.egovdesk.client\n", "Type=Application\n", "Categories=Office;"} {
		if !bytes.Contains(desktop, []byte(want)) {
			t.Errorf("desktop entry lacks %q", want)
		}
	}
	if _, err := exec.LookPath("desktop-file-validate"); err == nil {
		run(t, "desktop-file-validate", filepath.Join(root, "usr/share/applications/cn.egovdesk.client.desktop"))
	}
	bin, _ := os.ReadFile(filepath.Join(root, "usr/lib/egovdesk/egovdesk"))
	build, _ := os.ReadFile(artifact(t, "build/linux-"+arch+"/egovdesk"))
	if !bytes.Equal(bin, build) {
		t.Error("the packaged client differs from the build")
	}
	if arch == "amd64" {
		// The launcher, as installed, finds and starts the packaged client.
		out := run(t, filepath.Join(root, "usr/bin/egovdesk"), "--version")
		if !strings.HasPrefix(out, "egovdesk "+v) {
			t.Errorf("the installed launcher's egovdesk --version: %q", out)
		}
	}
}

func checkClientRPM(t *testing.T, rpmArch string) {
	needTool(t, "rpm")
	pkg := artifact(t, "egovdesk-*."+rpmArch+".rpm")
	files := run(t, "rpm", "-qpl", pkg)
	for _, p := range []string{"/usr/bin/egovdesk", "/usr/lib/egovdesk/egovdesk", "/usr/share/applications/cn.egovdesk.client.desktop"} {
		if !slices.Contains(strings.Split(files, "\n"), p) {
			t.Errorf("%s lacks %s:\n%s", filepath.Base(pkg), p, files)
		}
	}
	req := run(t, "rpm", "-qp", "--requires", pkg)
	for _, want := range []string{"glibc >= 2.28", "libX11", "libglvnd-glx"} {
		if !strings.Contains(req, want) {
			t.Errorf("%s requires no %s:\n%s", filepath.Base(pkg), want, req)
		}
	}
}

func TestClientPackagesAmd64(t *testing.T) {
	needTarget(t, "linux-amd64")
	checkClientDeb(t, "amd64", "amd64")
	checkClientRPM(t, "x86_64")
}

func TestClientPackagesArm64(t *testing.T) {
	needTarget(t, "linux-arm64")
	checkClientDeb(t, "arm64", "arm64")
	checkClientRPM(t, "aarch64")
}

// ---- bureau -----------------------------------------------------------------

func TestBureauBinaries(t *testing.T) {
	needTarget(t, "bureau")
	v := buildInfo(t, "version")
	for arch, machine := range map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "loong64": elf.EM_LOONGARCH} {
		bin := artifact(t, "bureau-*-linux-"+arch)
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		if f.Machine != machine {
			t.Errorf("%s: %v, want %v", filepath.Base(bin), f.Machine, machine)
		}
		libs, _ := f.ImportedLibraries()
		if len(libs) != 0 || f.Section(".interp") != nil {
			t.Errorf("%s is not static: links %v", filepath.Base(bin), libs)
		}
		f.Close()
	}
	out := run(t, artifact(t, "bureau-*-linux-amd64"), "--version")
	if !strings.HasPrefix(out, "bureau "+v+" ") {
		t.Errorf("bureau --version: %q, want %s", out, v)
	}
}

// systemdRoot is a scratch root with the unpacked bureau .deb and this
// machine's systemd units (the targets the unit refers to).
func systemdRoot(t *testing.T, deb string) string {
	t.Helper()
	root := unpack(t, deb)
	for _, dir := range []string{"/lib/systemd/system", "/usr/lib/systemd/system"} {
		if st, err := os.Lstat(dir); err == nil && st.IsDir() {
			run(t, "cp", "-an", dir+"/.", filepath.Join(root, "lib/systemd/system"))
			break
		}
	}
	return root
}

func TestBureauDeb(t *testing.T) {
	needTarget(t, "bureau")
	needTool(t, "dpkg", "dpkg-deb", "systemd-analyze")
	for _, arch := range []string{"amd64", "arm64", "loong64"} {
		deb := artifact(t, "egov-bureau_*_"+arch+".deb")
		if got := strings.TrimSpace(run(t, "dpkg-deb", "-f", deb, "Architecture")); got != arch {
			t.Errorf("%s: Architecture %s", filepath.Base(deb), got)
		}
	}
	deb := artifact(t, "egov-bureau_*_amd64.deb")
	root := systemdRoot(t, deb)
	for _, p := range []string{"usr/bin/bureau", "lib/systemd/system/egov-bureau.service", "etc/egov-bureau/bureau.env"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("not in the .deb: %v", err)
		}
	}
	ctrl := t.TempDir()
	run(t, "dpkg-deb", "-e", deb, ctrl)
	if b, _ := os.ReadFile(filepath.Join(ctrl, "conffiles")); !strings.Contains(string(b), "/etc/egov-bureau/bureau.env") {
		t.Errorf("bureau.env is not a conffile: an upgrade could overwrite the admin's settings (conffiles: %q)", b)
	}
	for _, s := range []string{"postinst", "prerm", "postrm"} {
		if _, err := os.Stat(filepath.Join(ctrl, s)); err != nil {
			t.Errorf("no %s: %v", s, err)
		}
	}

	// systemd-analyze verify: exit status 0 is not enough (it only warns about
	// unknown settings), so nothing may be printed either.
	out, err := exec.Command("systemd-analyze", "verify", "--root="+root, "egov-bureau.service").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("systemd-analyze verify egov-bureau.service: %v\n%s", err, out)
	}
	out, err = exec.Command("systemd-analyze", "security", "--offline=yes", "--root="+root, "--threshold=25", "egov-bureau.service").CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for egov-bureau.service: (\d+\.\d)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	score, _ := strconv.ParseFloat(string(m[1]), 64)
	if err != nil || score > 2.5 {
		t.Errorf("systemd-analyze security rates the unit %.1f, want ≤ 2.5 (%v)\n%s", score, err, out)
	}
	t.Logf("systemd-analyze security: %.1f", score)
}

// The postinst, run as dpkg would on a first install and on an upgrade, in a
// private mount namespace over copies of /etc and /var/lib: it creates the
// system user and the data directory once, and on the upgrade changes
// nothing the administrator made of them.
func TestBureauPostinst(t *testing.T) {
	needTarget(t, "bureau")
	if os.Geteuid() != 0 {
		t.Skip("needs root for a private mount namespace (unshare --mount)")
	}
	needTool(t, "unshare", "dpkg-deb", "useradd")
	ctrl := t.TempDir()
	run(t, "dpkg-deb", "-e", artifact(t, "egov-bureau_*_amd64.deb"), ctrl)
	etc, varlib := t.TempDir(), t.TempDir()
	run(t, "cp", "-a", "/etc/.", etc)
	script := `set -e
mount --bind "$ETC" /etc
mount --bind "$VARLIB" /var/lib
# Keep the machine's systemd out of it: the postinst only talks to a running one.
if [ -d /run/systemd ]; then mount -t tmpfs tmpfs /run/systemd; fi
# bureau.env as dpkg unpacks it (0644, nfpm's file_info) before the postinst
mkdir -p /etc/egov-bureau && echo 'EGOVDESK_DATABASE=postgres://egov:secret@db/egov' >/etc/egov-bureau/bureau.env
chown root:root /etc/egov-bureau/bureau.env && chmod 0644 /etc/egov-bureau/bureau.env
sh "$CTRL/postinst" configure ""
echo "first: $(getent passwd egov-bureau | cut -d: -f1,6,7) $(stat -c '%U:%G %a' /var/lib/egov-bureau) $(stat -c '%U %a' /var/lib/egov-bureau/downloads) env $(stat -c '%U:%G %a' /etc/egov-bureau/bureau.env)"
chmod 0600 /etc/egov-bureau/bureau.env
# What an administrator and the server made of it.
mkdir /var/lib/egov-bureau/badger
echo data >/var/lib/egov-bureau/badger/MANIFEST
chmod 0700 /var/lib/egov-bureau
chown root /var/lib/egov-bureau/downloads
echo pkg >/var/lib/egov-bureau/downloads/egovdesk.deb
uid=$(id -u egov-bureau)
sh "$CTRL/postinst" configure 0.1.0
echo "upgrade: $(stat -c '%U:%G %a' /var/lib/egov-bureau) $(cat /var/lib/egov-bureau/badger/MANIFEST) $(cat /var/lib/egov-bureau/downloads/egovdesk.deb) $([ "$(id -u egov-bureau)" = "$uid" ] && echo same-uid) env $(stat -c '%a' /etc/egov-bureau/bureau.env)"
`
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "ETC="+etc, "VARLIB="+varlib, "CTRL="+ctrl)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("postinst: %v\n%s", err, out)
	}
	for _, want := range []string{
		// bureau.env may hold the database's password: not world-readable
		"first: egov-bureau:/var/lib/egov-bureau:/usr/sbin/nologin egov-bureau:egov-bureau 750 root 755 env root:egov-bureau 640",
		"upgrade: egov-bureau:egov-bureau 700 data pkg same-uid env 600",
	} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("postinst: want %q in:\n%s", want, out)
		}
	}
}
