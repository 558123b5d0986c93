# bookapp — the two commands that matter are `make run` and `make test`.
# Every target works on a clean clone: Go fetches modules, and without
# DATABASE_URL a PostgreSQL cluster is started from the installed binaries.

MODULES     := shared devtools books orders users app archtest
PKGS        := $(addsuffix /...,$(addprefix ./,$(MODULES)))
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GO_TEST     ?= go test -race -count=1

.PHONY: run run-split test test-go webcheck screenshots generate archtest build lint fmt tidy clean help seed bench-books

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: build ## serve on :8080; without DATABASE_URL, with a development cluster in .devdata/ (1,000 demo books the first time)
	./bin/bookapp seed -books 1000 -if-empty -log-level warn
	./bin/bookapp serve

run-split: build ## the split deployment: NATS, a PostgreSQL cluster and a serve process per context (in .splitdata/), on :8081-:8083
	go run ./app/cmd/split

test: webcheck ## start one throwaway PostgreSQL (unless DATABASE_URL is set), run every module's tests with -race (the pages' in Chromium too), then archtest
	go run ./app/cmd/withpg -- $(MAKE) --no-print-directory test-go archtest

# The pages' checks that run on Node.js (html-validate; axe-core runs inside
# Chromium), pinned by devtools/webcheck/package-lock.json. Without npm the
# page tests say how to get it (and fail in CI).
webcheck: ## install html-validate and axe-core into devtools/webcheck (npm ci), once
	@if [ -d devtools/webcheck/node_modules ]; then :; \
	elif command -v npm >/dev/null; then npm ci --prefix devtools/webcheck --no-audit --no-fund; \
	else echo "npm not found: the page tests will skip html-validate and the browser test (Debian: apt-get install nodejs npm chromium)"; fi

test-go:
	$(GO_TEST) $(PKGS)

archtest: ## check the architecture rules on this workspace
	go run ./archtest/cmd/archtest

build: ## build bin/bookapp
	go build -o bin/bookapp ./app/cmd/bookapp

lint: ## gofmt, go vet and staticcheck on every module, each module's build on its own (GOWORK=off), and the generated pages up to date
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@sums() { find $(MODULES) -name '*_templ.go' | sort | xargs sha256sum; }; before=$$(sums); \
	go tool templ generate -path . >/dev/null 2>&1 || { go tool templ generate -path .; exit 1; }; \
	if [ "$$before" != "$$(sums)" ]; then echo "the generated pages (*_templ.go) were not those of their .templ files: make generate rewrote them; commit them"; exit 1; fi
	go vet $(PKGS)
	go run $(STATICCHECK) $(PKGS)
	@for m in $(MODULES); do (cd $$m && GOWORK=off go build ./... && GOWORK=off go vet ./...) || exit 1; done

fmt: ## format every Go file and every .templ file
	gofmt -w $(MODULES)
	go tool templ fmt .

generate: ## the pages' Go code (*_templ.go) from their .templ files, with templ (a tool of the devtools module)
	go tool templ generate -path .

tidy: ## go mod tidy in every module
	@for m in $(MODULES); do (cd $$m && go mod tidy) || exit 1; done

clean: ## remove build output (not the development database in .devdata/)
	rm -rf bin

screenshots: webcheck ## the README's screenshots (docs/images/*.png), taken by the browser test in Chromium
	mkdir -p docs/images
	go run ./app/cmd/withpg -- sh -c 'cd app && BOOKAPP_SCREENSHOTS="$(CURDIR)/docs/images" go test -count=1 -run "^TestBrowserJourneys$$" ./httpapi/'

# Demo data and the book list's benchmark.
BOOKS ?= 1000

seed: build ## top the catalogue up to BOOKS books of demo data (default 1,000); DATABASE_URL or .devdata/
	./bin/bookapp seed -books $(BOOKS)

bench-books: ## seed 100,000 and 500,000 books once into a cluster in .benchdata/, then time list pages (p50, p95)
	cd books && BOOKAPP_BENCH_DIR='$(CURDIR)/.benchdata' go test -v -run '^$$' -bench '^BenchmarkList$$' -benchtime 300x -timeout 60m ./service/listbooks/

# Load tests (scripts/loadtest.sh): a persistent cluster in .loaddata/ (or
# DATABASE_URL) seeded with LOAD_BOOKS books once, bookapp served on
# 127.0.0.1:8089 while k6 (scripts/k6/) loads it and the script reads the
# CPU it costs, then everything stopped.
PROFILE    ?= smoke
PAGE_SIZE  ?= 100
LOAD_BOOKS ?= 100000

.PHONY: loadtest bench-http

loadtest: build bin/k6 ## the shop's scenario on 100,000 books: PROFILE=smoke|load, PAGE_SIZE=100, PPROF=1 for a CPU profile, PERF=1 for PostgreSQL's (perf); fails on missed thresholds
	PROFILE='$(PROFILE)' PAGE_SIZE='$(PAGE_SIZE)' LOAD_BOOKS='$(LOAD_BOOKS)' ./scripts/loadtest.sh scenario

bench-http: build bin/k6 ## req/s, latency and CPU per request of /healthz, pages of 100 and 10, one book and the tags at 50 connections, next to pgbench on the list's SELECT; PPROF=1 for a CPU profile of each, PERF=1 for PostgreSQL's
	LOAD_BOOKS='$(LOAD_BOOKS)' ./scripts/loadtest.sh bench-http

K6_VERSION = v1.8.1
.PHONY: k6
k6: bin/k6 ## build bin/k6 (go.k6.io/k6, pinned) from the Go module proxy, once (about two minutes)
bin/k6:
	GOBIN='$(CURDIR)/bin' go install go.k6.io/k6@$(K6_VERSION)
