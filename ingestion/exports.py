"""What the report, the digests and the account extracts share: reading the serving database
and writing files whole.

All three read the serving database (``ingestion/serving.py``), never the warehouse, so they never
wait for a build and never see a half-built state. Files are written under a temporary name
beside the target and renamed over it, so a reader (a browser, a mail job) never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion.warehouse import WarehouseError

MARTS = "marts"


class ExportError(WarehouseError):
    """A report, digest or extract cannot be made as asked; the message says what to do."""


@dataclass(frozen=True)
class BuildInfo:
    """``meta.build`` of the serving database: the build its marts come from."""

    as_of: datetime | None
    published_at: datetime | None
    models_built: int | None
    tests_passed: int | None


def build_info(con: duckdb.DuckDBPyConnection) -> BuildInfo:
    try:
        row = con.execute("select as_of, published_at, models_built, tests_passed from meta.build").fetchone()
    except duckdb.CatalogException as exc:
        raise ExportError(
            "the serving database has no meta.build table: it was not published by `ewh build`; "
            "run `ewh build` (or `make demo`) to publish it"
        ) from exc
    return BuildInfo(*row) if row else BuildInfo(None, None, None, None)


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables of the ``marts`` schema, sorted."""
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? order by table_name",
        [MARTS],
    ).fetchall()
    return [name for (name,) in rows]


def mart_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> DuckDB type of ``marts.<table>``, in table order (empty when it does not exist)."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = current_database() "
        "and schema_name = ? and table_name = ? order by column_index",
        [MARTS, table],
    ).fetchall()
    return dict(rows)


def require_marts(con: duckdb.DuckDBPyConnection, needed: list[str], *, what: str) -> None:
    """Raise ExportError naming the marts ``what`` needs that the serving database lacks."""
    missing = sorted(set(needed) - set(mart_tables(con)))
    if missing:
        raise ExportError(
            f"the serving database lacks {', '.join('marts.' + m for m in missing)}, which {what} reads; "
            "run `ewh build` to build and publish every mart"
        )


def safe_filename(identifier: str) -> str:
    """``identifier`` as a file name: letters, digits, ``-_.@+`` kept, anything else ``_``.

    When characters had to be replaced (or the name would be hidden or empty), a short hash of
    the original is appended, so two different ids never share a file.
    """
    safe = re.sub(r"[^A-Za-z0-9._@+-]", "_", identifier).lstrip(".")[:120]
    if safe != identifier or not safe:
        safe = f"{safe or 'id'}-{hashlib.sha1(identifier.encode()).hexdigest()[:8]}"
    return safe


def temporary_path(target: Path) -> Path:
    """A hidden name beside ``target`` for writing it before the rename."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def write_text_atomically(target: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to a temporary file beside ``target`` and rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(target)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
