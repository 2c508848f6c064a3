# OpenDPS — `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export OPENDPS_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test test-sqlite test-postgres lint format install assets demo worker clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(STAMP) node_modules/.package-lock.json

assets: node_modules/.package-lock.json

# `make run PORT=8001` serves on another port; links in emails and the open data follow it.
PORT ?= 8000
run: export OPENDPS_SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/opendps migrate --no-input
	$(BIN)/opendps demo
	@echo "OpenDPS is starting on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/opendps serve --host 127.0.0.1 --port $(PORT) --workers 3

worker: install
	$(BIN)/opendps worker

# The suite runs on SQLite, then again on PostgreSQL; browser tests run once, in Chromium.
# Without PostgreSQL or Chromium those parts are skipped with a clear message, unless CI=true
# (or OPENDPS_REQUIRE_ALL=1), when they fail instead.
test: install
	$(BIN)/python -m opendps.testing.run --postgres-url '$(PG_URL)'

test-sqlite: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/mypy src/opendps

format: install
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

clean:
	rm -rf $(VENV) node_modules var
