"""Land raw dumps in DuckDB as they are.

Every file under the raw root lies in ``<source>/<stream>/…`` and lands in
``raw.<source>__<stream>``: the stream's fields typed, nested objects kept as JSON, the fields
outside the contract in ``_extra``, plus ``_file``, ``_line``, ``_file_hash`` and ``_loaded_at``.

- idempotent: a file whose sha256 is already in ``raw._manifest`` is skipped, under any name;
- atomic: files land in batches (many small files of one stream per transaction), each batch
  with its rows, its quarantine rows and its manifest rows in one transaction, so every file
  is all there or not there at all; a file that fails is retried on its own, and a file that
  still fails is that file's failure — the others land, and the report says why;
- no silent loss: a line that is not JSON (strictly: no NaN, Infinity or trailing commas), not
  an object, lacks its key or has a value that cannot be typed goes to ``raw._quarantine`` with
  its reason and text; a file that cannot be read at all gets one quarantine row;
- erased people stay erased: rows about ids in ``raw._tombstones`` are dropped and counted;
- retention holds: rows already past their retention period (``ingestion/retention.py``) are
  dropped and counted as expired, IP addresses older than their period are nulled, and a
  soft-deleted behavior row deletes its id for good (a tombstone);
- unknown streams and formats, and files outside the raw root, are refused, nothing written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ingestion.landing import jsonl
from ingestion.landing import parquet as parquet_files
from ingestion.landing.discovery import RawFile, discover
from ingestion.landing.report import FileResult, IngestReport, Progress
from ingestion.landing.sql import jsonl_working_table, parquet_select, sql_str
from ingestion.privacy import DELETED_ROW_KEYS, tombstone_filter
from ingestion.retention import apply_rule, landing_rules
from ingestion.streams import (
    LANDING_COLUMNS,
    MANIFEST_TABLE,
    QUARANTINE_TABLE,
    TOMBSTONE_TABLE,
    Stream,
)
from ingestion.warehouse import quote

BATCH_BYTES = 256 * 1024 * 1024  # files of one stream landed in one transaction, up to this size
# Soft-deleted rows (a delete marker the producer sends): key column, marker column, tombstone kind.
SOFT_DELETES = {table: (key, "deleted_at", kind) for table, (key, kind) in DELETED_ROW_KEYS.items()}


@dataclass
class _FileCounts:
    landed: int = 0
    quarantined: int = 0
    erased: int = 0
    expired: int = 0


@dataclass
class _Batch:
    stream: Stream
    files: list[RawFile]
    hashes: list[str]
    counts: list[_FileCounts] = field(default_factory=list)
    unreadable: dict[int, str] = field(default_factory=dict)  # file index -> reason
    registered: list[str] = field(default_factory=list)  # Arrow tables registered for the batch


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _landed_hashes(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> dict[str, str]:
    if not hashes:
        return {}
    rows = con.execute(
        f"select file_hash, file_path from {MANIFEST_TABLE} where file_hash in (select unnest(?))", [hashes]
    ).fetchall()
    return dict(rows)


def _batches(stream_files: list[tuple[RawFile, str]]) -> Iterator[list[tuple[RawFile, str]]]:
    """Consecutive files of one stream and format, up to BATCH_BYTES together."""
    batch: list[tuple[RawFile, str]] = []
    size = 0
    for item in stream_files:
        raw = item[0]
        if batch and (
            size + raw.size > BATCH_BYTES or (raw.fmt == ".parquet") != (batch[0][0].fmt == ".parquet")
        ):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += raw.size
    if batch:
        yield batch


def ingest(
    raw_root: str | Path,
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime | None = None,
    progress: Progress | None = None,
    settle_seconds: float = 0.0,
    only: Iterable[Stream] | None = None,
) -> IngestReport:
    """Land every new file under ``raw_root`` (of the ``only`` streams, default all).

    ``as_of`` (default now) is the time retention periods count back from. Files changed less
    than ``settle_seconds`` ago are left for a later run (``pending``).
    """
    raw_root = Path(raw_root)
    if not raw_root.is_dir():
        raise FileNotFoundError(
            f"raw folder {raw_root} does not exist; run `ewh generate` or put dumps there as <source>/<stream>/…"
        )
    as_of = as_of or _now()
    report = IngestReport(batch_id=uuid.uuid4().hex[:16])
    candidates, others = discover(raw_root, settle_seconds=settle_seconds)
    if only is not None:
        tables = {s.table for s in only}
        candidates = [c for c in candidates if c.stream.table in tables]
        others = [o for o in others if o.table is None or o.table in tables]
    total = len(candidates) + len(others)
    done = 0

    def tell(result: FileResult) -> None:
        nonlocal done
        done += 1
        report.files.append(result)
        if progress:
            progress(done, total, result)

    for result in others:
        tell(result)
    hashed = [(c, sha256_of(c.path)) for c in candidates]
    seen = _landed_hashes(con, [h for _, h in hashed])
    fresh: list[tuple[RawFile, str]] = []
    in_run: dict[str, str] = {}
    for raw, digest in hashed:
        if digest in seen or digest in in_run:
            tell(
                FileResult(
                    raw.rel,
                    raw.stream.table,
                    "skipped",
                    message=f"already landed as {seen.get(digest) or in_run[digest]}",
                )
            )
            continue
        in_run[digest] = raw.rel
        fresh.append((raw, digest))
    by_stream: dict[str, list[tuple[RawFile, str]]] = {}
    for item in fresh:
        by_stream.setdefault(item[0].stream.table, []).append(item)
    for items in by_stream.values():
        for batch in _batches(items):
            for result in _land_batch_or_each(con, batch, as_of, report.batch_id):
                tell(result)
    return report


def _land_batch_or_each(
    con: duckdb.DuckDBPyConnection, items: list[tuple[RawFile, str]], as_of: datetime, batch_id: str
) -> list[FileResult]:
    """Land ``items`` in one transaction; when that fails, land each file on its own (a Parquet
    file that fails again is read once more with pyarrow, and recorded as unreadable when that
    fails too)."""
    try:
        return _land_batch(con, items, as_of, batch_id)
    except duckdb.Error as error:
        failure = error
        if len(items) == 1 and items[0][0].fmt == ".parquet":
            try:
                return _land_batch(con, items, as_of, batch_id, via_arrow=True)
            except duckdb.Error as again:
                failure = again
        if len(items) == 1:
            raw = items[0][0]
            first = str(failure).splitlines()[0]
            return [
                FileResult(
                    raw.rel,
                    raw.stream.table,
                    "failed",
                    message=f"{raw.rel}: could not be landed ({first}); it stays in the raw folder and is "
                    "tried again on the next run",
                )
            ]
    results: list[FileResult] = []
    for item in items:
        results += _land_batch_or_each(con, [item], as_of, batch_id)
    return results


def _land_batch(
    con: duckdb.DuckDBPyConnection,
    items: list[tuple[RawFile, str]],
    as_of: datetime,
    batch_id: str,
    *,
    via_arrow: bool = False,
) -> list[FileResult]:
    started = time.perf_counter()
    stream = items[0][0].stream
    batch = _Batch(stream, [raw for raw, _ in items], [digest for _, digest in items])
    batch.counts = [_FileCounts() for _ in items]
    loaded_at = _now()
    parquet = items[0][0].fmt == ".parquet"
    sources: list[parquet_files.ParquetSource] = []
    if parquet:  # before the transaction starts: a file DuckDB cannot read would abort it
        sources, unreadable, batch.registered = parquet_files.probe(con, batch.files, via_arrow=via_arrow)
        batch.unreadable.update(unreadable)
    con.begin()
    try:
        _register_files(con, batch)
        if parquet:
            _land_parquet(con, batch, sources, loaded_at, as_of)
        else:
            _land_jsonl(con, batch, loaded_at, as_of)
        _record_unreadable(con, batch, loaded_at)
        _record_manifest(con, batch, loaded_at, batch_id)
        con.commit()
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise
    finally:
        for name in ("__files", "__lines", *batch.registered):
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)
        with contextlib.suppress(duckdb.Error):
            con.execute("drop table if exists __landing")
    seconds = (time.perf_counter() - started) / max(len(items), 1)
    results = []
    for i, raw in enumerate(batch.files):
        c = batch.counts[i]
        message = batch.unreadable.get(i, "")
        results.append(
            FileResult(
                raw.rel,
                stream.table,
                "landed",
                c.landed,
                c.quarantined,
                c.erased,
                c.expired,
                seconds,
                message,
            )
        )
    return results


def _register_files(con: duckdb.DuckDBPyConnection, batch: _Batch) -> None:
    files = pa.table(
        {
            "__file_index": pa.array(range(len(batch.files)), pa.int32()),
            "__file": pa.array([f.rel for f in batch.files], pa.string()),
            "__file_hash": pa.array(batch.hashes, pa.string()),
        }
    )
    con.register("__files", files)


# ---------------------------------------------------------------- JSONL


def _land_jsonl(con: duckdb.DuckDBPyConnection, batch: _Batch, loaded_at: datetime, as_of: datetime) -> None:
    pending: list[pa.Table] = []
    pending_bytes = 0
    for index, raw in enumerate(batch.files):
        try:
            for lines in jsonl.read_lines(
                raw.path, gzipped=raw.fmt == ".jsonl.gz", chunk_bytes=jsonl.CHUNK_BYTES
            ):
                pending.append(
                    lines.append_column("__file_index", pa.array(np.full(lines.num_rows, index, np.int32)))
                )
                pending_bytes += lines.column("__text").nbytes
                if pending_bytes >= jsonl.CHUNK_BYTES:
                    _land_lines(con, batch, pa.concat_tables(pending), loaded_at, as_of)
                    pending, pending_bytes = [], 0
        except jsonl.UnreadableFile as exc:  # raised before the file yields any line
            batch.unreadable[index] = str(exc)
    if pending:
        _land_lines(con, batch, pa.concat_tables(pending), loaded_at, as_of)


def _land_lines(
    con: duckdb.DuckDBPyConnection, batch: _Batch, lines: pa.Table, loaded_at: datetime, as_of: datetime
) -> None:
    con.register("__lines", lines)
    try:
        con.execute(jsonl_working_table(batch.stream, loaded_at.isoformat(sep=" ")))
    finally:
        with contextlib.suppress(duckdb.Error):  # after a failed statement the batch rolls back
            con.unregister("__lines")
    _reject_lenient_json(con)
    _finish(con, batch, as_of)


def _strict_json_error(text: str) -> str | None:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    try:
        json.loads(text, parse_constant=refuse)
    except RecursionError:
        return None  # nesting too deep for Python's parser; DuckDB's reader accepted it
    except ValueError as exc:
        return str(exc).split(":")[0] if "is not JSON" not in str(exc) else str(exc)
    return None


def _reject_lenient_json(con: duckdb.DuckDBPyConnection) -> None:
    """Quarantine lines that DuckDB's reader accepts but JSON does not (NaN, trailing commas)."""
    suspects = con.execute(
        "select rowid, __text from __landing where __reason is null and __text is not null"
    ).fetchall()
    bad = [(rowid, error) for rowid, text in suspects if (error := _strict_json_error(text))]
    if bad:
        con.executemany(
            "update __landing set __reason = 'invalid JSON (' || ? || ')' where rowid = ?",
            [(error, rowid) for rowid, error in bad],
        )


