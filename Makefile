# egovdesk — common tasks. `make help` lists them.

GO        ?= go
# ci: Fyne's headless test driver (no GL needed); migrated_fynedo: the
# threading model declared in FyneApp.toml, which plain `go build` does not read.
TESTTAGS  := ci,migrated_fynedo
BUILDTAGS := migrated_fynedo
BIN       := bin

.PHONY: help check test vet fmt bench bureau run screenshots uitest

help:
	@echo "make check   gofmt + go vet + all tests (what CI runs)"
	@echo "make test    all tests"
	@echo "make bench   benchmarks (results go in docs/benchmarks.md)"
	@echo "make bureau  build the bureau server into $(BIN)/"
	@echo "make run     install what is missing, start a demo bureau and the desktop client"
	@echo "make screenshots  the client's screens under Xvfb into docs/screenshots/"
	@echo "make uitest  drive the real client under Xvfb with xdotool through a clerk's whole job"

check: fmt vet test

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet -tags $(TESTTAGS) ./...

test:
	$(GO) test -tags $(TESTTAGS) -count=1 -timeout 20m ./...

bench:
	$(GO) test -tags $(TESTTAGS) -run '^$$' -bench . -benchmem ./...

bureau:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/bureau ./cmd/bureau

run:
	bash scripts/run-demo

screenshots:
	bash scripts/screenshots

uitest:
	bash scripts/uitest
