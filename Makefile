# Two commands on a fresh machine with Python 3.11 and make:
#   make run    set up, then extract the references of the bundled sample corpus
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SAMPLE  = corpus/sample
OUT     = exports/extract

.PHONY: run test setup lint bench clean

$(BIN)/unkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . pytest hypothesis ruff
	touch $(BIN)/unkg

setup: $(BIN)/unkg

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

clean:
	rm -rf $(VENV) build dist .pytest_cache
