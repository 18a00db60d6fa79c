# Liap Tui: every entry point does its own set-up on a fresh machine.
#   make run    -> .venv, install, migrate, serve on http://127.0.0.1:5050
#   make test   -> .venv, install, the whole test suite

# The distribution's CPython when there is one: Debian builds it with PGO and
# LTO, linked statically, and it runs this code 10-15 % faster than a default
# source build such as pyenv's (no PGO, shared libpython): 109 vs 97 random-bot
# engine games/s on the same machine (docs/performance.md).
PYTHON ?= $(shell test -x /usr/bin/python3.11 && echo /usr/bin/python3.11 || echo python3.11)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5050
# The production-configuration stage of the suite talks to these real services.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/liaptui
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/15

.PHONY: install run test test-embedded test-production lint bench worker beat clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/daphne -b $(HOST) -p $(PORT) liaptui.asgi:application

# Stage 1: the embedded default (SQLite, in-memory channel layer).
# Stage 2: the production configuration (PostgreSQL + Redis) for the tests
# marked postgres/redis/backends, in a test database of its own (concurrent
# runs on one server must not share one). Outside CI a missing service skips stage 2
# with a message; with CI=true it is a failure.
test: install
	$(MAKE) --no-print-directory test-embedded
	$(MAKE) --no-print-directory test-production

test-embedded: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest -m "not postgres and not redis" $(PYTEST_ARGS)

test-production: install
	@if DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m tests.services; then \
		DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		TEST_DATABASE_NAME=$${TEST_DATABASE_NAME:-test_liaptui_$$$$} \
		$(BIN)/python -m pytest -m "postgres or redis or backends" $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "CI=true and PostgreSQL/Redis are not reachable: failing."; exit 1; \
	else \
		echo "PostgreSQL/Redis not reachable: skipping the production-configuration stage."; \
	fi

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/engine.py

worker: install
	$(BIN)/celery -A liaptui worker -l info

beat: install
	$(BIN)/celery -A liaptui beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
