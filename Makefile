# Pressroom: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres lint format bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Start the server with demo content on http://127.0.0.1:8090 (SQLite + embedded queue).
run: $(STAMP)
	$(BIN)/pressroom serve --demo

## Lint, type-check, then the whole suite on SQLite and the database tests on PostgreSQL.
test: $(STAMP) lint test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(BIN)/pytest -q

# Every test that touches the database runs again on PostgreSQL. Outside CI the run
# is skipped (with a notice) when no server answers; in CI it must run.
test-postgres: $(STAMP)
	@if $(BIN)/python -m pressroom.cli db-ping --url '$(PG_TEST_URL)' >/dev/null 2>&1 || [ "$$CI" = "true" ]; then \
		PRESSROOM_TEST_DATABASE_URL='$(PG_TEST_URL)' $(BIN)/pytest -q -m db; \
	else echo "PostgreSQL not reachable at $(PG_TEST_URL): database tests ran on SQLite only"; fi

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) pressroom-home .pytest_cache .mypy_cache .ruff_cache
