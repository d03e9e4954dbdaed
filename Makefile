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

.PHONY: install install-spark demo test test-fast test-spark lint format ui bench bench-100m soak clean evaluate browser docs

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

# Test workers (pytest-xdist). Each test module runs on one worker (--dist loadscope), so a
# module-scoped fixture (one dbt build shared by a module's tests) is built once; every test
# has its own warehouse, dbt target/log path and DAGSTER_HOME, so workers share no file.
# TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= 2
# Test scratch folders (pytest's tmp_path) on tmpfs where the machine has one: SQLite (Dagster's
# event log) and DuckDB commit to disk on every write, ~15 ms each on this machine's disk and
# well under 1 ms in memory, and the soak's Dagster runs alone commit tens of thousands of times.
TEST_TMPDIR ?= $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm || echo $${TMPDIR:-/tmp})

test: install browser  ## the whole test suite (unit, dbt integration, orchestration, the report in a browser)
	TMPDIR="$(TEST_TMPDIR)" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

test-spark: install-spark  ## the project on a local Spark session: every model and test, same marts as DuckDB, incremental = full refresh
	$(BIN)/python -m pytest --spark tests/test_spark.py --durations=5

test-fast: install  ## tests that do not run dbt or Dagster
	TMPDIR="$(TEST_TMPDIR)" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope -m "not dbt and not dagster"

# Python: every file of the repository (pyproject.toml [tool.ruff]). SQL: the dbt models and
# singular tests, rendered by sqlfluff's jinja templater with the project's macros (.sqlfluff).
SQLFLUFF_PATHS := dbt_project/models dbt_project/tests

lint: install  ## ruff (check + format check) over all Python, sqlfluff over the dbt SQL
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 $(SQLFLUFF_PATHS)

format: install  ## apply ruff's fixes and formatting (SQL: run `sqlfluff fix` on a file by hand and review)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests drive Debian's chromium (they are skipped without it). Never fails: without
# root or apt-get it says how to install chromium and the tests skip themselves.
CHROMIUM ?= /usr/bin/chromium
browser:  ## Debian's chromium for the report's browser tests (apt-get install -y chromium when missing)
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "chromium: $(CHROMIUM)"; \
	elif command -v apt-get >/dev/null 2>&1 && { apt-get install -y -q chromium || \
			{ apt-get update -q && apt-get install -y -q chromium; }; } >/dev/null 2>&1; then \
		echo "chromium installed: $(CHROMIUM)"; \
	else \
		echo "note: no chromium at $(CHROMIUM) and apt-get could not install it (run as root: apt-get install -y chromium); the browser tests will be skipped"; \
	fi

docs: install  ## dbt docs as one static page that opens offline (run `make demo` first for column types)
	$(BIN)/dbt docs generate --static --project-dir dbt_project --profiles-dir dbt_project
	@echo "dbt docs: $(CURDIR)/dbt_project/target/static_index.html (open it in a browser; it needs no server)"

ui: install  ## Dagster UI on http://127.0.0.1:3000 over $(EWH_WAREHOUSE); DAGSTER_HOME=.dagster_home
	mkdir -p .dagster_home
	cp orchestration/dagster.yaml .dagster_home/dagster.yaml
	$(BIN)/python -m orchestration.dbt.project
	@test -f "$(EWH_WAREHOUSE)" || echo "note: $(EWH_WAREHOUSE) does not exist yet: run 'make demo' first, or materialize from the UI"
	DAGSTER_HOME="$(CURDIR)/.dagster_home" PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

# BENCH_ARGS passes more options to bench/run.py (e.g. --jsonl-events 2000000, --dir /scratch).
bench: install  ## ~10 M events: land, full refresh, hourly increment, no-op, with their floors -> bench/results.md
	$(BIN)/python bench/run.py --events 10000000 --out bench/results.md $(BENCH_ARGS)

bench-100m: install  ## the same on ~100 M events (JSONL floor at 10 M, no pandas) -> bench/results-100m.md
	$(BIN)/python bench/run.py --events 100000000 --dir /tmp/ewh-bench-100m --out bench/results-100m.md $(BENCH_ARGS)

evaluate: install  ## score quality against the generator's planted personas, 2 seeds, 4 build times -> docs/score_quality.md (about 4 min on 2 idle cores)
	$(BIN)/python bench/score_quality.py

soak: install  ## 30 simulated days on the schedule, a reader on the serving file -> docs/soak.md (about 2 hours on 2 cores: ~41 s a build)
	$(BIN)/python -m orchestration.soak --days 30 --build-every 6 --out docs/soak.md

clean:
	rm -rf data/raw data/spark data/*.duckdb data/*.duckdb.wal dbt_project/target dbt_project/logs .pytest_cache
