"""Write generated records as day-partitioned files, injecting the configured faults.

Each stream arrives as a ``Frame``: an Arrow table of compact source columns (codes,
epoch milliseconds, numbers) and a DuckDB ``SELECT`` that formats them into the stream's
records (ids, ISO-8601 times, nested JSON objects). DuckDB's ``COPY`` writes one file per
day: ``<out>/<source>/<stream>/dt=YYYY-MM-DD/part-0.<jsonl|jsonl.gz|parquet>``.

Layout of a frame's table: ``_rec`` (record number), ``_day`` (epoch day of the file the
record goes to), ``_ord`` (order inside the file, usually the arrival time in ms) plus
whatever the SELECT reads. The SELECT reads ``{src}`` and must pass ``_rec``, ``_copy``
and ``_ord`` through. A nested frame (widget batches) has one row per list element: the
writer formats each element with the frame's element SQL, nests consecutive rows of a
record into one list (Arrow offsets, no GROUP BY) and the SELECT then sees one row per
record, with the batch-level columns of its first element.
"""

from __future__ import annotations

import gzip
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ingestion.generate.config import DAY_MS, GenerateReport
from ingestion.streams import JSON, Stream

BAD_KINDS = ("invalid_json", "json_array", "missing_key")


@dataclass(frozen=True)
class Frame:
    """One stream's records, ready to be written."""

    stream: Stream
    table: pa.Table
    select: str
    nest: tuple[str, str] | None = None  # (list column, SQL of one element): one row per element


def connect(salt: str, threads: int = 2) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the formatting macros the SELECTs use."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set threads = {int(threads)}")
    con.execute("set preserve_insertion_order = true")
    con.execute("set arrow_lossless_conversion = true")  # JSON stays JSON through Arrow
    macros = {
        "gid(tag, n)": f"md5('{salt}:' || tag || ':' || n)::UUID::VARCHAR",
        "hexid(tag, n, len)": f"substr(md5('{salt}:' || tag || ':' || n), 1, len)",
        "iso(ms)": "strftime(epoch_ms(ms::bigint), '%Y-%m-%dT%H:%M:%S.%gZ')",
        "ipv4(x)": "((x >> 24) & 255) || '.' || ((x >> 16) & 255) || '.' || ((x >> 8) & 255) || '.' || (x & 255)",
    }
    for signature, body in macros.items():
        con.execute(f"create or replace macro {signature} as {body}")
    return con


def sql_list(items: tuple[str, ...]) -> str:
    """A SQL list literal body: ``'a', 'b'``."""
    return ", ".join("'" + item.replace("'", "''") + "'" for item in items)


def day_text(day: int) -> str:
    """``YYYY-MM-DD`` of an epoch day."""
    return datetime.fromtimestamp(day * 86400, tz=UTC).strftime("%Y-%m-%d")


