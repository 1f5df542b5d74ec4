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

.PHONY: help check test vet lint fmt bench memory bureau run screenshots imetest uitest

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
# first run, a declaration, wheel scrolling, problem-list jumps, attaching,
# submitting, a return, the offline queue. Results in /tmp/egovdesk-uitest.
uitest:
	bash scripts/uitest
