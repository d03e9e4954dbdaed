"""The same landed data built with the same as_of gives the same marts, every time.

Generated dumps of three accounts are landed into warehouse A and built twice as of AS_OF (a
first build, then an incremental rebuild of the same data); the same files copied under new
names are landed into warehouse B and built with a full refresh. Every mart must hold the
same rows in all four builds: an order-independent digest of each table, leaving out only the
run-time columns — ``processed_at`` (when a dbt run wrote the row) and ``loaded_at`` (when
landing read the file) — and no dbt temp table may be left behind.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.build import build
from ingestion.generate import GenerateConfig, generate
from ingestion.landing import ingest
from ingestion.warehouse import warehouse

pytestmark = pytest.mark.dbt

AS_OF = datetime(2026, 11, 20, 2, 0)
RUN_TIME_COLUMNS = {"processed_at", "loaded_at"}


def mart_digests(path: Path) -> dict[str, tuple[int, str]]:
    """Rows and an order-independent md5 of every mart table, run-time columns left out."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        digests = {}
        for table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'marts' "
                    "and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if c not in RUN_TIME_COLUMNS
            ]
            row = ", ".join(f'"{c}"' for c in columns)
            digests[table] = con.execute(
                f"select count(*), md5(coalesce(string_agg(h, '' order by h), '')) "
                f"from (select md5(cast(row({row}) as varchar)) as h from marts.\"{table}\")"
            ).fetchone()
        return digests
    finally:
        con.close()


def temp_tables(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_name like '%dbt_tmp%' or table_name like '%__dbt_backup%'"
            ).fetchall()
        ]
    finally:
        con.close()


def land_and_build(raw: Path, path: Path, target: Path, *, full_refresh: bool = False) -> None:
    with warehouse(path) as con:
        report = ingest(raw, con, as_of=AS_OF)
    assert report.ok, report
    rebuild(path, target, full_refresh=full_refresh)


def rebuild(path: Path, target: Path, *, full_refresh: bool = False) -> None:
    result = build(
        warehouse_path=path,
        serving_path=path.with_name(path.stem + "-serving.duckdb"),
        as_of=AS_OF,
        full_refresh=full_refresh,
        exclude=["resource_type:test"],  # the models' rows are compared; their tests run elsewhere
        unit_tests=False,
        target_path=target,
    )
    assert result.ok, result.dbt.output[-3000:]


def test_same_data_same_as_of_same_marts(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    generate(
        GenerateConfig(
            out_dir=raw,
            accounts=3,
            users_per_account=3,
            agents_per_account=1,
            days=14,
            seed=5,
            end=AS_OF.replace(tzinfo=UTC),
        )
    )
    target = tmp_path / "target"
    a = tmp_path / "a.duckdb"
    land_and_build(raw, a, target)
    first = mart_digests(a)
    assert all(first[t][0] > 0 for t in ("fct_events", "fct_sessions", "account_health", "alerts")), first

    rebuild(a, target)  # incremental models see nothing new
    assert mart_digests(a) == first

    # the same files under other names, landed into a new warehouse
    renamed = tmp_path / "renamed"
    for file in sorted(p for p in raw.rglob("*") if p.is_file()):
        relative = file.relative_to(raw)
        copy = renamed / relative.parent / f"redelivered-{relative.name}"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, copy)
    b = tmp_path / "b.duckdb"
    land_and_build(renamed, b, target, full_refresh=True)
    assert mart_digests(b) == first

    assert temp_tables(a) == [] and temp_tables(b) == []
