# bookapp — the two commands that matter are `make run` and `make test`.
# Every target works on a clean clone: Go fetches modules, and without
# DATABASE_URL a PostgreSQL cluster is started from the installed binaries.

MODULES     := shared books orders users app archtest
PKGS        := $(addsuffix /...,$(addprefix ./,$(MODULES)))
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GO_TEST     ?= go test -race -count=1

.PHONY: run test test-go archtest build lint fmt tidy clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: build ## serve on :8080; without DATABASE_URL, with a development cluster in .devdata/
	./bin/bookapp serve

test: ## start one throwaway PostgreSQL (unless DATABASE_URL is set), run every module's tests with -race, then archtest
	go run ./app/cmd/withpg -- $(MAKE) --no-print-directory test-go archtest

test-go:
	$(GO_TEST) $(PKGS)

archtest: ## check the architecture rules on this workspace
	go run ./archtest/cmd/archtest

build: ## build bin/bookapp
	go build -o bin/bookapp ./app/cmd/bookapp

lint: ## gofmt, go vet and staticcheck on every module, and each module's build on its own (GOWORK=off)
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet $(PKGS)
	go run $(STATICCHECK) $(PKGS)
	@for m in $(MODULES); do (cd $$m && GOWORK=off go build ./... && GOWORK=off go vet ./...) || exit 1; done

fmt: ## format every Go file
	gofmt -w $(MODULES)

tidy: ## go mod tidy in every module
	@for m in $(MODULES); do (cd $$m && go mod tidy) || exit 1; done

clean: ## remove build output (not the development database in .devdata/)
	rm -rf bin