# ---------------------------------------------------------------- Parquet


def _land_parquet(
    con: duckdb.DuckDBPyConnection,
    batch: _Batch,
    sources: list[parquet_files.ParquetSource],
    loaded_at: datetime,
    as_of: datetime,
) -> None:
    stamp = loaded_at.isoformat(sep=" ")
    selects = [
        parquet_select(
            batch.stream,
            src.source,
            src.columns,
            file_index=src.index,
            file=batch.files[src.index].rel,
            file_hash=batch.hashes[src.index],
            line=src.line,
            loaded_at=stamp,
        )
        for src in sources
    ]
    if selects:
        con.execute("create or replace temp table __landing as " + "\nunion all\n".join(selects))
        _finish(con, batch, as_of)


# ---------------------------------------------------------------- shared tail


def _finish(con: duckdb.DuckDBPyConnection, batch: _Batch, as_of: datetime) -> None:
    """Drop erased and expired rows from ``__landing``, null old IPs, store rows and quarantine."""
    stream = batch.stream
    alive = "__reason is null and __drop is null"
    erased = tombstone_filter(stream.table, quote)
    if erased and con.execute(f"select count(*) from {TOMBSTONE_TABLE}").fetchone()[0]:
        con.execute(f"update __landing set __drop = 'erased' where {alive} and coalesce({erased}, false)")
    soft = SOFT_DELETES.get(stream.table)
    if soft:
        _purge_soft_deleted(con, stream, soft, as_of)
    for rule in landing_rules(stream.table):
        apply_rule(con, rule, as_of, relation="__landing", where=alive, delete_sets="__drop = 'expired'")
    raw_columns = ", ".join(quote(c) for c in [*stream.field_names, *(name for name, _ in LANDING_COLUMNS)])
    con.execute(
        f"insert into {stream.qualified_table} ({raw_columns}) select {raw_columns} from __landing where {alive}"
    )
    con.execute(
        f"""insert into {QUARANTINE_TABLE}
        select {sql_str(stream.table)}, _file, _file_hash, _line, __reason, __text, _loaded_at
        from __landing where __reason is not null"""
    )
    rows = con.execute(
        f"""select __file_index,
            count(*) filter (where {alive}),
            count(*) filter (where __reason is not null),
            count(*) filter (where __reason is null and __drop = 'erased'),
            count(*) filter (where __reason is null and __drop = 'expired')
        from __landing group by __file_index"""
    ).fetchall()
    for index, landed, quarantined, erased_rows, expired in rows:
        c = batch.counts[index]
        c.landed += landed
        c.quarantined += quarantined
        c.erased += erased_rows
        c.expired += expired
    con.execute("drop table __landing")


