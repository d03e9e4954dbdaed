"""Raw dumps into Spark, with the landing contract of ``ewh ingest``.

Two steps, so that Spark gets exactly the rows, manifest and quarantine ``ewh ingest`` would
write, validated by the same code:

1. **land**: every new file under the raw root lands in a DuckDB *landing database*
   (``EWH_SPARK_LANDING``, default ``<EWH_SPARK_DIR>/landing.duckdb``) with the ordinary landing
   code (``ingestion/landing``): idempotent by content hash (``raw._manifest``), atomic per file,
   bad lines to ``raw._quarantine``, tombstones and retention applied;
2. **copy**: every raw table of that database whose content changed since the last copy
   (``raw.<source>__<stream>``, ``raw._manifest``, ``raw._quarantine``, ``raw._tombstones``) is
   written as Parquet into a new folder ``<EWH_SPARK_DIR>/raw/<table>/v-<fingerprint>/`` and the
   Spark table ``raw.<table>`` (an external Parquet table of the Hive metastore) is pointed at
   it in one metastore update. A reader sees the old version or the new one, never a mix; a
   crash mid-copy leaves the table on its old version and the next run copies again (the
   folder name is the content's fingerprint, so an unchanged table is never copied twice).

Atomic per file holds in the landing database; in Spark it holds per table and copy: tables
are switched one after the other, so a crash between two tables leaves some on their previous
version until the next run (dbt's staging dedupes on keys and never assumes two streams landed
together). Pruning and erasure run on the landing database (``ewh prune`` / ``ewh forget`` with
``EWH_WAREHOUSE`` pointing at it); the next copy carries them to Spark.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion import config
from ingestion.landing import IngestReport, Progress, ingest
from ingestion.spark.session import spark_dir, spark_session
from ingestion.streams import MANIFEST_TABLE, QUARANTINE_TABLE, RAW_SCHEMA, STREAMS, TOMBSTONE_TABLE
from ingestion.warehouse import Notify, quote, warehouse

# DuckDB types of the raw schema -> Spark SQL types (JSON stays text, as Spark has no JSON type).
SPARK_TYPES = {
    "VARCHAR": "string",
    "JSON": "string",
    "TIMESTAMP": "timestamp",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
}
COPIED_TABLES = (*(s.qualified_table for s in STREAMS), MANIFEST_TABLE, QUARANTINE_TABLE, TOMBSTONE_TABLE)
FILE_SIZE = "256MB"  # Parquet files of a copied table are cut at about this size


def landing_database() -> Path:
    """The DuckDB landing database of the Spark path (``EWH_SPARK_LANDING``)."""
    value = os.environ.get("EWH_SPARK_LANDING")
    return config.resolve(value) if value else spark_dir() / "landing.duckdb"


@dataclass
class TableCopy:
    table: str  # raw.<name>
    rows: int
    status: str  # copied | unchanged
    location: str
    seconds: float = 0.0


@dataclass
class SparkLandingReport:
    ingest: IngestReport
    copies: list[TableCopy] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.ingest.ok

    @property
    def copied(self) -> list[TableCopy]:
        return [c for c in self.copies if c.status == "copied"]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not rows:
        raise RuntimeError(f"{table} is missing from the landing database")
    for column, dtype in rows:
        if dtype.upper() not in SPARK_TYPES:
            raise RuntimeError(f"{table}.{column} has type {dtype}, which the Spark copy does not map")
    return [(column, dtype.upper()) for column, dtype in rows]


def fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, int]:
    """A digest of the table's schema and rows (order-independent) and its row count."""
    columns = _columns(con, table)
    row_hash = "hash(" + ", ".join(quote(c) for c, _ in columns) + ")"
    rows, total = con.execute(
        f"select count(*), coalesce(sum(cast({row_hash} as hugeint)), 0) from {table}"
    ).fetchone()
    schema = ",".join(f"{c}:{t}" for c, t in columns)
    return hashlib.sha256(f"{schema}|{rows}|{total}".encode()).hexdigest()[:20], rows


def _spark_ident(table: str) -> str:
    return ".".join(f"`{part}`" for part in table.split("."))


def _spark_location(spark, table: str) -> str | None:  # noqa: ANN001 - pyspark is optional
    schema, name = table.split(".")
    if not spark.catalog.tableExists(f"{schema}.{name}"):
        return None
    for row in spark.sql(f"describe table extended {_spark_ident(table)}").collect():
        if row[0] == "Location":
            return row[1]
    return None


def copy_table(con: duckdb.DuckDBPyConnection, spark, table: str) -> TableCopy:  # noqa: ANN001
    """Copy one raw table of the landing database to Spark (a no-op when Spark has this content)."""
    started = time.perf_counter()
    digest, rows = fingerprint(con, table)
    folder = spark_dir() / "raw" / table.split(".", 1)[1]
    version = folder / f"v-{digest}"
    current = _spark_location(spark, table)
    if current is not None and current.rstrip("/").endswith(f"/{version.name}") and version.is_dir():
        return TableCopy(table, rows, "unchanged", str(version))
    # write the new version beside the old one, then rename it into place (one step)
    scratch = folder / f".v-{digest}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(version, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    columns = _columns(con, table)
    select = ", ".join(
        f"cast({quote(c)} as varchar) as {quote(c)}" if t == "JSON" else quote(c) for c, t in columns
    )
    con.execute(
        f"copy (select {select} from {table}) to '{scratch}' "
        f"(format parquet, compression zstd, file_size_bytes '{FILE_SIZE}', per_thread_output false)"
    )
    if not any(scratch.glob("*.parquet")):  # an empty table: one file with the schema
        scratch.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"copy (select {select} from {table} limit 0) to '{scratch / 'data_0.parquet'}' (format parquet)"
        )
    os.rename(scratch, version)
    spark_columns = ", ".join(f"`{c}` {SPARK_TYPES[t]}" for c, t in columns)
    spark.sql(f"create database if not exists `{RAW_SCHEMA}`")
    if current is None:
        spark.sql(f"create table {_spark_ident(table)} ({spark_columns}) using parquet location '{version}'")
    else:
        spark.sql(f"alter table {_spark_ident(table)} set location '{version}'")
        spark.sql(f"refresh table {_spark_ident(table)}")
    for old in folder.glob("v-*"):
        if old != version:
            shutil.rmtree(old, ignore_errors=True)
    return TableCopy(table, rows, "copied", str(version), time.perf_counter() - started)


def copy_to_spark(con: duckdb.DuckDBPyConnection, spark=None) -> list[TableCopy]:  # noqa: ANN001
    """Copy every raw table of the landing database whose content Spark does not have yet."""
    spark = spark or spark_session()
    return [copy_table(con, spark, table) for table in COPIED_TABLES]


def land_in_spark(
    raw_root: str | Path,
    *,
    as_of: datetime | None = None,
    progress: Progress | None = None,
    settle_seconds: float = 0.0,
    wait: float | None = None,
    notify: Notify | None = None,
) -> SparkLandingReport:
    """Land every new file under ``raw_root`` in the landing database, then copy to Spark."""
    with warehouse(landing_database(), wait=wait, notify=notify, purpose="ewh spark ingest") as con:
        report = ingest(raw_root, con, as_of=as_of, progress=progress, settle_seconds=settle_seconds)
        copies = copy_to_spark(con)
    return SparkLandingReport(report, copies)
