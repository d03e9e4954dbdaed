"""The same dbt project on Spark: every model and test green, the same answers as DuckDB.

Runs only with ``pytest --spark`` (``make test-spark``, which installs the ``spark`` extra):
each step is a real process on a real local Spark driver (``local[2]``), one JVM at a time
(the embedded metastore admits one).

- **sample**: generated sample dumps (malformed lines and duplicates included) land once with
  ``ewh spark-ingest`` into a DuckDB landing database that is also the DuckDB warehouse, so
  both engines read the very same raw rows; ``dbt build`` runs on DuckDB and on Spark, and
  every mart is compared row for row (floating-point values within 1e-9; ``processed_at``, the
  time a run wrote a row, left out).
- **incremental**: the late-data batches of ``test_incremental`` on Spark: batch 1 is built,
  batch 2 lands and the incremental build runs (with its tests), then the same models are
  rebuilt with ``--full-refresh``; every incremental table holds the same rows both ways.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import test_incremental as late_data

from ingestion.config import dbt_project_dir
from ingestion.dbt_runner import DbtResult, run_dbt
from ingestion.generate import GenerateConfig, generate
from ingestion.spark.dbt import run_spark_dbt

pytestmark = pytest.mark.spark

AS_OF = "2024-05-10 00:00:00"
# what a run stamps on its rows (the time it ran): differs between any two runs
RUN_STAMPS = ("processed_at",)
FLOAT_TOLERANCE = 1e-9
BIN = Path(sys.executable).parent


def spark_env(spark_dir: Path, landing: Path) -> dict[str, str]:
    return {**os.environ, "EWH_SPARK_DIR": str(spark_dir), "EWH_SPARK_LANDING": str(landing)}


def spark_ingest(raw_root: Path, spark_dir: Path, landing: Path) -> str:
    """``ewh spark-ingest`` as a user runs it; returns its output."""
    done = subprocess.run(
        [str(BIN / "ewh"), "spark-ingest", str(raw_root), "--as-of", AS_OF],
        env=spark_env(spark_dir, landing),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def spark_snapshot(spark_dir: Path, landing: Path, out_dir: Path, *names: str) -> dict[str, Path]:
    """Copy Spark tables (read through the metastore) to Parquet files; ``{schema.table: file}``."""
    done = subprocess.run(
        [sys.executable, "-m", "ingestion.spark.snapshot", str(out_dir), *names],
        env=spark_env(spark_dir, landing),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {path.stem: path for path in sorted(out_dir.glob("*.parquet"))}


def spark_dbt(spark_dir: Path, landing: Path, target: Path, args: list[str]) -> DbtResult:
    environment = {"EWH_SPARK_DIR": str(spark_dir), "EWH_SPARK_LANDING": str(landing)}
    return run_spark_dbt(args, as_of=AS_OF, target_path=target, environment=environment, check=False)


def not_green(result: DbtResult) -> dict[str, int]:
    """Node results other than success / pass (exposures, which dbt reports as no-op, aside)."""
    return {
        k: v
        for k, v in result.counts().items()
        if not k.endswith((":success", ":pass")) and not k.startswith("exposure:")
    }


# ---------------------------------------------------------------- comparing rows


def normal(value):
    """A value as comparable across engines: naive UTC datetimes, floats for decimals,
    tuples for lists, parsed JSON for JSON text."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return tuple(normal(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, normal(v)) for k, v in value.items()))
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return ("json", json.dumps(json.loads(value), sort_keys=True))
        except ValueError:
            return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
            return a is b
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def sort_key(row: tuple) -> tuple:
    # floats rounded so that two engines' last-digit differences sort alike
    return tuple((0, "") if v is None else (1, f"{v:.6f}" if isinstance(v, float) else repr(v)) for v in row)


def rows_of(
    columns: list[str], records: list[dict], left_out: tuple[str, ...]
) -> tuple[list[str], list[tuple]]:
    kept = [c for c in columns if c not in left_out]
    rows = [tuple(normal(r[c]) for c in kept) for r in records]
    return kept, sorted(rows, key=sort_key)


def md5_hex(number: str | None) -> str | None:
    """DuckDB's md5_number (the digest read as a little-endian 128-bit integer) as md5 hex text,
    the form Spark stores the same key in (macro event_key)."""
    return None if number is None else int(number).to_bytes(16, "little").hex()


