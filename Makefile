# egovdesk — common tasks. `make help` lists them.

GO        ?= go
# ci: Fyne's headless test driver (no GL needed); migrated_fynedo: the
# threading model declared in FyneApp.toml, which plain `go build` does not read.
# The client is built with no_emoji: Fyne's colour emoji font (4 MB) is parsed
# once per text style, ~10 MB of heap for characters no form needs (an emoji a
# clerk pastes is drawn from a system font); docs/benchmarks.md.
TESTTAGS  := ci,migrated_fynedo
BUILDTAGS := migrated_fynedo,no_emoji
BIN       := bin

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help check test vet lint fmt bench memory bureau run screenshots imetest uitest docx-check console-test console-screenshots

help:
	@echo "make check   gofmt + go vet + staticcheck + all tests (what CI runs)"
	@echo "make test    all tests"
	@echo "make bench   benchmarks (results go in docs/benchmarks.md)"
	@echo "make memory  the real client's start-up time and memory under Xvfb, beside a bare Fyne app (RUNS=5)"
	@echo "make bureau  build the bureau server into $(BIN)/"
	@echo "make run     install what is missing, start a demo bureau and the desktop client"
	@echo "make screenshots  the client's screens under Xvfb into docs/screenshots/"
	@echo "make imetest pinyin typed through a real fcitx5 into the real client under Xvfb (docs/ime.md)"
	@echo "make uitest  drive the real client under Xvfb with xdotool through a clerk's whole job"
	@echo "make docx-check  the Word export converted by LibreOffice headless, its text checked"
	@echo "make console-test  drive the bureau's review console in a headless Chromium (apt: chromium)"
	@echo "make console-screenshots  the review console's pages at 1366x768 into docs/screenshots/"
	@echo "make dist    Windows/Linux client packages and bureau binaries/.deb into dist/ (scripts/dist)"
	@echo "make dist-check  check what make dist built (PE, glibc floor, .deb/.rpm, systemd unit)"
	@echo "make dist-ci     what CI builds and checks: the Linux amd64 client packages, the bureau and its .deb"
	@echo "make dist-repro  build again and compare with dist/SHA256SUMS (reproducible builds)"
	@echo "make bureau-pg   the bureau's tests and the crash/fault tests on PostgreSQL (a throwaway cluster)"
	@echo "make store-conformance  the storage conformance suite on Badger and PostgreSQL"
	@echo "make xlsx-roundtrip  catalogue spreadsheets through LibreOffice and back"
	@echo "make xlsx-print  the first printed page of a catalogue export into docs/catalogue-print.png"

check: fmt vet lint test

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet -tags $(TESTTAGS) ./...

# staticcheck at a pinned version, fetched by the go command like a module.
lint:
	$(GO) run $(STATICCHECK) -tags $(TESTTAGS) ./...

test:
	$(GO) test -tags $(TESTTAGS) -count=1 -timeout 20m ./...

bench:
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchmem ./...

memory:
	bash scripts/memory/run

bureau:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/bureau ./cmd/bureau

run:
	bash scripts/run-demo

screenshots:
	bash scripts/screenshots

# Chinese input through a real input method: Xvfb + D-Bus + fcitx5 (pinyin),
# xdotool types into the real client; checks what the client saved.
# Needs xvfb xdotool fcitx5 fcitx5-chinese-addons dbus-x11 imagemagick locales jq.
# Screenshots and the client's log go to bin/imetest/.
imetest:
	bash scripts/imetest

# The clerk's whole job in the real client under Xvfb, driven by xdotool:
# first run, a declaration (its Chinese typed through fcitx5's pinyin, the rig
# of imetest), wheel scrolling, problem-list jumps, attaching,
# submitting, a return, the offline queue. Results in /tmp/egovdesk-uitest.
uitest:
	bash scripts/uitest

# Catalogue spreadsheets through LibreOffice (issue 17): an export saved as
# .ods and back as .xlsx imports identically, and prints on the pages
# expected. Needs libreoffice-calc-nogui and poppler-utils; fails (instead
# of skipping, as `make test` does) when they are missing.
.PHONY: xlsx-roundtrip xlsx-print
xlsx-roundtrip:
	EGOVDESK_NEED_SOFFICE=1 $(GO) test -tags $(TESTTAGS) -count=1 -run 'LibreOffice' -v ./app/xlsx/

# The first printed page of an export, rendered by LibreOffice and pdftoppm
# at 150 dpi, into docs/catalogue-print.png (16 greys, with imagemagick).
xlsx-print:
	EGOVDESK_NEED_SOFFICE=1 EGOVDESK_PRINT_PNG=$(CURDIR)/docs/catalogue-print.png \
		$(GO) test -tags $(TESTTAGS) -count=1 -run 'TestLibreOfficePrint' -v ./app/xlsx/
	convert docs/catalogue-print.png -colorspace Gray -depth 4 docs/catalogue-print.png

