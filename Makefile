# Consult: the two commands are `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := CONSULT_ENV=$${CONSULT_ENV:-development} $(VENV)/bin/flask --app app
PYTEST_ARGS ?=
#: Test processes (pytest-xdist): each has its own database and Redis db (tests/workers.py); 0 runs in this one.
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadfile
#: The Node reference relay of the live-room benchmark (server.js, package.json).
BENCH_RELAY_DIR ?= ../shared/bench

.DEFAULT_GOAL := help
.PHONY: pdf-libs help run test test-fast lint fmt lock translations i18n migrate demo static bench bench-topics bench-live bench-votes bench-api bench-results bench-log bench-pages chromium clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

.stamp-run: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	@touch $@

.stamp-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $@ .stamp-run

#: pip-compile, as the locks' headers record it; PyPI only, whatever the machine's pip configuration adds.
PIP_COMPILE := PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --index-url=https://pypi.org/simple --no-emit-index-url --no-emit-find-links

lock: .stamp-dev ## recompile the hashed locks requirements.txt and requirements-dev.txt from the .in files
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in

translations: .stamp-run ## compile the message catalogues (.po -> .mo)
	@$(PY) scripts/i18n.py compile >/dev/null

i18n: .stamp-dev ## extract strings and update the catalogues (then translate and run `make translations`)
	$(PY) scripts/i18n.py extract
	$(PY) scripts/i18n.py update
	$(PY) scripts/i18n.py fill-en
	$(PY) scripts/i18n.py check || true

migrate: .stamp-run ## apply the database migrations
	$(FLASK) db upgrade

demo: migrate ## load the demo data (once) and print the demo accounts
	$(FLASK) demo load

static: .stamp-run ## production: build the hashed, gzipped static files (STATIC_BUILD_DIR, default instance/static)
	CONSULT_ENV=production $(VENV)/bin/flask --app app static build

run: .stamp-run translations pdf-libs demo ## install, migrate, load demo data, serve on http://127.0.0.1:5000
	@echo "Serving on http://127.0.0.1:$${PORT:-5000} (Ctrl-C to stop)"
	CONSULT_ENV=$${CONSULT_ENV:-development} $(PY) app.py

#: What WeasyPrint (the notices' PDF) needs from Debian: Pango with its fontconfig backend, HarfBuzz's subsetter,
#: and the CJK fonts it embeds.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk

pdf-libs: ## the Debian libraries of the notices' PDF (Pango, Noto CJK), if missing and if run as root (else: a note)
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list :lang=zh | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES); }; \
	  else echo "Notices print without these; for their PDF: sudo apt-get install $(PDF_PACKAGES)" >&2; fi; }

chromium: ## install the system Chromium, coturn and the PDF libraries (Pango, Noto CJK) used by the tests (Debian), if missing
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium $(PDF_PACKAGES); \
	  else echo "Install Chromium first: sudo apt-get install chromium $(PDF_PACKAGES)" >&2; exit 1; fi; }
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list :lang=zh | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES); }; \
	  else echo "Install the PDF libraries first: sudo apt-get install $(PDF_PACKAGES)" >&2; exit 1; fi; }
	@command -v turnserver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq coturn || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq coturn; }; \
	  else echo "Install coturn first (the video relay test): sudo apt-get install coturn" >&2; exit 1; fi; }

test: .stamp-dev translations chromium ## the whole suite, browser tests included (PostgreSQL/Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set)
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

test-fast: .stamp-dev translations ## the suite without browser and live-server tests
	$(PY) -m pytest $(XDIST) -m "not browser and not live" $(PYTEST_ARGS)

lint: .stamp-dev ## ruff check and format check; import-linter contracts (.importlinter: the architecture)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check consult tests bench scripts app.py
	$(VENV)/bin/lint-imports --no-cache

fmt: .stamp-dev ## format and autofix
	$(VENV)/bin/ruff format consult tests bench scripts app.py
	$(VENV)/bin/ruff check --fix .

bench: .stamp-dev translations ## run the benchmarks in bench/ (not timed tests)
	$(PY) bench/run.py

bench-api: .stamp-dev translations ## the open-data API listing 10,000 published results: ms per page, statements (BENCH_DATABASE_URL: PostgreSQL)
	$(PY) bench/bench_api.py

bench-results: .stamp-dev translations ## the public result page of a consultation with 2,000 participants, 20,000 messages, 5 votes: p50/p95 ms, statements (PostgreSQL)
	$(PY) bench/bench_results.py

bench-log: .stamp-dev translations ## the transparency log: append rate, proofs and full verification of 1,000,000 leaves (BENCH_DATABASE_URL: PostgreSQL)
	$(PY) bench/bench_transparency.py

bench-pages: .stamp-dev translations ## a meeting of 2,000 residents, 20,000 messages: the meeting, room and record pages' p50/p95 ms and statements, and the room's opening (PostgreSQL)
	$(PY) bench/bench_pages.py

bench-live: .stamp-dev translations ## the live room vs the Node relay, 1,000 clients (MODE=calibrate: bare Flask-SocketIO relay)
	BENCH_RELAY_DIR=$(BENCH_RELAY_DIR) MODE=$(MODE) $(PY) -m bench.live $(BENCH_ARGS)

bench-votes: .stamp-dev translations ## 5,000 ballots at once, socket and HTTP, then the close: ballots/s, each counted once (PostgreSQL)
	$(PY) -m bench.votes $(BENCH_ARGS)

clean: ## remove the virtual environment and caches (keeps instance/)
	rm -rf $(VENV) .stamp-run .stamp-dev .pytest_cache .ruff_cache
