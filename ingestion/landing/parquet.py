"""Reading Parquet dumps for landing: how DuckDB (or, as a fallback, pyarrow) reads each file.

DuckDB reads each file with its columns renamed by position (``__c0``, ``__c1`` …), so no
producer's column name ever reaches the SQL; ``ingestion/landing/sql.py`` maps the positions
back to the stream's fields. pyarrow reads a file instead when DuckDB's reader failed on it, or
when one of its columns carries the name DuckDB gives its row numbers (``file_row_number``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.landing.discovery import RawFile
from ingestion.landing.sql import sql_str


class _Unreadable(Exception):
    """Nothing of the file can be read."""


@dataclass
class ParquetSource:
    index: int  # the file's position in its batch
    source: str  # a FROM item
    columns: list[tuple[str, str, str]]  # (position name, producer name, DuckDB type)
    line: str  # SQL of the file's 1-based row number


def _columns(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of the columns of a Parquet FROM item; raises _Unreadable."""
    try:
        described = con.execute(f"describe select * from {source}").fetchall()
    except duckdb.Error as exc:
        raise _Unreadable(f"unreadable Parquet file: {str(exc).splitlines()[0]}") from exc
    return [(row[0], str(row[1]).upper()) for row in described]


def _arrow_source(con: duckdb.DuckDBPyConnection, raw: RawFile, index: int) -> tuple[str, list[str], str]:
    """The file read by pyarrow and registered (for files DuckDB's reader cannot take as they
    are, e.g. with a column named like one of its own): relation, original names, line SQL."""
    try:
        table = pq.read_table(raw.path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a broken file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _Unreadable(f"unreadable Parquet file: {first}") from exc
    original = list(table.column_names)
    table = table.rename_columns([f"__c{i}" for i in range(table.num_columns)])
    table = table.append_column("__row", pa.array(range(table.num_rows), pa.int64()))
    relation = f"__parquet_{index}"
    con.register(relation, table)
    return relation, original, "__row + 1"


def probe(
    con: duckdb.DuckDBPyConnection, files: list[RawFile], *, via_arrow: bool
) -> tuple[list[ParquetSource], dict[int, str], list[str]]:
    """How to read each file of a batch: its sources, the reasons of the files that cannot be read
    (by position in ``files``) and the Arrow tables registered on ``con`` (to unregister after the
    batch). ``via_arrow``: read every file with pyarrow (the fallback after DuckDB's reader failed)."""
    sources: list[ParquetSource] = []
    unreadable: dict[int, str] = {}
    registered: list[str] = []
    for index, raw in enumerate(files):
        try:
            reader = f"read_parquet({sql_str(str(raw.path))}, hive_partitioning = false)"
            described = _columns(con, reader)
            names = [n for n, _ in described]
            if via_arrow or any(n.lower() == "file_row_number" for n in names):
                source, names, line = _arrow_source(con, raw, index)
                registered.append(source)
                types = [dict(_columns(con, source))[f"__c{i}"] for i in range(len(names))]
            else:
                # the same reader with the columns renamed by position: the same types, in order
                types = [t for _, t in described]
                aliases = ", ".join(f"__c{i}" for i in range(len(names)))
                source = (
                    f"read_parquet({sql_str(str(raw.path))}, file_row_number = true, hive_partitioning = false)"
                    f" as __source({aliases}{', ' if aliases else ''}__row)"
                )
                line = "__row + 1"
        except _Unreadable as exc:
            unreadable[index] = str(exc)
            continue
        columns = [(f"__c{i}", name, types[i]) for i, name in enumerate(names)]
        sources.append(ParquetSource(index, source, columns, line))
    return sources, unreadable, registered
