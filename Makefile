# Verder: `make run` serves the site, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
# The site languages are the folders under locales/ (app/i18n.py LANGUAGES lists the same).
LANGS := $(patsubst locales/%/LC_MESSAGES,%,$(wildcard locales/*/LC_MESSAGES))
POT := locales/messages.pot
PO := $(foreach l,$(LANGS),locales/$(l)/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
EXTRACT := $(BIN)/pybabel extract -F babel.cfg -k N_ -k Nn_:1,2 -k Np_:1c,2 --add-location=file --sort-output \
	--no-wrap -c TRANSLATORS: --project=Verder --copyright-holder="Verder" --msgid-bugs-address="" .

.PHONY: help install run init-db catalogue-check open-data test lint format i18n i18n-extract i18n-update \
	i18n-compile i18n-check clean browser-test

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed ## Create .venv and install the app with its test tools

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -D messages -d locales -l $*

i18n-compile: $(MO) ## Compile the translations (.po -> .mo)

i18n-extract: $(VENV)/.installed ## Extract the messages from code and templates into messages.pot
	$(EXTRACT) -o $(POT)

i18n-update: i18n-extract ## Bring every catalogue up to date with messages.pot
	$(BIN)/pybabel update --no-wrap --ignore-obsolete -D messages -i $(POT) -d locales
	$(BIN)/python scripts/i18n_fill_source.py

i18n: i18n-update i18n-compile ## Extract, update and compile the translations

i18n-check: $(VENV)/.installed ## Fail when a catalogue is out of date with the code
	$(EXTRACT) -o $(VENV)/check.pot >/dev/null
	$(BIN)/pybabel update --check --no-wrap --ignore-pot-creation-date -D messages -i $(VENV)/check.pot -d locales

catalogue-check: $(VENV)/.installed ## Validate the catalogue: errors by file, record and field; stale and unverified records
	$(BIN)/python scripts/catalogue_check.py

open-data: $(VENV)/.installed ## Write the catalogue as Open Referral HSDS 3.0 JSON to var/open-data/
	$(BIN)/python scripts/export_hsds.py

init-db: $(VENV)/.installed ## Prepare the database (embedded SQLite unless DATABASE_URL is set)
	$(BIN)/python -m app.db init

run: install i18n-compile init-db ## Serve the site on http://$(HOST):$(PORT) (HOST, PORT, WORKERS)
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT) --workers $(WORKERS) \
		--loop asyncio --no-access-log --no-server-header --log-config app/log_config.json

test: install i18n-compile ## Run the whole test suite (starts a throwaway PostgreSQL too)
	$(BIN)/python scripts/browser_env.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python -m pytest

browser-test: install i18n-compile ## Run only the browser tests (Debian's Chromium; screenshots in test-output/)
	$(BIN)/python scripts/browser_env.py
	$(BIN)/python -m pytest -m browser

lint: install ## ruff lint and format check, mypy on app/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: bench bench-matching bench-cluster

bench: install i18n-compile ## Benchmark one worker against bare-FastAPI and nginx ceilings, profile it
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_matching.py
	$(BIN)/python scripts/bench_report.py

bench-matching: install i18n-compile ## Matching, start-up and memory with 100 to 2,000 providers
	$(BIN)/python scripts/bench_matching.py
	$(BIN)/python scripts/bench_report.py

bench-cluster: install i18n-compile ## nginx -> two instances -> PostgreSQL on loopback, vs one instance
	$(BIN)/python scripts/bench_cluster.py
	$(BIN)/python scripts/bench_report.py

clean: ## Remove the virtualenv, compiled translations and the local database
	rm -rf $(VENV) var $(MO)
