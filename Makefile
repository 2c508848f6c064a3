# OpenDPS — `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export OPENDPS_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test test-sqlite test-postgres lint format install assets demo worker clean messages messages-todo

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

# Translations: extract every marked string (Python, pages, emails) into django.pot, merge it
# into the Welsh catalogue (new strings come in empty or as fuzzy guesses to check), compile the
# .mo that ships in the repo, and print how much is translated. Commit the .pot, .po and .mo.
LOCALE := src/opendps/locale
messages: $(STAMP)
	$(BIN)/pybabel extract --project=OpenDPS --copyright-holder=OpenDPS -F babel.cfg --no-wrap --sort-by-file \
	  -k gettext_lazy -k ngettext_lazy:1,2 -k pgettext_lazy:1c,2 -k npgettext_lazy:1c,2,3 \
	  -o $(LOCALE)/django.pot src/opendps
	$(BIN)/pybabel update -i $(LOCALE)/django.pot -d $(LOCALE) -D django -l cy \
	  --no-wrap --ignore-obsolete --init-missing
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D django -l cy

# Lists the Welsh messages still to translate (empty or fuzzy), with where each is used.
messages-todo: $(STAMP)
	@$(BIN)/python -c "from babel.messages.pofile import read_po; \
	c = read_po(open('$(LOCALE)/cy/LC_MESSAGES/django.po', 'rb')); \
	todo = [m for m in c if m.id and ('fuzzy' in m.flags or not all(m.string if isinstance(m.id, (list, tuple)) else [m.string]))]; \
	[print((m.locations or [('', 0)])[0][0], '|', ('FUZZY ' if 'fuzzy' in m.flags else '') + repr(m.id)) for m in todo]; \
	print(len(todo), 'to translate')"

clean:
	rm -rf $(VENV) node_modules var