# The declaration's Word export (app/docx) converted to PDF by LibreOffice
# headless and its text checked with pdftotext. Needs libreoffice-writer-nogui
# and poppler-utils; `make check` runs it too but skips it without soffice.
docx-check:
	@command -v soffice >/dev/null || { echo "docx-check needs soffice (apt install libreoffice-writer-nogui)"; exit 1; }
	$(GO) test -count=1 -run 'TestLibreOfficeReadsIt' -v ./app/docx

# The bureau's review console in a real headless Chromium (chromedp): log in,
# queue, a filing with its PDF, a return that reaches the clerk's feed, a
# stale decision refused. Needs the distribution's chromium; skips without it.
console-test:
	$(GO) vet -tags $(TESTTAGS),browser ./sync/server/
	$(GO) test -tags $(TESTTAGS),browser -count=1 -run 'Console' ./sync/server/

console-screenshots:
	CONSOLE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags $(TESTTAGS),browser -count=1 -run 'ConsoleBrowser' ./sync/server/

# Release artifacts into dist/ (README "Install"): the Windows client (.zip and
# NSIS installer) and bureau, the Linux client for amd64 and arm64 against
# glibc 2.28 (.deb, .rpm), the static bureau for linux amd64/arm64/loong64 and
# its .deb, SHA256SUMS. Tools are fetched at pinned versions into
# ~/.cache/egovdesk-dist (DIST_CACHE). Needs gcc-mingw-w64-x86-64 nsis zip rpm
# npm. Cold, the Windows client alone takes 10-40 minutes on 2 cores (cgo
# compiling go-gl with mingw); warm, the whole of it about 4 minutes.
.PHONY: dist dist-check dist-ci dist-repro
dist:
	bash scripts/dist all

# Checks on the artifacts themselves (scripts/distcheck, build tag dist):
# DIST_TARGETS says what was built (all, or e.g. "ci windows").
DIST_TARGETS ?= all
dist-check:
	DIST_TARGETS="$(DIST_TARGETS)" $(GO) test -tags dist -count=1 -v ./scripts/distcheck/

# The same commit gives the same bytes: build DIST_REPRO_TARGETS again into
# dist/repro and compare with dist/SHA256SUMS (run after make dist or dist-ci).
DIST_REPRO_TARGETS ?= ci
dist-repro:
	rm -rf dist/repro
	DIST_OUT=$(CURDIR)/dist/repro bash scripts/dist $(DIST_REPRO_TARGETS)
	@if grep -vxFf dist/SHA256SUMS dist/repro/SHA256SUMS; then \
		echo "dist-repro: the artifacts above differ from dist/ (same commit)"; exit 1; fi
	@echo "dist-repro: $$(wc -l <dist/repro/SHA256SUMS) artifacts identical to dist/"

# What CI builds and checks on every run: the Linux amd64 client packages and
# the bureau binaries and .deb.
dist-ci:
	bash scripts/dist ci
	DIST_TARGETS=ci $(GO) test -tags dist -count=1 -v ./scripts/distcheck/

# The bureau's storage seam: the conformance suite (sync/server/storetest)
# on every implementation in the tree (seconds; also part of `make test`).
.PHONY: store-conformance
store-conformance:
	$(GO) test -tags $(TESTTAGS) -count=1 -run 'Conformance' ./sync/server/...

# The bureau on PostgreSQL (a throwaway cluster the tests start; apt:
# postgresql), about two minutes: the HTTP layer's whole test suite with
# every fixture's records in PostgreSQL (but for the tests of Badger's own
# index rebuilds and damaged index, backup stream, commit grouping and
# reopening a directory), then the SIGKILL crash tests, the fault-proxy
# test and the restores on a fresh machine (killed, and through a faulty
# network) of sync/e2e. The conformance suite, the migration and the
# two-process test on PostgreSQL are part of `make test`.
PG_BADGER_ONLY := TestCountedReadsAreRecordedAtStop|TestConcurrentSubmitsShareCommits|TestConsoleIndexesAnOlderStore|TestOnlineBackupUnderLoad|TestChangesPageAndSurviveRestart|TestConsoleOverviewCountsFollowTheQueue|TestConsoleSimilarFollowsRevisionsAndOldStores|TestConsoleFilingPageWithoutSimilarIndex
.PHONY: bureau-pg
bureau-pg:
	EGOVDESK_TEST_STORE=postgres $(GO) test -tags $(TESTTAGS) -count=1 -timeout 15m -skip '$(PG_BADGER_ONLY)' ./sync/server/
	EGOV_E2E_STORE=postgres $(GO) test -tags $(TESTTAGS) -count=1 -timeout 15m \
		-run 'TestServerCrash|TestFaultProxy|TestClientCrash|TestUploadFinishedAtKillResumes|TestChecksumMismatchAfterNetworkFaultsIsRetried|TestUploadStreamsChunks|TestRestoreOnAFreshMachine|TestRestoreThroughAFaultyNetwork|TestDraftsOnTwoMachines|TestDraftCopyWaitsForThePause|TestDraftTooBigForTheBureau|TestLifecycleFilingsThroughTheBureau|TestTianningProjectToItsAcceptanceFiling' ./sync/e2e/
