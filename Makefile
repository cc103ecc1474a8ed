# Two commands on a fresh machine with Python 3.11, make and npm:
#   make run    set up the tool, then extract, store, analyse and export the bundled sample corpus
#   make test   set up the tool and the test tools, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SAMPLE  = corpus/sample
OUT     = exports/extract
NET     = exports/network

.PHONY: run test setup setup-test vendor lint bench bench-serve clean

# The tool alone: `make run` needs nothing more. Installing it runs the build hook (hatch_build.py), which fetches
# the front-end libraries with npm (pinned by web/*/package-lock.json, listed in pyproject's [tool.unkg.vendor]) and
# copies them into the package, so that nothing loads from the internet.
$(BIN)/unkg: pyproject.toml hatch_build.py web/vendor.py $(wildcard web/*/package-lock.json)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(BIN)/unkg

# The test and lint tools (pyproject's optional dependencies `test`), and Dask for the cluster's tests
# (`cluster`), for `make test` and `make lint` only.
TESTTOOLS = $(VENV)/.test-tools
$(TESTTOOLS): $(BIN)/unkg
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	touch $(TESTTOOLS)

# A vendored file deleted by hand, or a package-lock.json changed: fetched again (a no-op otherwise).
vendor: $(BIN)/unkg
	$(BIN)/python web/vendor.py

setup: $(BIN)/unkg vendor

setup-test: setup $(TESTTOOLS)

STORE   = build/store

run: setup
	@mkdir -p $(OUT)
	$(BIN)/unkg extract $(SAMPLE) --format jsonl -o $(OUT)/citations.jsonl
	$(BIN)/unkg extract $(SAMPLE) --format human -o $(OUT)/report.txt
	$(BIN)/unkg ingest $(SAMPLE) --store $(STORE) --quiet
	$(BIN)/unkg status --store $(STORE)
	$(BIN)/unkg export --format trig --store $(STORE) -o $(OUT)/graph.trig
	$(BIN)/unkg lineage A/RES/61/165 --store $(STORE)
	$(BIN)/unkg analyse --store $(STORE) --top 8 --lineage A/RES/61/165 --work ICRMW
	@mkdir -p $(NET)
	$(BIN)/unkg export --store $(STORE) --format html -o $(NET)/network.html
	$(BIN)/unkg export --store $(STORE) --format graphml -o $(NET)/network.graphml
	$(BIN)/unkg export --store $(STORE) --format gexf -o $(NET)/network.gexf
	$(BIN)/unkg export --store $(STORE) --format cytoscape -o $(NET)/network.cyjs.json
	$(BIN)/unkg export --store $(STORE) --format csv -o $(NET)/network.csv
	@echo "Report: $(OUT)/report.txt   JSON Lines: $(OUT)/citations.jsonl   Graph: $(OUT)/graph.trig (store: $(STORE))"
	@echo "Query it: $(BIN)/unkg query --store $(STORE)   (lists the stored queries)"
	@echo "Network: open $(NET)/network.html in a browser (works offline); Gephi: $(NET)/network.gexf; Cytoscape: $(NET)/network.cyjs.json"

test: setup-test
	$(BIN)/python -m pytest -q

lint: setup-test
	$(BIN)/ruff check src tests benchmarks

bench: setup-test
	$(BIN)/python benchmarks/extract_throughput.py
	$(BIN)/python benchmarks/network_analysis.py

bench-serve: setup
	$(BIN)/python -m pip install --quiet oxigraph
	$(BIN)/python benchmarks/serve_throughput.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