def duckdb_rows(warehouse: Path, table: str, left_out: tuple[str, ...]) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        types = dict(con.sql(f"select column_name, column_type from (describe {table})").fetchall())
        wide = [c for c, t in types.items() if t == "UHUGEINT"]
        select = ", ".join(f'cast("{c}" as varchar) as "{c}"' if c in wide else f'"{c}"' for c in types)
        records = con.sql(f"select {select} from {table}").to_arrow_table().to_pylist()
    finally:
        con.close()
    for record in records:
        for column in wide:
            record[column] = md5_hex(record[column])
    return rows_of(list(types), records, left_out)


def parquet_rows(
    path: Path, left_out: tuple[str, ...], columns: list[str] | None = None
) -> tuple[list[str], list[tuple]]:
    """Rows of a Spark table copy; ``columns`` puts them in another engine's column order (Spark
    moves partition columns last)."""
    data = pq.read_table(path)
    names = data.column_names
    if columns is not None and sorted(columns) == sorted(c for c in names if c not in left_out):
        names = columns
    return rows_of(names, data.to_pylist(), left_out)


def differences(expected: list[tuple], actual: list[tuple]) -> list[str]:
    """Rows that differ, pairwise after sorting (first 5), or the row counts."""
    if len(expected) != len(actual):
        return [f"{len(expected)} rows vs {len(actual)} rows"]
    out = []
    for a, b in zip(expected, actual, strict=True):
        if not same(a, b):
            out.append(f"{a}\n   vs {b}")
    return out[:5]


# ---------------------------------------------------------------- sample: both engines


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("spark_sample")
    raw_root, spark_dir = root / "raw", root / "spark"
    warehouse = root / "warehouse.duckdb"  # the landing database of the Spark path, and the DuckDB warehouse
    generate(
        GenerateConfig(
            out_dir=raw_root,
            accounts=2,
            users_per_account=4,
            days=10,
            end=dt.datetime.fromisoformat(AS_OF),
            bad_line_rate=0.01,
            duplicate_rate=0.02,
            late_rate=0.02,
        )
    )
    first_ingest = spark_ingest(raw_root, spark_dir, warehouse)
    second_ingest = spark_ingest(raw_root, spark_dir, warehouse)
    duck = run_dbt(["build"], warehouse=warehouse, as_of=AS_OF, target_path=root / "duckdb_target")
    spark = spark_dbt(spark_dir, warehouse, root / "spark_target", ["build"])
    marts = spark_snapshot(
        spark_dir, warehouse, root / "spark_marts", "marts", "raw._manifest", "raw._quarantine"
    )
    return {
        "warehouse": warehouse,
        "duckdb": duck,
        "spark": spark,
        "spark_tables": marts,
        "ingest": (first_ingest, second_ingest),
        "manifest": json.loads((root / "spark_target" / "manifest.json").read_text()),
    }


def test_every_model_and_test_is_green_on_spark(sample):
    spark: DbtResult = sample["spark"]
    assert spark.returncode == 0 and not not_green(spark), (not_green(spark), spark.failures())
    # nothing left out: every model, seed, data test and unit test of the project ran
    nodes = sample["manifest"]["nodes"]
    expected = {uid for uid, node in nodes.items() if node["resource_type"] in ("model", "seed", "test")}
    expected |= set(sample["manifest"].get("unit_tests", {}))
    ran = {r["unique_id"] for r in spark.run_results["results"] if not r["unique_id"].startswith("exposure.")}
    assert ran == expected, {
        "not run": sorted(expected - ran)[:20],
        "unexpected": sorted(ran - expected)[:20],
    }
    assert spark.summary()["models_built"] == sum(1 for n in nodes.values() if n["resource_type"] == "model")


def test_every_model_and_test_is_green_on_duckdb_too(sample):
    duck: DbtResult = sample["duckdb"]
    assert duck.returncode == 0 and not not_green(duck), not_green(duck)
    assert duck.summary() == sample["spark"].summary()


