# Two commands on a fresh machine with Python 3.11 and make:
#   make run    set up, then extract the references of the bundled sample corpus
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SAMPLE  = corpus/sample
OUT     = exports/extract
NET     = exports/network

.PHONY: run test setup lint bench bench-serve clean

$(BIN)/unkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[cluster]" pytest hypothesis ruff SPARQLWrapper playwright rustworkx
	touch $(BIN)/unkg

# Front-end libraries from npm (versions pinned by each package-lock.json), copied into the package
# so that nothing loads from the internet: the graph libraries inlined into the HTML export (graphology,
# the graph model, and sigma, its WebGL renderer), and the SPARQL editor of `unkg serve`.
GRAPHV   = src/unkg/export/vendor
GRAPHLIB = $(GRAPHV)/sigma.min.js
$(GRAPHLIB): web/graph/package-lock.json
	cd web/graph && npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(GRAPHV) && mkdir -p $(GRAPHV)
	cp web/graph/node_modules/graphology/dist/graphology.umd.min.js web/graph/node_modules/sigma/dist/sigma.min.js $(GRAPHV)/
	cd web/graph && node -p '["graphology", "sigma", "graphology-utils", "events"].map(p => { const j = require("./node_modules/" + p + "/package.json"); return p + " " + j.version + ", " + j.license + " licence, from the npm registry (web/graph)" + (p === "graphology-utils" || p === "events" ? ", bundled in sigma.min.js" : ""); }).join("\n")' > ../../$(GRAPHV)/NOTICE

EDITOR  = web/serve/node_modules/@zazuko/yasgui/build
EDITORV = src/unkg/serve/static/vendor
$(EDITORV)/yasgui.min.js: web/serve/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd web/serve && npm ci --no-audit --no-fund --loglevel=error && cd ../.. && \
	  mkdir -p $(EDITORV) && cp $(EDITOR)/yasgui.min.js $(EDITOR)/yasgui.min.css $(EDITORV)/ && \
	  echo "@zazuko/yasgui $$(node -p 'require("./web/serve/node_modules/@zazuko/yasgui/package.json").version'), MIT licence, from the npm registry (web/serve)" > $(EDITORV)/NOTICE; \
	else echo "npm not found: unkg serve runs without its SPARQL editor"; fi

setup: $(BIN)/unkg $(GRAPHLIB) $(EDITORV)/yasgui.min.js

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

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/extract_throughput.py
	$(BIN)/python benchmarks/network_analysis.py

bench-serve: setup
	$(BIN)/python -m pip install --quiet oxigraph
	$(BIN)/python benchmarks/serve_throughput.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
