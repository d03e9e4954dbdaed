"""Open the DuckDB warehouse: one writer at a time, waiting politely, one-line errors.

DuckDB lets one process write a file and, while it does, no other process may open it (a
read-only opener can share the file with other readers only). Two locks keep writers apart:

- the **writer lock**, an advisory ``flock`` on ``<warehouse>.lock`` that every writing command
  and every Dagster run holds for as long as it works (so a CLI command and a scheduled run
  never interleave, even between the steps of a run), re-entrant within one process;
- DuckDB's own file lock, which a notebook or BI tool opening the warehouse also takes.

A writer that finds either taken waits (``wait`` seconds, default ``EWH_LOCK_WAIT`` or 10
minutes) and then raises :class:`WarehouseBusyError` whose message names the process that holds
it and what to do. Readers should open the serving database (``ingestion/serving.py``) instead,
which is never locked by a build.

:func:`warehouse` is the one way to open the warehouse; it creates every raw table of the
landing contract (``ingestion/streams.py``) when it opens the file for writing.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion import config
from ingestion.streams import (
    JSON,
    LANDING_COLUMNS,
    MANIFEST_TABLE,
    QUARANTINE_TABLE,
    RAW_SCHEMA,
    STREAMS,
    TOMBSTONE_TABLE,
    Stream,
)

Notify = Callable[[str], None]


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class WarehouseError(RuntimeError):
    """The warehouse cannot be used as asked; the message is one line that says what to do."""


class WarehouseBusyError(WarehouseError):
    """Another process holds the warehouse (the writer lock or DuckDB's file lock)."""


class WarehouseMissingError(WarehouseError):
    """There is no warehouse file yet."""


# ------------------------------------------------------------------ durations


def parse_duration(text: str) -> float:
    """'600', '90s', '10m', '1h' -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text or "")
    if not match:
        raise ValueError(f"not a duration: {text!r} (use seconds, or e.g. 90s, 10m, 1h)")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def format_duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# ------------------------------------------------------------------ who holds a lock


def process_command(pid: int) -> str | None:
    """The command line of a running process (Linux /proc), shortened; None when unknown."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    parts = [p.decode(errors="replace") for p in raw.split(b"\0") if p]
    if not parts:
        return None
    # `python -m x ...` / `/venv/bin/ewh build`: drop the interpreter path, keep the tool and args
    shown = [Path(parts[0]).name, *parts[1:]]
    if shown[0].startswith("python") and len(shown) > 1:
        shown = [Path(shown[1]).name, *shown[2:]] if not shown[1].startswith("-") else shown
    text = " ".join(shown)
    return text if len(text) <= 100 else text[:97] + "..."


def _describe_pid(pid: int) -> str:
    command = process_command(pid)
    return f"PID {pid} (`{command}`)" if command else f"PID {pid}"


def _duckdb_lock_holder(message: str) -> str:
    match = re.search(r"\(PID (\d+)\)", message)
    return _describe_pid(int(match.group(1))) if match else "another process"


def _is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "Could not set lock" in str(exc)


# ------------------------------------------------------------------ the writer lock


@dataclass
class _Held:
    handle: object
    depth: int


_held: dict[str, _Held] = {}  # re-entrancy within this process: lock path -> open handle
_held_guard = threading.Lock()


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def _holder_note(path: Path) -> str:
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "another process"
    pid = info.get("pid")
    since = info.get("since")
    what = _describe_pid(int(pid)) if pid else "another process"
    if since:
        try:
            age = (datetime.now(UTC) - datetime.fromisoformat(since)).total_seconds()
            what += f", holding it for {format_duration(age)}"
        except ValueError:
            pass
    return what


@contextlib.contextmanager
def writer_lock(
    warehouse: Path, *, wait: float | None = None, purpose: str = "", notify: Notify | None = None
) -> Iterator[None]:
    """Hold the warehouse's writer lock (re-entrant in one process); wait up to ``wait`` seconds."""
    warehouse = Path(warehouse)
    path = lock_path(warehouse)
    key = str(path.resolve())
    wait = config.lock_wait_seconds() if wait is None else wait
    with _held_guard:
        held = _held.get(key)
        if held is not None:
            held.depth += 1
    if held is not None:
        try:
            yield
        finally:
            with _held_guard:
                held.depth -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    deadline = time.monotonic() + wait
    told = False
    delay = 0.1
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                handle.close()
                raise
            holder = _holder_note(path)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                handle.close()
                raise WarehouseBusyError(
                    f"warehouse {warehouse} is busy: {holder} holds its writer lock"
                    f"{'' if wait == 0 else f' (waited {format_duration(wait)})'}; wait for it to finish or "
                    "stop it, or run again with a longer --wait (e.g. --wait 30m)"
                ) from None
            if notify and not told:
                notify(
                    f"waiting for the warehouse: {holder} holds its writer lock (up to {format_duration(wait)})"
                )
                told = True
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 2.0)
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "since": datetime.now(UTC).isoformat(), "purpose": purpose}))
    handle.flush()
    with _held_guard:
        _held[key] = _Held(handle, 1)
    try:
        yield
    finally:
        with _held_guard:
            _held.pop(key, None)
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


