# eduboard: `make demo` runs the system with demonstration data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# `make demo BOARDS=2` adds a second board, a learner who moved between the two and a ministry user.
BOARDS ?= 1
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3
PG_DEFAULT_URL := postgres://postgres@127.0.0.1:5432/eduboard
# Both cores: pytest-xdist runs the tests in two processes, each with its own test database, a whole file at a time,
# the slowest files first (tests/scheduling.py; --no-loadscope-reorder: in that order, not by their number of tests).
# --durations: each pass ends with its 25 slowest test phases of 5 s or more, so CI's record says where the run's
# time goes (it must stay well inside 90 minutes).
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder --durations=25 --durations-min=5

.PHONY: setup demo serve cluster cluster-stop test lint typecheck pytest-sqlite pytest-postgres messages schemathesis figures-search backup restore

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	# Make src/ importable from anywhere in the venv (gunicorn eduboard.wsgi, python -m ...).
	echo "$(CURDIR)/src" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/eduboard-src.pth"
	touch $@

# The npm tools tests/browser/test_standards.py runs (vnu-jar, axe-core; pinned in package-lock.json). The Java the
# checker needs is the machine's, so vnu-jar's install script (which would fetch a JDK) is not run.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent --ignore-scripts && touch $@; \
	else echo "npm is missing: the HTML and accessibility checks (tests/browser/test_standards.py) will be skipped."; fi

setup: $(VENV)/.installed node_modules/.installed
	@./scripts/system-deps.sh
	@mkdir -p var
	$(PY) manage.py compilemessages --verbosity 0 --ignore ".venv" --ignore "var" --ignore "node_modules"

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo --boards $(BOARDS)
	PY=$(PY) ./scripts/serve.sh

# The server and a task worker, on the database as it is (no demonstration data loaded).
serve: setup
	$(PY) manage.py migrate --noinput
	PY=$(PY) ./scripts/serve.sh

# A cluster of real parts on this machine (scripts/cluster.py; docs/operations.md, "A cluster"): PostgreSQL primary
# and streaming replica, PgBouncer (transaction mode), Redis, two gunicorn servers behind nginx, two RQ workers, with
# the demonstration data; http://127.0.0.1:54310/. Ctrl+C stops it; DETACH=1 returns once it answers (make
# cluster-stop stops it then). Needs the Debian packages pgbouncer, nginx-light, redis-server and postgresql.
cluster: setup
	@CLUSTER=1 ./scripts/system-deps.sh
	$(PY) scripts/cluster.py start --boards $(BOARDS) $(if $(DETACH),--detach)

cluster-stop:
	$(PY) scripts/cluster.py stop

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# The layers of docs/architecture.md as import-linter contracts (.importlinter).
	$(VENV)/bin/lint-imports --no-cache

typecheck: setup
	$(VENV)/bin/mypy src

# The SQLite pass measures the line coverage of src/eduboard (pytest-cov; [tool.coverage.run] in pyproject.toml) and
# prints it by area; scripts/coverage_floors.py fails when an area is below its floor in coverage-floors.toml.
pytest-sqlite: setup
	@echo "== pytest on SQLite, with line coverage"
	DATABASE_URL="$(SQLITE_TEST_URL)" $(PY) -m pytest $(PYTEST_ARGS) --cov=src/eduboard --cov-report=
	$(PY) scripts/coverage_floors.py

# The PostgreSQL pass's database, as the shell variable url: DATABASE_URL when it names a PostgreSQL database, else
# the server on 127.0.0.1:5432 when one answers, else none.
define pg_test_url
url="$${DATABASE_URL:-}"; case "$$url" in postgres*) ;; *) url="";; esac; \
if [ -z "$$url" ] && $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
  url="$(PG_DEFAULT_URL)"; fi
endef

# PostgreSQL (pg_test_url). The second pass runs the tests whose result can differ between the databases only
# (--second-database: tests/database_decision.py).
pytest-postgres: setup
	@$(pg_test_url); \
	if [ -z "$$url" ]; then echo "== PostgreSQL: no DATABASE_URL and no server on 127.0.0.1:5432, skipped"; exit 0; fi; \
	echo "== pytest on PostgreSQL"; \
	DATABASE_URL="$$url" $(PY) -m pytest $(PYTEST_ARGS) --second-database

# Each pass's test database is copied from a template migrated once (tests/template_db.py). Both templates are
# migrated in the background while the linters and the type checker run on one core (their logs in var/), so the
# passes start with them made; a test process that finds one still being made waits for it.
test: setup
	@mkdir -p var; \
	DATABASE_URL="$(SQLITE_TEST_URL)" $(PY) -m tests.template_db > var/template-sqlite.log 2>&1 & \
	$(pg_test_url); \
	if [ -n "$$url" ]; then DATABASE_URL="$$url" $(PY) -m tests.template_db > var/template-postgresql.log 2>&1 & fi
	$(MAKE) --no-print-directory lint typecheck
	$(PY) manage.py check --fail-level WARNING
	DATABASE_URL="$(SQLITE_TEST_URL)" $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) pytest-sqlite
	$(MAKE) pytest-postgres

messages: setup
	$(PY) manage.py makemessages --locale lv --locale ru --locale en --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete

# The long API fuzzing run: SCHEMATHESIS_EXAMPLES cases per operation and role (make test runs 3).
schemathesis: setup
	SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-100} DATABASE_URL="$(SQLITE_TEST_URL)" $(PY) -m pytest -p no:xdist tests/test_schemathesis.py

# The long search of the figure-definition tests (tests/*/test_figures_definition.py): FIGURE_EXAMPLES random worlds a
# test, shrunk to the smallest one on a failure (make test runs 20 fixed ones each).
figures-search: setup
	FIGURE_EXAMPLES=$${FIGURE_EXAMPLES:-300} DATABASE_URL="$(SQLITE_TEST_URL)" $(PY) -m pytest -p no:xdist tests -k figures_definition -q

# A backup of the database and the uploaded files (docs/operations.md); OUTPUT=path to choose the file.
backup:
	$(PY) manage.py backup $(if $(OUTPUT),--output "$(OUTPUT)")

# Restore a backup: make restore ARCHIVE=path/to/eduboard-….tar [FORCE=1]
restore:
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=path/to/eduboard-….tar [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(ARCHIVE)" $(if $(FORCE),--force)
