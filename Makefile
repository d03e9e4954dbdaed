# The commands the README names. Everything installs into .venv from pyproject.toml,
# with transitive versions pinned by requirements.lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SPARK_STAMP := $(VENV)/.installed-spark-stamp
export EWH_WAREHOUSE ?= data/warehouse.duckdb
export EWH_RAW_DIR   ?= data/raw
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install install-spark demo test test-fast test-spark lint format ui bench soak clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with pinned dependencies

$(SPARK_STAMP): $(STAMP)
	@command -v java >/dev/null || { echo "Spark needs Java 17 (java is not on PATH)"; exit 1; }
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,spark]'
	touch $(SPARK_STAMP)

install-spark: $(SPARK_STAMP)  ## install the spark extra (dbt-spark session method, pyspark) too

demo: install  ## generate sample dumps, land them, dbt build, print a summary
	$(BIN)/ewh demo --fresh

test: install  ## the whole test suite (unit, dbt integration, orchestration)
	$(BIN)/python -m pytest

test-spark: install-spark  ## the project on a local Spark session: every model and test, same marts as DuckDB, incremental = full refresh
	$(BIN)/python -m pytest --spark tests/test_spark.py --durations=5

test-fast: install  ## tests that do not run dbt or Dagster
	$(BIN)/python -m pytest -m "not dbt and not dagster"

lint: install
	$(BIN)/ruff check ingestion orchestration tests
	$(BIN)/ruff format --check ingestion orchestration tests

format: install
	$(BIN)/ruff check --fix ingestion orchestration tests
	$(BIN)/ruff format ingestion orchestration tests

ui: install  ## Dagster UI on http://127.0.0.1:3000 over $(EWH_WAREHOUSE); DAGSTER_HOME=.dagster_home
	mkdir -p .dagster_home
	cp orchestration/dagster.yaml .dagster_home/dagster.yaml
	$(BIN)/python -m orchestration.dbt.project
	@test -f "$(EWH_WAREHOUSE)" || echo "note: $(EWH_WAREHOUSE) does not exist yet: run 'make demo' first, or materialize from the UI"
	DAGSTER_HOME="$(CURDIR)/.dagster_home" PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

bench: install  ## ~10 M generated events: landing, dbt (fct_sessions full + incremental), a hand-written query -> bench/results.md
	$(BIN)/python bench/run.py

soak: install  ## 30 simulated days on the schedule, a reader on the serving file -> docs/soak.md (about an hour)
	$(BIN)/python -m orchestration.soak --days 30 --build-every 6 --out docs/soak.md

clean:
	rm -rf data/raw data/spark data/*.duckdb data/*.duckdb.wal dbt_project/target dbt_project/logs .pytest_cache