# ------------------------------------------------------------------ opening the file


def _check_path(path: Path, *, read_only: bool) -> None:
    if path.is_dir():
        raise WarehouseError(
            f"EWH_WAREHOUSE points to the folder {path}; point it to a DuckDB file such as data/warehouse.duckdb"
        )
    if read_only and not path.exists():
        raise WarehouseMissingError(
            f"warehouse {path} does not exist yet: run `ewh ingest` (or `make demo`) first, or set EWH_WAREHOUSE"
        )


def _connect(
    path: Path, *, read_only: bool = False, wait: float | None = None, notify: Notify | None = None
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that waits while another process holds the file, with one-line errors.

    Callers open the warehouse with :func:`warehouse` (a context manager), never with this."""
    path = Path(path)
    _check_path(path, read_only=read_only)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    wait = config.lock_wait_seconds() if wait is None else wait
    memory_limit, threads = config.duckdb_memory_limit(), config.duckdb_threads()
    deadline = time.monotonic() + wait
    told = False
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            message = str(exc)
            if "not a valid DuckDB database" in message:
                raise WarehouseError(
                    f"{path} is not a DuckDB database; point EWH_WAREHOUSE to a .duckdb file "
                    "(or move that file away and run `ewh ingest` to create a new warehouse)"
                ) from None
            if not _is_lock_conflict(exc):
                raise WarehouseError(f"cannot open {path}: {message.splitlines()[0]}") from None
            holder = _duckdb_lock_holder(message)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                hint = (
                    "close that connection (BI tools and notebooks should open the serving database, "
                    f"{config.serving_path()}, instead)"
                    if not read_only
                    else "a build is writing it; read the serving database instead"
                )
                raise WarehouseBusyError(
                    f"warehouse {path} is open in {holder}"
                    f"{'' if wait == 0 else f' (waited {format_duration(wait)})'}; {hint}, "
                    "or run again with a longer --wait (e.g. --wait 30m)"
                ) from None
            if notify and not told:
                notify(f"waiting for the warehouse: it is open in {holder} (up to {format_duration(wait)})")
                told = True
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 2.0)
    con.execute("set TimeZone = 'UTC'")
    # the dbt profile's limits: without them DuckDB takes 80 % of the machine's memory and
    # every core, and landing 100 M events held 10.7 GB
    try:
        con.execute("set memory_limit = ?", [memory_limit])
    except duckdb.Error:
        con.close()
        raise config.ConfigError(
            f"EWH_DUCKDB_MEMORY_LIMIT={memory_limit!r} is not a memory size DuckDB understands; "
            "set it to e.g. 8GB"
        ) from None
    con.execute(f"set threads = {threads}")
    return con


@contextlib.contextmanager
def warehouse(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    notify: Notify | None = None,
    purpose: str = "",
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, open for writing (under the writer lock, raw tables ensured) or read-only."""
    path = config.warehouse_path() if path is None else config.resolve(path)
    if read_only:
        con = _connect(path, read_only=True, wait=wait, notify=notify)
        try:
            yield con
        finally:
            con.close()
        return
    _check_path(path, read_only=False)
    with writer_lock(path, wait=wait, purpose=purpose, notify=notify):
        con = _connect(path, wait=wait, notify=notify)
        try:
            # Landing commits once per batch; checkpointing the WAL every 16 MB (the default)
            # made landing many files twice as slow. DuckDB still checkpoints on close.
            con.execute("set checkpoint_threshold = '1GB'")
            ensure_raw_schema(con)
            yield con
        finally:
            con.close()


def wait_until_free(path: Path, *, wait: float | None = None, notify: Notify | None = None) -> None:
    """Return once no other process has the file open (a subprocess such as dbt can then open it)."""
    _connect(path, wait=wait, notify=notify).close()


# ------------------------------------------------------------------ raw schema


def _column_ddl(name: str, dtype: str) -> str:
    # JSON text compresses several times better with zstd than with DuckDB's default for strings.
    return f"{quote(name)} {dtype}" + (" using compression zstd" if dtype == JSON else "")


def raw_table_ddl(stream: Stream) -> str:
    columns = [_column_ddl(name, dtype) for name, dtype in stream.fields + LANDING_COLUMNS]
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
  rows_expired bigint not null,
  batch_id varchar not null,
  landed_at timestamp not null
)""",
    f"""create table if not exists {QUARANTINE_TABLE} (
  table_name varchar not null,
  file_path varchar not null,
  file_hash varchar not null,
  line bigint,
  reason varchar not null,
  raw_text varchar using compression zstd,
  quarantined_at timestamp not null
)""",
    # ids erased on request (ewh forget) and soft-deleted rows: landing drops their rows from any
    # file landed later. Only the SHA-256 digests of the ids are kept, so the erased values are
    # nowhere in the file, yet a row naming one is still recognised.
    f"""create table if not exists {TOMBSTONE_TABLE} (
  erased_id_sha256 varchar not null,
  id_kind varchar not null,
  subject_id_sha256 varchar not null,
  reason varchar,
  erased_at timestamp not null
)""",
)


def _hash_plain_tombstones(con: duckdb.DuckDBPyConnection) -> None:
    """Tombstones of older versions held the erased ids themselves: keep only their digests."""
    plain = con.execute(
        "select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
        "and column_name = 'erased_id'",
        [RAW_SCHEMA, TOMBSTONE_TABLE.split(".")[1]],
    ).fetchone()[0]
    if not plain:
        return
    con.execute("begin")
    con.execute(
        f"create table {RAW_SCHEMA}.__tombstones_hashed as select sha256(erased_id) as erased_id_sha256, "
        f"id_kind, sha256(subject_id) as subject_id_sha256, reason, erased_at from {TOMBSTONE_TABLE}"
    )
    con.execute(f"drop table {TOMBSTONE_TABLE}")
    con.execute(f"alter table {RAW_SCHEMA}.__tombstones_hashed rename to {TOMBSTONE_TABLE.split('.')[1]}")
    con.execute("commit")


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, every raw table of the contract, the manifest and the quarantine."""
    present = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = ?",
        [RAW_SCHEMA],
    ).fetchone()[0]
    if present >= len(STREAMS) + len(BOOKKEEPING_DDL):
        _hash_plain_tombstones(con)
        return  # an existing warehouse: nothing to create (the usual case, on every open)
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    old = con.execute(
        "select count(*) from information_schema.columns where table_schema = ? and column_name = '_record'",
        [RAW_SCHEMA],
    ).fetchone()[0]
    if old:
        raise WarehouseError(
            "this warehouse was created by an older version (raw tables with _record); land the raw "
            "dumps into a new one (`ewh demo --fresh`, or move the file away and run `ewh ingest`)"
        )
    for ddl in BOOKKEEPING_DDL:
        con.execute(ddl)
    for stream in STREAMS:
        con.execute(raw_table_ddl(stream))
