"""Helpers shared by the dbt integration tests: write raw fixtures, land them, read results."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion.landing import ingest
from ingestion.warehouse import warehouse


def write_jsonl(raw_root: Path, relative_path: str, records: list[dict]) -> None:
    """Write ``records`` as one JSONL dump at ``raw_root/relative_path``."""
    path = raw_root / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


def as_of_time(text: str | datetime | None) -> datetime | None:
    """'2024-05-15 12:00:00' -> datetime (the as_of a fixture lands and builds at)."""
    if text is None or isinstance(text, datetime):
        return text
    return datetime.fromisoformat(text)


def land_records(
    directory: Path, files: dict[str, list[dict]], as_of: str | datetime | None = None, expired: int = 0
) -> Path:
    """Write ``files`` under ``directory/raw``, land them in a new ``directory/warehouse.duckdb``.

    ``as_of`` is the time the fixture lives at (retention counts back from it at landing too).
    Asserts that every line landed (a fixture with a quarantined line is a broken fixture), but
    for ``expired`` rows already past retention at ``as_of`` (soft-deleted rows among them).
    """
    raw_root = directory / "raw"
    for relative_path, records in files.items():
        write_jsonl(raw_root, relative_path, records)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "warehouse.duckdb"
    with warehouse(path) as con:
        report = ingest(raw_root, con, as_of=as_of_time(as_of))
    assert report.ok and report.rows_quarantined == 0 and report.rows_expired == expired, report
    return path


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` over the warehouse, opened read-only."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def scalar(warehouse: Path, sql: str):
    """The single value of ``sql``."""
    rows = query(warehouse, sql)
    assert len(rows) == 1, rows
    return rows[0][0]