def _purge_soft_deleted(
    con: duckdb.DuckDBPyConnection, stream: Stream, soft: tuple[str, str, str], as_of: datetime
) -> None:
    """A row that carries a delete marker deletes its id: earlier copies go, later ones never land."""
    key, marker, kind = soft
    ids = [
        r[0]
        for r in con.execute(
            f"select distinct {quote(key)} from __landing where __reason is null and __drop is null "
            f"and {quote(marker)} is not null and {quote(marker)} <= ?",
            [as_of],
        ).fetchall()
    ]
    if not ids:
        return
    con.execute(
        f"insert into {TOMBSTONE_TABLE} select sha256(id), ?, sha256(id), 'soft-deleted by its producer', ? "
        "from (select unnest(?) as id) where sha256(id) not in (select erased_id_sha256 from "
        f"{TOMBSTONE_TABLE} where id_kind = ?)",
        [kind, _now(), ids, kind],
    )
    con.execute(f"delete from {stream.qualified_table} where {quote(key)} in (select unnest(?))", [ids])


def _record_unreadable(con: duckdb.DuckDBPyConnection, batch: _Batch, loaded_at: datetime) -> None:
    for index, reason in batch.unreadable.items():
        raw = batch.files[index]
        con.execute(
            f"insert into {QUARANTINE_TABLE} values (?, ?, ?, null, ?, null, ?)",
            [batch.stream.table, raw.rel, batch.hashes[index], reason, loaded_at],
        )
        batch.counts[index] = _FileCounts(quarantined=1)


def _record_manifest(
    con: duckdb.DuckDBPyConnection, batch: _Batch, loaded_at: datetime, batch_id: str
) -> None:
    rows = []
    for index, raw in enumerate(batch.files):
        c = batch.counts[index]
        rows.append(
            (
                batch.hashes[index],
                raw.rel,
                batch.stream.table,
                raw.fmt,
                raw.size,
                c.landed,
                c.quarantined,
                c.erased,
                c.expired,
                batch_id,
                loaded_at,
            )
        )
    if not rows:
        return
    # one insert of all the batch's rows (executemany is one statement per row)
    placeholders = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
    con.execute(f"insert into {MANIFEST_TABLE} values {placeholders}", [v for row in rows for v in row])
