# egovdesk — common tasks. `make help` lists them.

GO        ?= go
# ci: Fyne's headless test driver (no GL needed); migrated_fynedo: the
# threading model declared in FyneApp.toml, which plain `go build` does not read.
TESTTAGS  := ci,migrated_fynedo
BUILDTAGS := migrated_fynedo
BIN       := bin

.PHONY: help check test vet fmt bench memory bureau run screenshots

help:
	@echo "make check   gofmt + go vet + all tests (what CI runs)"
	@echo "make test    all tests"
	@echo "make bench   benchmarks (results go in docs/benchmarks.md)"
	@echo "make memory  the real client's start-up time and memory under Xvfb, beside a bare Fyne app (RUNS=5)"
	@echo "make bureau  build the bureau server into $(BIN)/"
	@echo "make run     install what is missing, start a demo bureau and the desktop client"
	@echo "make screenshots  the client's screens under Xvfb into docs/screenshots/"

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

memory:
	bash scripts/memory/run

bureau:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/bureau ./cmd/bureau

run:
	bash scripts/run-demo

screenshots:
	bash scripts/screenshots
