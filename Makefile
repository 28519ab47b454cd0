# Inkwell: `make run` serves the demo site, `make test` runs every check. Every variable below
# can be overridden from the environment (HOST=0.0.0.0 PORT=9000 make run).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
INKWELL_DEMO_CONTENT ?= 1
CHROMIUM ?= /usr/bin/chromium
export HOST PORT

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run install migrate demo test bench lint format browser-deps node-deps clean

run: install migrate
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@if [ "$(INKWELL_DEMO_CONTENT)" != "0" ]; then $(BIN)/python manage.py demo_content; fi
	@echo "Inkwell on http://$(HOST):$(PORT)/  (admin: /admin/, Ctrl-C stops the server and the worker)"
	exec $(BIN)/gunicorn -c config/gunicorn.conf.py

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q ".[dev]"
	touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	$(BIN)/python manage.py demo_content

browser-deps:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=120 chromium; \
	  else echo "Chromium is missing at $(CHROMIUM) and apt-get is not usable: install Debian's chromium." >&2; exit 1; fi; \
	fi

# axe-core and the Nu HTML checker (vnu.jar, run with the machine's Java) for the browser tests.
node-deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

test: install browser-deps node-deps lint
	$(BIN)/pytest

# Speed and memory are measured here, not asserted in timed unit tests: the post page under
# gunicorn against a bare app's ceiling (wrk, installed from Debian when missing), then imports.
# Scale with BENCH_SECONDS, BENCH_RUNS, BENCH_BACKENDS, BENCH_IMPORT_SIZES (see the scripts).
bench: install
	$(BIN)/python tests/bench/serve.py
	$(BIN)/python tests/bench/wxr_import.py

clean:
	rm -rf $(VENV) node_modules var/staticfiles var/test-db.sqlite3*
