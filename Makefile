# mapsite: `make` builds the tool and the seed site; `make test` runs every test.
GO      ?= go
NPM     ?= npm
VENDOR  := assets/vendor
VENDORED := $(VENDOR)/leaflet.js $(VENDOR)/leaflet.css $(VENDOR)/supercluster.min.js \
	$(VENDOR)/protomaps-leaflet.min.js $(VENDOR)/images/layers.png build/minified/vendor/SUMS

.PHONY: all site test vet gotest e2e bench fuzz vendor clean gazetteer basemap-data

all: mapsite site

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

vendor: $(VENDORED)

$(VENDORED): node_modules/.package-lock.json
	mkdir -p $(VENDOR)/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/
	cp node_modules/leaflet/dist/images/*.png $(VENDOR)/images/
	cp node_modules/supercluster/dist/supercluster.min.js $(VENDOR)/
	cp node_modules/protomaps-leaflet/dist/protomaps-leaflet.js $(VENDOR)/protomaps-leaflet.min.js
	$(GO) run ./scripts/minify -o build/minified
	@touch $(VENDORED)

mapsite: vendor $(shell find . -name '*.go' -not -path './node_modules/*') $(shell find templates assets geo site basemap/data -type f -not -path '*/vendor/*')
	$(GO) build -o mapsite ./cmd/mapsite

site: mapsite
	./mapsite build

test: vet gotest e2e

vet: vendor
	$(GO) vet ./...

gotest: vendor
	MAPSITE_KILLTEST=1 $(GO) test -timeout 30m ./...

e2e: mapsite
	node --test tests/

# Runs each fuzz target for FUZZTIME (go test -fuzz takes one target at a
# time); `make test` runs their seed corpora (testdata/fuzz/ in each package).
FUZZTIME ?= 1m
FUZZ_TARGETS := ./site:FuzzLoad ./site:FuzzSlug ./internal/tomlpos:FuzzScan \
	./internal/tomlfast:FuzzDecode ./internal/tomlfast:FuzzDecodeEdit \
	./incident:FuzzParseDate ./incident:FuzzParseCount ./diag:FuzzPrintable \
	./build:FuzzEscapers ./build:FuzzRecordPage ./build:FuzzAppendString \
	./site:FuzzBlocks ./geo:FuzzNormalize ./geo:FuzzResolve
fuzz: vendor
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s "$${t%%:*}"; \
	done

# make bench prints one table, mapsite against Hugo, for BENCH_N records
# (scripts/bench/run; docs/SCALING.md). Hugo is installed once into
# BENCH_CACHE; BENCH_BROWSER=false leaves out the map's times in Chromium.
# bench-go runs the Go benchmarks (load, geocode, render, write).
BENCH_N       ?= 1000,10000,100000
BENCH_RUNS    ?= 3
BENCH_BROWSER ?= true
BENCH_CACHE   ?= $(HOME)/.cache/mapsite-bench
HUGO          := $(BENCH_CACHE)/bin/hugo

bench: mapsite $(HUGO)
	$(GO) run ./scripts/bench/run -n $(BENCH_N) -runs $(BENCH_RUNS) -browser=$(BENCH_BROWSER) -mapsite ./mapsite -hugo $(HUGO)

$(HUGO):
	GOBIN=$(BENCH_CACHE)/bin $(GO) install github.com/gohugoio/hugo@v0.165.0

bench-go: vendor
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Regenerates the embedded place list from the npm data packages.
gazetteer: node_modules/.package-lock.json
	node scripts/gazetteer/gen.mjs
	$(GO) test ./geo -run 'TestCuratedData|TestDataDigest' -update
	$(GO) test ./geo -run 'TestCuratedFound' -update # after the digest: it names it

# Regenerates the base map's table of country names by language, then the
# embedded base map (outline cell scripts, ranked labels) from world-atlas
# and the gazetteer; go test ./basemap checks that it is up to date.
basemap-data: node_modules/.package-lock.json
	node scripts/basemap/gen.mjs
	$(GO) run ./basemap/gen

clean:
	rm -rf mapsite public $(VENDOR)/*.js $(VENDOR)/*.css $(VENDOR)/*.json $(VENDOR)/images
