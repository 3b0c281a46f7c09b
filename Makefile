# Pathway: `make run` starts the demo, `make test` runs every test, `make check` is what CI runs.
# Each setup step is a file target, so a second run only redoes what changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMPS := .make
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres check lint bench bench-postgres loadtest generate graphs clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/pathway.css: node_modules/.package-lock.json assets/build.mjs assets/scss/application.scss assets/pathway.js
	npm run --silent build

staticfiles/pathway.css: $(STAMPS)/installed static/build/pathway.css
	$(PY) manage.py collectstatic --noinput --verbosity 0

setup: $(STAMPS)/installed static/build/pathway.css staticfiles/pathway.css

run: export PATHWAY_BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) -m bench.generate --demo --seed 1 -v 0
	@echo ""
	@echo "Pathway is starting on http://127.0.0.1:$(PORT)/"
	@echo "Sign in with any of these (password: pathway-demo):"
	@echo "  practitioner@example.org  practitioner2@example.org  manager@example.org"
	@echo "  parent@example.org  parent2@example.org  provider@example.org"
	@echo "  commissioner@example.org  admin@example.org (Django admin)"
	@echo ""
	@$(PY) manage.py run_schedule & schedule=$$!; \
		trap 'kill $$schedule 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup test-sqlite test-postgres

test-sqlite: setup
	@mkdir -p $(STAMPS)
	env -u TEST_DATABASE_URL $(PY) -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: setup
	scripts/with-postgres $(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy workflows $(filter-out workflows/%,$(wildcard */services.py */services/*.py */selectors.py))

check: lint test

# DESIGN §12: BENCH_SCALE=small (default) or large; SQLite unless BENCH_DATABASE_URL is set.
BENCH_SCALE ?= small
bench: setup
	BENCH_SCALE=$(BENCH_SCALE) $(PY) bench/run.py

# The same on the throwaway PostgreSQL that `make test` uses.
bench-postgres: setup
	BENCH_SCALE=$(BENCH_SCALE) BENCH_DATABASE=postgres scripts/with-postgres $(PY) bench/run.py

# DESIGN §12, pages under load: gunicorn with the production settings on the throwaway
# PostgreSQL, 50 simulated users of every role for 3 minutes (Locust), each page's p95 against a
# floor page's. LOADTEST_SCALE=large (default), small, or tiny (a few seconds; `make test` runs it).
LOADTEST_SCALE ?= large
loadtest: setup
	LOADTEST_SCALE=$(LOADTEST_SCALE) scripts/with-postgres $(PY) bench/loadtest/run.py

# Only the data, into the (migrated, not production) database DATABASE_URL names.
BENCH_SEED ?= 1
generate: setup
	$(PY) -m bench.generate --scale $(BENCH_SCALE) --seed $(BENCH_SEED)

graphs: setup
	$(PY) manage.py graph_machines --output docs/machines

clean:
	rm -rf $(VENV) node_modules static/build staticfiles $(STAMPS)