class Writer:
    """Writes frames into ``out_dir`` and records what it wrote in a ``GenerateReport``."""

    def __init__(self, out_dir: Path, fmt: str, con: duckdb.DuckDBPyConnection, end_ms: int,
                 seed: int, rates: tuple[float, float], report: GenerateReport,
                 progress: Callable[[str], None]) -> None:  # fmt: skip
        self.out_dir = out_dir
        self.fmt = fmt
        self.con = con
        self.end_day = end_ms // DAY_MS
        self.seed = seed
        self.duplicate_rate, self.bad_line_rate = rates
        self.report = report
        self.progress = progress

    def write(self, frame: Frame) -> None:
        """Write one stream: duplicates, sort, one file per day, then bad lines and gzip."""
        began = time.perf_counter()
        stream = frame.stream
        rng = np.random.default_rng([self.seed, 7001, _stream_code(stream)])
        table, n_dup = self._with_duplicates(frame, rng)
        files, lines = self._write_days(frame, table)
        self.report.bad_lines_per_stream[stream.table] = 0
        if self.fmt != "parquet":
            self._inject_bad_lines(stream, files, lines, rng)
            if self.fmt == "jsonl.gz":
                files = [_gzip(path) for path in files]
        self.report.files.extend(files)
        self.report.rows_per_stream[stream.table] = int(sum(lines))
        self.report.duplicates_per_stream[stream.table] = n_dup
        self.report.duplicates += n_dup
        self.report.bytes_written += sum(path.stat().st_size for path in files)
        seconds = time.perf_counter() - began
        self.progress(
            f"{stream.source}/{stream.name}: {sum(lines):,} records in {len(files)} files ({seconds:.1f} s)"
        )

    def _with_duplicates(self, frame: Frame, rng: np.random.Generator) -> tuple[pa.Table, int]:
        """Append verbatim copies of some records, a third of them in the next day's file."""
        table = frame.table
        table = table.append_column("_copy", pa.array(np.zeros(len(table), dtype=np.int8)))
        rec = table.column("_rec").to_numpy()
        n_rec = int(rec.max()) + 1 if len(rec) else 0
        k = int(round(self.duplicate_rate * n_rec))
        if k == 0:
            return table, 0
        chosen = np.sort(rng.choice(n_rec, size=k, replace=False))
        later = rng.random(k) < 1 / 3
        rows = np.flatnonzero(np.isin(rec, chosen)) if frame.nest else chosen
        shift = later[np.searchsorted(chosen, rec[rows])]
        copies = table.take(pa.array(rows))
        day = copies.column("_day").to_numpy()
        day = np.where(shift & (day < self.end_day), day + 1, day)
        copies = copies.set_column(copies.schema.get_field_index("_day"), "_day", pa.array(day))
        copies = copies.set_column(
            copies.schema.get_field_index("_copy"), "_copy", pa.array(np.ones(len(copies), np.int8))
        )
        return pa.concat_tables([table, copies]), k

    def _write_days(self, frame: Frame, table: pa.Table) -> tuple[list[Path], list[int]]:
        """Sort by file day and order, then COPY each day's slice into its own file."""
        cols = [table.column(c).to_numpy() for c in ("_copy", "_rec", "_ord", "_day")]
        order = np.lexsort(cols)
        table = table.take(pa.array(order))
        days = cols[3][order]
        bounds = np.flatnonzero(np.diff(days)) + 1
        starts = np.concatenate([[0], bounds]) if len(days) else np.zeros(0, dtype=np.int64)
        ends = np.concatenate([bounds, [len(days)]]) if len(days) else np.zeros(0, dtype=np.int64)
        query = self._final_query(frame)
        files: list[Path] = []
        lines: list[int] = []
        for a, b in zip(starts, ends, strict=True):
            part = table.slice(int(a), int(b - a))
            if frame.nest:
                part = self._nested(part, *frame.nest)
            path = self._path(frame.stream, int(days[a]))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.con.register("src", part)
            options = "format parquet, compression zstd" if self.fmt == "parquet" else "format json"
            self.con.execute(f"copy ({query}) to '{_sql_path(path)}' ({options})")
            self.con.unregister("src")
            files.append(path)
            lines.append(len(part))
        return files, lines

    def _nested(self, part: pa.Table, column: str, element_sql: str) -> pa.Table:
        """One row per record: the first row's columns plus the list of formatted elements."""
        self.con.register("src", part)
        elements = self.con.sql(f"select {element_sql} as element from src").to_arrow_table()
        self.con.unregister("src")
        rec = part.column("_rec").to_numpy().astype(np.int64) * 2 + part.column("_copy").to_numpy()
        first = np.flatnonzero(np.diff(rec, prepend=-1) != 0)
        bounds = np.append(first, len(rec)).astype(np.int32)
        nested = pa.ListArray.from_arrays(pa.array(bounds), elements.column("element").combine_chunks())
        return part.take(pa.array(first)).append_column(column, nested)

    def _final_query(self, frame: Frame) -> str:
        """Project the stream's fields in contract order (JSON fields as JSON in Parquet)."""
        columns = []
        for name, dtype in frame.stream.fields:
            quoted = '"' + name + '"'
            if self.fmt == "parquet" and dtype == JSON:
                columns.append(f"to_json({quoted}) as {quoted}")
            else:
                columns.append(quoted)
        inner = frame.select.replace("{src}", "src")
        return f"select {', '.join(columns)} from ({inner}) order by _ord, _rec, _copy"

    def _path(self, stream: Stream, day: int) -> Path:
        ext = "parquet" if self.fmt == "parquet" else "jsonl"
        return self.out_dir / stream.source / stream.name / f"dt={day_text(day)}" / f"part-0.{ext}"

    def _inject_bad_lines(self, stream: Stream, files: list[Path], lines: list[int],
                          rng: np.random.Generator) -> None:  # fmt: skip
        """Insert malformed lines at random places: invalid JSON, arrays, objects without key."""
        total = sum(lines)
        k = int(round(self.bad_line_rate * total))
        self.report.bad_lines_per_stream[stream.table] = k
        if k == 0:
            return
        per_file = rng.multinomial(k, np.asarray(lines, dtype=float) / total)
        for path, n_bad in zip(files, per_file, strict=True):
            if n_bad:
                self._insert_into(path, stream, int(n_bad), rng)
        self.report.bad_lines += k

    def _insert_into(self, path: Path, stream: Stream, n_bad: int, rng: np.random.Generator) -> None:
        good = path.read_bytes().splitlines()
        kinds = rng.integers(0, len(BAD_KINDS), n_bad)
        sources = rng.integers(0, len(good), n_bad)
        bad = [
            _bad_line(good[s], BAD_KINDS[kind], stream, rng) for s, kind in zip(sources, kinds, strict=True)
        ]
        for kind in kinds:
            key = BAD_KINDS[kind]
            self.report.bad_lines_per_kind[key] = self.report.bad_lines_per_kind.get(key, 0) + 1
        positions = np.sort(rng.integers(0, len(good) + 1, n_bad))
        out: list[bytes] = []
        prev = 0
        for pos, line in zip(positions, bad, strict=True):
            out.extend(good[prev:pos])
            out.append(line)
            prev = pos
        out.extend(good[prev:])
        path.write_bytes(b"\n".join(out) + b"\n")


def _bad_line(line: bytes, kind: str, stream: Stream, rng: np.random.Generator) -> bytes:
    """A malformed variant of a good line."""
    if kind == "invalid_json":
        if rng.random() < 0.2:
            return b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        text = line.decode()
        return text[: int(rng.integers(1, max(2, len(text) - 1)))].encode()
    if kind == "json_array":
        return b"[" + line + b"]"
    record = json.loads(line)
    if stream.child_key and rng.random() < 0.5 and record.get(stream.child_key[0]):
        record[stream.child_key[0]][0].pop(stream.child_key[1], None)
    else:
        for key in stream.key:
            record.pop(key, None)
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()


def _gzip(path: Path) -> Path:
    """Replace ``x.jsonl`` by a reproducible ``x.jsonl.gz`` (no name, mtime 0)."""
    target = path.with_name(path.name + ".gz")
    with (
        path.open("rb") as src,
        target.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
    ):
        shutil.copyfileobj(src, out, 1 << 20)
    path.unlink()
    return target


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _stream_code(stream: Stream) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(stream.table))
