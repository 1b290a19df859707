# idlib-events: `make` builds, `make serve` serves, `make test` tests. The first target run creates
# .venv from the pinned requirements.txt; nothing needs installing by hand.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
DB := build/idlib-events.db
HOST ?= 127.0.0.1
PORT ?= 8001
INPUTS := datapackage.json metadata.yml $(wildcard seeds/*.txt seeds/*.csv seeds/reference/* seeds/reference/lexicon/*) \
          $(wildcard scripts/*.py scripts/sql/*.sql)
# Debian's browser, for the browser tests (Playwright drives it; no browser is downloaded).
CHROMIUM := /usr/bin/chromium

.PHONY: build validate test lint evaluate serve publish clean venv

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

build: $(DB)

$(DB): $(STAMP) $(INPUTS)
	$(BIN)/python -m scripts.build --seeds seeds --out build

validate: $(DB)
	$(BIN)/frictionless validate datapackage.json

# Benchmark: the extractor against the gold standard (precision, recall, F1, misses, false hits).
evaluate: $(STAMP)
	$(BIN)/python -m scripts.evaluate

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

serve: $(DB)
	$(BIN)/python -m scripts.serve --build build --host $(HOST) --port $(PORT)

# Dry run for now: prints the deployment command (issue 5 makes it deploy).
publish: validate
	@echo "Would run:"
	@echo "  $(BIN)/datasette publish cloudrun $(DB) -m build/metadata.yml --service idlib-events \\"
	@echo "    --install datasette-cluster-map==0.18.2 --extra-options '--setting sql_time_limit_ms 3000'"

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

clean:
	rm -rf build
