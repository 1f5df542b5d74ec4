// Package distcheck holds the checks `make dist-check` runs on the artifacts
// `make dist` (scripts/dist) wrote to dist/: the Windows client is a PE32+
// GUI program with its icon, version and DPI-aware manifest; the Linux client
// needs at most GLIBC_2.28 and only libraries its packages declare; the arm64
// binaries are aarch64; the .deb and .rpm unpack with the desktop entry and
// the launcher; the bureau's binaries are static and its unit passes
// systemd-analyze verify and rates 2.5 or better in systemd-analyze security.
//
// The tests are behind the build tag dist:
//
//	DIST_TARGETS=ci go test -tags dist -count=1 ./scripts/distcheck/
//
// DIST_DIR names the artifacts' directory (default dist/ at the top of the
// module); DIST_TARGETS the targets scripts/dist built (all, or a
// space-separated list of ci, windows, linux-amd64, linux-arm64, bureau): the
// checks of a target not built are skipped, those of a built one fail when an
// artifact is missing.
package distcheck
