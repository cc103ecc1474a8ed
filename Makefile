# Two commands on a fresh machine with Python 3.11 and make:
#   make run    set up, then extract the references of the bundled sample corpus
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SAMPLE  = corpus/sample
OUT     = exports/extract

.PHONY: run test setup lint bench bench-serve clean

$(BIN)/unkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . pytest hypothesis ruff SPARQLWrapper playwright
	touch $(BIN)/unkg

# The SPARQL editor of `unkg serve` (YASGUI from npm), copied into the package so nothing loads from the internet.
EDITOR  = web/serve/node_modules/@zazuko/yasgui/build
VENDOR  = src/unkg/serve/static/vendor

$(VENDOR)/yasgui.min.js: web/serve/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd web/serve && npm ci --no-audit --no-fund --loglevel=error && cd ../.. && \
	  mkdir -p $(VENDOR) && cp $(EDITOR)/yasgui.min.js $(EDITOR)/yasgui.min.css $(VENDOR)/ && \
	  echo "@zazuko/yasgui $$(node -p 'require("./web/serve/node_modules/@zazuko/yasgui/package.json").version'), MIT licence, from the npm registry (web/serve)" > $(VENDOR)/NOTICE; \
	else echo "npm not found: unkg serve runs without its SPARQL editor"; fi

setup: $(BIN)/unkg $(VENDOR)/yasgui.min.js

STORE   = build/store

run: setup
	@mkdir -p $(OUT)
	$(BIN)/unkg extract $(SAMPLE) --format jsonl -o $(OUT)/citations.jsonl
	$(BIN)/unkg extract $(SAMPLE) --format human -o $(OUT)/report.txt
	$(BIN)/unkg ingest $(SAMPLE) --store $(STORE) --quiet
	$(BIN)/unkg status --store $(STORE)
	$(BIN)/unkg export --format trig --store $(STORE) -o $(OUT)/graph.trig
	$(BIN)/unkg lineage A/RES/61/165 --store $(STORE)
	@echo "Report: $(OUT)/report.txt   JSON Lines: $(OUT)/citations.jsonl   Graph: $(OUT)/graph.trig (store: $(STORE))"
	@echo "Query it: $(BIN)/unkg query --store $(STORE)   (lists the stored queries)"

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/extract_throughput.py

bench-serve: setup
	$(BIN)/python -m pip install --quiet oxigraph
	$(BIN)/python benchmarks/serve_throughput.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