def test_landing_contract_holds_in_spark(sample):
    first, second = sample["ingest"]
    tables = sample["spark_tables"]
    landed = duckdb_rows(sample["warehouse"], "raw._manifest", ())
    assert parquet_rows(tables["raw._manifest"], ()) == landed and len(landed[1]) > 100
    quarantined = duckdb_rows(sample["warehouse"], "raw._quarantine", ())
    # the injected malformed lines are in Spark's quarantine, not in the raw tables
    assert parquet_rows(tables["raw._quarantine"], ()) == quarantined and quarantined[1]
    # the second run finds every file landed and every Spark table up to date
    assert " 0 files landed" in second and "0 Spark tables replaced" in second, second
    assert "Spark tables replaced" in first and " 0 files landed" not in first, first


# every mart of the project, from its model files (a new mart is compared without a change here)
MARTS = sorted(
    f"marts.{path.stem}"
    for path in (dbt_project_dir() / "models" / "marts").rglob("*")
    if path.suffix in (".sql", ".py") and not path.name.startswith("_")
)


def test_both_engines_build_every_mart(sample):
    con = duckdb.connect(str(sample["warehouse"]), read_only=True)
    try:
        built = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables where table_schema = 'marts'"
        )
        duck_marts = sorted(name for (name,) in built.fetchall())
    finally:
        con.close()
    spark_marts = sorted(t for t in sample["spark_tables"] if t.startswith("marts."))
    assert duck_marts == spark_marts == MARTS
    # the sample exercises the marts: nearly all of them have rows
    empty = [t for t in MARTS if not duckdb_rows(sample["warehouse"], t, ())[1]]
    assert len(empty) <= len(MARTS) // 10, empty


@pytest.mark.parametrize("table", MARTS)
def test_mart_rows_equal_on_both_engines(sample, table):
    duck_columns, duck = duckdb_rows(sample["warehouse"], table, RUN_STAMPS)
    spark_columns, spark = parquet_rows(sample["spark_tables"][table], RUN_STAMPS, duck_columns)
    assert spark_columns == duck_columns, table
    assert not differences(duck, spark), (table, differences(duck, spark))


# ---------------------------------------------------------------- incremental on Spark


@pytest.fixture(scope="module")
def spark_incremental(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("spark_incremental")
    raw_root, spark_dir, landing = root / "raw", root / "spark", root / "landing.duckdb"
    target = root / "target"
    late_data.write_batch(raw_root, late_data.BATCH_1)
    spark_ingest(raw_root, spark_dir, landing)
    # models and seeds, no tests (as test_incremental does): the first run creates every table
    first = spark_dbt(spark_dir, landing, target, ["build", *late_data.SELECT, *late_data.MODELS_ONLY])
    late_data.write_batch(raw_root, late_data.BATCH_2)
    spark_ingest(raw_root, spark_dir, landing)
    # incremental: every incremental table exists, so this run merges batch 2 into batch 1's rows
    incremental = spark_dbt(spark_dir, landing, target, ["build", *late_data.SELECT])
    after_incremental = spark_snapshot(spark_dir, landing, root / "incremental", *late_data.COMPARED)
    full_refresh = spark_dbt(
        spark_dir, landing, target, ["build", *late_data.SELECT, *late_data.MODELS_ONLY, "--full-refresh"]
    )
    after_full_refresh = spark_snapshot(spark_dir, landing, root / "full_refresh", *late_data.COMPARED)
    return {
        "runs": {"batch 1": first, "incremental": incremental, "full refresh": full_refresh},
        "incremental": after_incremental,
        "full_refresh": after_full_refresh,
        "incremental_log": incremental.output,
    }


def test_incremental_runs_are_green_on_spark(spark_incremental):
    for name, result in spark_incremental["runs"].items():
        assert result.returncode == 0 and not not_green(result), (name, not_green(result), result.failures())
    # the batch-2 run took the incremental path of every incremental model
    counts = spark_incremental["runs"]["incremental"].counts()
    assert counts.get("model:success", 0) >= len(late_data.COMPARED)


@pytest.mark.parametrize("table", sorted(late_data.COMPARED))
def test_spark_incremental_build_equals_full_refresh(spark_incremental, table):
    left_out = late_data.COMPARED[table]
    columns, incremental = parquet_rows(spark_incremental["incremental"][table], left_out)
    full_columns, full_refresh = parquet_rows(spark_incremental["full_refresh"][table], left_out)
    assert columns == full_columns
    assert incremental, f"{table} is empty: the fixture exercises nothing"
    assert not differences(full_refresh, incremental), (table, differences(full_refresh, incremental))
