"""Open the DuckDB warehouse and make sure every raw table exists (DESIGN.md §3, §7)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.streams import (
    MANIFEST_TABLE,
    METADATA_COLUMNS,
    QUARANTINE_TABLE,
    RAW_SCHEMA,
    STREAMS,
    TOMBSTONE_TABLE,
    Stream,
)


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def raw_table_ddl(stream: Stream) -> str:
    columns = [f"{quote(name)} {dtype}" for name, dtype in stream.fields + METADATA_COLUMNS]
    return f"create table if not exists {stream.qualified_table} (\n  " + ",\n  ".join(columns) + "\n)"


BOOKKEEPING_DDL = (
    f"""create table if not exists {MANIFEST_TABLE} (
  file_hash varchar primary key,
  file_path varchar not null,
  table_name varchar not null,
  file_format varchar not null,
  file_bytes bigint not null,
  rows_landed bigint not null,
  rows_quarantined bigint not null,
  rows_erased bigint not null,
  landed_at timestamp not null
)""",
    f"""create table if not exists {QUARANTINE_TABLE} (
  table_name varchar not null,
  file_path varchar not null,
  file_hash varchar not null,
  line bigint,
  reason varchar not null,
  raw_text varchar,
  quarantined_at timestamp not null
)""",
    # ids erased on request (ewh forget): landing drops their rows from any file landed later
    f"""create table if not exists {TOMBSTONE_TABLE} (
  erased_id varchar not null,
  id_kind varchar not null,
  subject_id varchar not null,
  reason varchar,
  erased_at timestamp not null
)""",
)


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating its folder and raw tables when writable)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    if not read_only:
        # Landing commits once per file; checkpointing the WAL every 16 MB (the default) made
        # landing many files twice as slow. DuckDB still checkpoints on close.
        con.execute("set checkpoint_threshold = '1GB'")
        ensure_raw_schema(con)
    return con


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, every raw table of §3, the manifest and the quarantine."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for ddl in BOOKKEEPING_DDL:
        con.execute(ddl)
    for stream in STREAMS:
        con.execute(raw_table_ddl(stream))
