"""The serving database: what BI tools, notebooks and the report read, never the warehouse.

DuckDB lets one process write a file and, while it does, no other process may open it. So
after every successful build the marts (and the dims they join to, which live in the same
schema) are copied into a new DuckDB file next to the serving file, and that file is renamed
over it. A reader that has the old file open keeps reading it, a reader that opens the file
afterwards gets the new one, and nobody ever sees a half-built state or waits for a writer.

The serving file holds:
- ``marts.*``: every mart, with its column types and descriptions;
- ``meta.build``: one row about the build it came from (as_of, when it was published, models
  and tests of the build);
- ``meta.raw_tables``: rows per raw table and quarantined lines at that moment (what
  ``ewh summary`` prints, so it never has to open the warehouse).

Open it read-only: ``duckdb.connect("data/serving.duckdb", read_only=True)``.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.streams import QUARANTINE_TABLE, STREAMS
from ingestion.warehouse import WarehouseMissingError, quote

SERVED_SCHEMA = "marts"
_ALIAS = "__serving"


@dataclass(frozen=True)
class Published:
    path: Path
    tables: int
    rows: int
    seconds: float


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _copy_comments(con: duckdb.DuckDBPyConnection, table: str) -> None:
    target = f"{_ALIAS}.{SERVED_SCHEMA}.{quote(table)}"
    comment = con.execute(
        "select comment from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [SERVED_SCHEMA, table],
    ).fetchone()
    if comment and comment[0]:
        con.execute(f"comment on table {target} is {_sql_str(comment[0])}")
    columns = con.execute(
        "select column_name, comment from duckdb_columns() where database_name = current_database() "
        "and schema_name = ? and table_name = ? and comment is not null and comment <> ''",
        [SERVED_SCHEMA, table],
    ).fetchall()
    for column, text in columns:
        con.execute(f"comment on column {target}.{quote(column)} is {_sql_str(text)}")


def publish(
    con: duckdb.DuckDBPyConnection,
    serving: Path,
    *,
    as_of: str | None = None,
    build_summary: dict[str, int] | None = None,
) -> Published:
    """Copy the marts of the open warehouse ``con`` into a new file and swap it in as ``serving``."""
    started = datetime.now(UTC)
    serving = Path(serving)
    serving.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = ? order by table_name",
            [SERVED_SCHEMA],
        ).fetchall()
    ]
    rows = 0
    con.execute(f"attach {_sql_str(str(tmp))} as {_ALIAS}")
    try:
        con.execute(f"create schema {_ALIAS}.{SERVED_SCHEMA}")
        con.execute(f"create schema {_ALIAS}.meta")
        for table in tables:
            con.execute(
                f"create table {_ALIAS}.{SERVED_SCHEMA}.{quote(table)} as "
                f"select * from {SERVED_SCHEMA}.{quote(table)}"
            )
            rows += con.execute(f"select count(*) from {_ALIAS}.{SERVED_SCHEMA}.{quote(table)}").fetchone()[0]
            _copy_comments(con, table)
        summary = build_summary or {}
        con.execute(
            f"""create table {_ALIAS}.meta.build as select
                cast(? as timestamp) as as_of,
                cast(? as timestamp) as published_at,
                cast(? as bigint) as models_built,
                cast(? as bigint) as tests_passed,
                cast(? as bigint) as marts,
                cast(? as bigint) as mart_rows""",
            [
                as_of,
                started.replace(tzinfo=None),
                summary.get("models_built"),
                summary.get("tests_passed"),
                len(tables),
                rows,
            ],
        )
        counts = " union all ".join(
            f"select {_sql_str(s.qualified_table)} as table_name, count(*) as row_count, "
            f"(select count(*) from {QUARANTINE_TABLE} where table_name = {_sql_str(s.table)}) as quarantined_lines "
            f"from {s.qualified_table}"
            for s in STREAMS
        )
        con.execute(f"create table {_ALIAS}.meta.raw_tables as {counts}")
        con.execute(f"checkpoint {_ALIAS}")
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"detach {_ALIAS}")
    os.replace(tmp, serving)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return Published(serving, len(tables), int(rows), seconds)


def open_serving(path: Path) -> duckdb.DuckDBPyConnection:
    """The serving database, read-only (never locked by a build)."""
    path = Path(path)
    if not path.exists():
        raise WarehouseMissingError(
            f"serving database {path} does not exist yet: it is published after the first successful "
            "build (`ewh build`, `make demo` or a Dagster build)"
        )
    return duckdb.connect(str(path), read_only=True)
