"""``ewh build``: dbt build on the warehouse, then the marts published to the serving database.

The whole build holds the warehouse's writer lock (``ingestion/warehouse.py``), and waits for
readers that still have the file open (DuckDB lets no other process open a file while one
writes it) before dbt starts. After a successful build the marts are published to the serving
database (``ingestion/serving.py``); a failed build publishes nothing, so readers keep the last
good state.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from ingestion import config
from ingestion.dbt_runner import LOCK_CONFLICT, DbtResult, run_dbt
from ingestion.serving import Published, publish
from ingestion.streams import STREAMS
from ingestion.warehouse import Notify, wait_until_free, warehouse, writer_lock

# The main event time of each raw stream, for the data's time range.
_TIME_FIELDS = {
    "product__tracks": "received_at",
    "behavior__events": '"timestamp"',
    "widget__events": "received_at",
    "widget__sessions": "created_at",
    "client_success__events": "created_at",
    "conversations__conversations": '"startTime"',
}


def format_as_of(value: datetime) -> str:
    """Naive UTC 'YYYY-MM-DD HH:MM:SS', the form of the dbt var ``as_of``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class BuildResult:
    dbt: DbtResult
    seconds: float
    published: Published | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.dbt.returncode == 0


def data_range(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, datetime | None, int]:
    """First and last event time landed, and the number of raw rows."""
    parts = [
        f"select min({column}) as lo, max({column}) as hi, count(*) as n from raw.{table}"
        for table, column in _TIME_FIELDS.items()
    ]
    lo, hi, _ = con.execute(f"select min(lo), max(hi), sum(n) from ({' union all '.join(parts)})").fetchone()
    rows = sum(con.execute(f"select count(*) from {s.qualified_table}").fetchone()[0] for s in STREAMS)
    return lo, hi, rows


def as_of_notes(as_of: datetime | None, lo: datetime | None, hi: datetime | None, rows: int) -> list[str]:
    """Warnings about a build whose as_of or data will give empty or odd marts."""
    if rows == 0:
        return [
            "nothing landed yet: every raw table is empty, so every mart will be empty; land dumps "
            "first (`ewh ingest`, or `make demo` for sample data)"
        ]
    notes = []
    when = as_of or datetime.now(UTC).replace(tzinfo=None)
    if lo and when < lo:
        notes.append(
            f"--as-of {format_as_of(when)} is before the first landed event ({format_as_of(lo)}): "
            "every time-relative mart will be empty"
        )
    elif hi and when > hi + timedelta(days=30):
        notes.append(
            f"--as-of {format_as_of(when)} is {(when - hi).days} days after the last landed event "
            f"({format_as_of(hi)}): scores and windows will see no recent activity"
        )
    if as_of and as_of > datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1):
        notes.append(f"--as-of {format_as_of(as_of)} lies in the future")
    return notes


def dbt_build_args(
    *,
    full_refresh: bool = False,
    select: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    unit_tests: bool = True,
) -> list[str]:
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


def build(
    *,
    warehouse_path: Path | None = None,
    serving_path: Path | None = None,
    as_of: datetime | None = None,
    full_refresh: bool = False,
    select: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    unit_tests: bool = True,
    wait: float | None = None,
    notify: Notify | None = None,
    on_line: Callable[[str], None] | None = None,
    target_path: Path | None = None,
) -> BuildResult:
    """dbt build as of ``as_of`` (default now); on success, publish the marts for readers."""
    started = time.perf_counter()
    path = warehouse_path or config.warehouse_path()
    serving = serving_path or config.serving_path()
    explicit = as_of is not None
    # "now" is fixed once, so the build and the serving file's meta.build agree on it
    as_of = as_of or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    as_of_text = format_as_of(as_of)
    with writer_lock(path, wait=wait, purpose="dbt build", notify=notify):
        with warehouse(path, wait=wait, notify=notify) as con:  # every raw table exists
            notes = as_of_notes(as_of if explicit else None, *data_range(con))
        for note in notes:
            if notify:
                notify(f"note: {note}")
        args = dbt_build_args(
            full_refresh=full_refresh, select=select, exclude=exclude, unit_tests=unit_tests
        )
        for attempt in range(2):
            wait_until_free(path, wait=wait, notify=notify)
            result = run_dbt(
                args, warehouse=path, as_of=as_of_text, check=False, on_line=on_line, target_path=target_path
            )
            # a reader may open the file between our wait and dbt's start: wait once more
            if result.returncode == 0 or LOCK_CONFLICT not in result.output or attempt:
                break
        outcome = BuildResult(result, 0.0, notes=notes)
        if result.returncode == 0:
            with warehouse(path, wait=wait, notify=notify) as con:
                outcome.published = publish(con, serving, as_of=as_of_text, build_summary=result.summary())
    outcome.seconds = time.perf_counter() - started
    return outcome
