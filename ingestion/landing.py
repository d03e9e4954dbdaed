"""Land raw dumps in DuckDB as they are (DESIGN.md §3).

Every file under the raw root lies in ``<source>/<stream>/…`` and lands in
``raw.<source>__<stream>``: the stream's fields typed, the original record kept as
JSON, plus ``_file``, ``_line``, ``_file_hash`` and ``_loaded_at``.

- idempotent: a file whose sha256 is already in ``raw._manifest`` is skipped;
- atomic: a file's rows, its quarantine rows and its manifest row commit together;
- no silent loss: a line that is not JSON, not an object, lacks the key or has a value
  that cannot be typed goes to ``raw._quarantine`` with its reason and text;
- unknown streams and formats are refused before anything is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.privacy import tombstone_filter
from ingestion.streams import (
    BOOLEAN,
    JSON,
    MANIFEST_TABLE,
    QUARANTINE_TABLE,
    TIMESTAMP,
    TOMBSTONE_TABLE,
    VARCHAR,
    Stream,
    UnknownFormatError,
    UnknownStreamError,
    file_format,
    stream_for,
)
from ingestion.warehouse import quote

CHUNK_BYTES = 64 * 1024 * 1024  # JSONL is read and landed in chunks of about this size


@dataclass
class FileResult:
    path: str  # relative to the raw root
    table: str | None
    status: str  # landed | skipped | refused
    rows_landed: int = 0
    rows_quarantined: int = 0
    rows_erased: int = 0  # rows about people erased earlier (ewh forget), dropped on landing
    seconds: float = 0.0
    message: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    def _with(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def landed(self) -> list[FileResult]:
        return self._with("landed")

    @property
    def skipped(self) -> list[FileResult]:
        return self._with("skipped")

    @property
    def refused(self) -> list[FileResult]:
        return self._with("refused")

    @property
    def rows_landed(self) -> int:
        return sum(f.rows_landed for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def rows_erased(self) -> int:
        return sum(f.rows_erased for f in self.files)

    def rows_by_table(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for f in self.landed:
            landed, quarantined = out.get(f.table or "", (0, 0))
            out[f.table or ""] = (landed + f.rows_landed, quarantined + f.rows_quarantined)
        return out


Progress = Callable[[int, int, FileResult], None]


def discover(raw_root: Path) -> list[Path]:
    """Every file below the raw root, sorted, leaving out hidden files and folders."""
    raw_root = Path(raw_root)
    files = []
    for path in raw_root.rglob("*"):
        rel_parts = path.relative_to(raw_root).parts
        if any(part.startswith(".") for part in rel_parts):
            continue
        if path.is_file():
            files.append(path)
    return sorted(files)


def ingest(
    raw_root: str | Path, con: duckdb.DuckDBPyConnection, progress: Progress | None = None
) -> IngestReport:
    """Land every new file under ``raw_root``; refuse files of unknown streams or formats."""
    raw_root = Path(raw_root)
    if not raw_root.is_dir():
        raise FileNotFoundError(
            f"raw folder {raw_root} does not exist; run `ewh generate` or put dumps there as <source>/<stream>/…"
        )
    report = IngestReport()
    files = discover(raw_root)
    for index, path in enumerate(files, start=1):
        try:
            result = land_file(con, raw_root, path)
        except (UnknownStreamError, UnknownFormatError) as exc:
            result = FileResult(path.relative_to(raw_root).as_posix(), None, "refused", message=str(exc))
        report.files.append(result)
        if progress:
            progress(index, len(files), result)
    return report


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def land_file(con: duckdb.DuckDBPyConnection, raw_root: Path, path: Path) -> FileResult:
    """Land one file atomically; skip it when its content was landed before."""
    rel = path.relative_to(raw_root).as_posix()
    stream = stream_for(rel)
    fmt = file_format(rel)
    started = time.perf_counter()
    file_hash = sha256_of(path)
    seen = con.execute(f"select file_path from {MANIFEST_TABLE} where file_hash = ?", [file_hash]).fetchone()
    if seen:
        return FileResult(rel, stream.table, "skipped", message=f"already landed as {seen[0]}")

    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    ctx = _LandingContext(con, stream, rel, file_hash, loaded_at)

    def record_in_manifest() -> None:
        con.execute(
            f"insert into {MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                file_hash,
                rel,
                stream.table,
                fmt,
                path.stat().st_size,
                ctx.landed,
                ctx.quarantined,
                ctx.erased,
                loaded_at,
            ],
        )

    con.begin()
    try:
        if fmt == ".parquet":
            _land_parquet(ctx, path)
        else:
            _land_jsonl(ctx, path, gzipped=fmt == ".jsonl.gz")
        record_in_manifest()
        con.commit()
    except _Unreadable as exc:
        # Nothing of the file could be read: say so in the quarantine, in a transaction of its own.
        con.rollback()
        ctx.landed = ctx.quarantined = ctx.erased = 0
        con.begin()
        ctx.quarantine(None, str(exc), None)
        record_in_manifest()
        con.commit()
    except BaseException:
        con.rollback()
        raise
    seconds = time.perf_counter() - started
    return FileResult(rel, stream.table, "landed", ctx.landed, ctx.quarantined, ctx.erased, seconds)


@dataclass
class _LandingContext:
    con: duckdb.DuckDBPyConnection
    stream: Stream
    rel: str
    file_hash: str
    loaded_at: datetime
    landed: int = 0
    quarantined: int = 0
    erased: int = 0

    def quarantine(self, line: int | None, reason: str, raw_text: str | None) -> None:
        self.con.execute(
            f"insert into {QUARANTINE_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
            [self.stream.table, self.rel, self.file_hash, line, reason, raw_text, self.loaded_at],
        )
        self.quarantined += 1


# ---------------------------------------------------------------- JSONL


def _raw_blocks(path: Path, gzipped: bool) -> Iterator[bytes]:
    """Yield the file's (decompressed) bytes in blocks.

    gzip is decompressed with zlib directly so that a truncated file still yields every byte
    before the cut (Python's gzip module drops the last block); it then raises ``_Truncated``.
    Concatenated gzip members are read one after another.
    """
    with open(path, "rb") as fh:
        if not gzipped:
            yield from iter(lambda: fh.read(CHUNK_BYTES), b"")
            return
        decomp = zlib.decompressobj(wbits=31)
        in_member = False  # bytes of the current gzip member were fed and its end not yet seen
        while True:
            data = fh.read(CHUNK_BYTES // 4)
            if not data:
                break
            while data:
                in_member = True
                try:
                    out = decomp.decompress(data)
                except zlib.error as exc:
                    raise _Truncated(f"corrupt gzip data ({exc})") from exc
                if out:
                    yield out
                if decomp.eof:
                    data = decomp.unused_data
                    decomp = zlib.decompressobj(wbits=31)
                    in_member = False
                else:
                    data = b""
        if in_member:
            tail = decomp.flush()
            if tail:
                yield tail
            raise _Truncated("the gzip stream ends before its end marker (truncated file)")


class _Unreadable(Exception):
    """Nothing of the file can be read (e.g. a corrupt Parquet footer)."""


class _Truncated(Exception):
    """The compressed stream broke off; everything before the cut was yielded."""


def _read_chunks(path: Path, gzipped: bool) -> Iterator[tuple[bytes, bytes, str | None]]:
    """Yield (whole lines, cut-off remainder, error) blocks; only the last may carry an error."""
    rest = b""
    try:
        for block in _raw_blocks(path, gzipped):
            block = rest + block
            cut = block.rfind(b"\n")
            if cut < 0:
                rest = block
                continue
            yield block[: cut + 1], b"", None
            rest = block[cut + 1 :]
    except _Truncated as exc:
        yield b"", rest, str(exc)
        return
    if rest:
        yield rest, b"", None


def _land_jsonl(ctx: _LandingContext, path: Path, gzipped: bool) -> None:
    next_line = 1
    for block, cut_off, error in _read_chunks(path, gzipped):
        lines = block.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        numbers: list[int] = []
        texts: list[str] = []
        for offset, raw in enumerate(lines):
            number = next_line + offset
            raw = raw.rstrip(b"\r")
            if not raw.strip():
                continue  # blank lines carry no record
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                reason = f"not valid UTF-8 ({exc.reason} at byte {exc.start})"
                ctx.quarantine(number, reason, raw.decode("utf-8", "replace"))
                continue
            numbers.append(number)
            texts.append(text)
        next_line += len(lines)
        if texts:
            _land_json_lines(ctx, numbers, texts)
        if error:
            if cut_off:
                reason = f"line cut off where the file breaks off: {error}"
                ctx.quarantine(next_line, reason, cut_off.decode("utf-8", "replace"))
            else:
                reason = f"the file breaks off after line {next_line - 1}: {error}"
                ctx.quarantine(next_line, reason, None)


def _json_struct_spec(stream: Stream) -> str:
    parts = [f'"{name}": "{"JSON" if dtype == JSON else "VARCHAR"}"' for name, dtype in stream.fields]
    return "{" + ", ".join(parts) + "}"


def _typed(expr: str, dtype: str) -> str:
    """Expression casting a VARCHAR/JSON value to the raw column type (NULL when it cannot)."""
    if dtype in (VARCHAR, JSON):
        return expr
    if dtype == TIMESTAMP:
        return f"cast(try_cast({expr} as timestamptz) as timestamp)"
    if dtype == BOOLEAN:
        return f"try_cast({expr} as boolean)"
    return f"try_cast({expr} as {dtype})"


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _reason_sql(stream: Stream, value: Callable[[str], str], typed: Callable[[str], str]) -> list[str]:
    """CASE branches (in order) that name why a record cannot land; shared by JSONL and Parquet."""
    branches = []
    for key in stream.key:
        branches.append(
            f"when {value(key)} is null or trim(cast({value(key)} as varchar)) = '' then 'missing key {key}'"
        )
        if stream.field_type(key) != VARCHAR:
            branches.append(
                f"when {typed(key)} is null then 'key {key}: cannot read ' || "
                f"left(cast({value(key)} as varchar), 80) || ' as {stream.field_type(key)}'"
            )
    if stream.child_key:
        list_field, child = stream.child_key
        arr = value(list_field)
        branches.append(
            f"when {arr} is not null and json_type({arr}) <> 'ARRAY' then '{list_field} is not a JSON array'"
        )
        branches.append(
            f"when {arr} is not null and coalesce(json_array_length({arr}), 0) <> "
            f"len(list_filter(json_extract_string({arr}, '$[*].{child}'), lambda x: nullif(trim(x), '') is not null)) "
            f"then 'an element of {list_field} lacks its key {child}'"
        )
    for name, dtype in stream.fields:
        if dtype in (VARCHAR, JSON) or name in stream.key:
            continue
        branches.append(
            f"when {value(name)} is not null and {typed(name)} is null "
            f"then 'field {name}: cannot read ' || left(cast({value(name)} as varchar), 80) || ' as {dtype}'"
        )
    return branches


def _load_parsed(ctx: _LandingContext, typed: Callable[[str], str], record: str, raw_text: str) -> None:
    """Move the checked rows of ``_ewh_parsed`` into the raw table and the quarantine; count them."""
    con = ctx.con
    erased = tombstone_filter(ctx.stream.table, typed)
    con.execute("alter table _ewh_parsed add column _erased boolean default false")
    if erased and con.execute(f"select count(*) from {TOMBSTONE_TABLE}").fetchone()[0]:
        con.execute(f"update _ewh_parsed set _erased = _reason is null and coalesce({erased}, false)")
    con.execute(_insert_sql(ctx, "_ewh_parsed", typed, record))
    con.execute(_quarantine_sql(ctx, "_ewh_parsed", raw_text))
    landed, quarantined, erased_rows = con.execute(
        "select count(*) filter (where _reason is null and not _erased), "
        "count(*) filter (where _reason is not null), count(*) filter (where _erased) from _ewh_parsed"
    ).fetchone()
    ctx.landed += landed
    ctx.quarantined += quarantined
    ctx.erased += erased_rows
    con.execute("drop table _ewh_parsed")


def _insert_sql(ctx: _LandingContext, relation: str, typed: Callable[[str], str], record: str) -> str:
    stream = ctx.stream
    cols = [quote(n) for n in stream.field_names] + ["_record", "_file", "_line", "_file_hash", "_loaded_at"]
    exprs = [typed(n) for n in stream.field_names] + [
        record,
        _sql_str(ctx.rel),
        "_line",
        _sql_str(ctx.file_hash),
        f"cast('{ctx.loaded_at.isoformat(sep=' ')}' as timestamp)",
    ]
    return (
        f"insert into {stream.qualified_table} ({', '.join(cols)}) "
        f"select {', '.join(exprs)} from {relation} where _reason is null and not _erased"
    )


def _quarantine_sql(ctx: _LandingContext, relation: str, raw_text: str) -> str:
    return (
        f"insert into {QUARANTINE_TABLE} "
        f"select {_sql_str(ctx.stream.table)}, {_sql_str(ctx.rel)}, {_sql_str(ctx.file_hash)}, _line, _reason, "
        f"{raw_text}, cast('{ctx.loaded_at.isoformat(sep=' ')}' as timestamp) "
        f"from {relation} where _reason is not null"
    )


def _land_json_lines(ctx: _LandingContext, numbers: list[int], texts: list[str]) -> None:
    con, stream = ctx.con, ctx.stream
    lines = pa.table({"_line": pa.array(numbers, pa.int64()), "_text": pa.array(texts, pa.large_string())})
    con.register("_ewh_lines", lines)
    try:

        def value(name: str) -> str:
            return f"_s.{quote(name)}"

        def typed(name: str) -> str:
            return _typed(value(name), stream.field_type(name))

        reasons = "\n".join(_reason_sql(stream, value, typed))
        con.execute(
            f"""
            create or replace temp table _ewh_parsed as
            with checked as (
                select _line, _text, json_valid(_text) as _valid from _ewh_lines
            ),
            typed as (
                select
                    _line,
                    _text,
                    _valid,
                    case when _valid then json_type(cast(_text as json)) end as _json_type,
                    case when _valid and json_type(cast(_text as json)) = 'OBJECT'
                         then from_json(_text, '{_json_struct_spec(stream)}') end as _s
                from checked
            )
            select
                *,
                case
                    when not _valid then 'invalid JSON'
                    when _json_type <> 'OBJECT' then 'not a JSON object (' || lower(_json_type) || ')'
                    {reasons}
                end as _reason
            from typed
            """
        )
        _load_parsed(ctx, typed, "cast(_text as json)", "_text")
    finally:
        with contextlib.suppress(duckdb.Error):  # after a failed statement the caller rolls back
            con.unregister("_ewh_lines")


# ---------------------------------------------------------------- Parquet


def _land_parquet(ctx: _LandingContext, path: Path) -> None:
    con, stream = ctx.con, ctx.stream
    # hive_partitioning off: a dt=… folder is layout, not a field the producer sent
    source = f"read_parquet({_sql_str(str(path))}, file_row_number = true, hive_partitioning = false)"
    try:
        described = con.execute(f"describe select * from {source}").fetchall()
    except duckdb.Error as exc:
        raise _Unreadable(f"unreadable Parquet file: {exc}") from exc
    columns = {row[0]: row[1] for row in described if row[0] != "file_row_number"}
    by_lower = {name.lower(): name for name in columns}

    def value(name: str) -> str:
        actual = by_lower.get(name.lower())
        if actual is None:
            return "cast(null as varchar)"
        ptype = columns[actual].upper()
        col = quote(actual)
        dtype = stream.field_type(name)
        if dtype == JSON:
            if ptype == "VARCHAR":
                return f"(case when json_valid({col}) then cast({col} as json) else to_json({col}) end)"
            return f"to_json({col})"
        if dtype == VARCHAR and ptype != "VARCHAR":
            return (
                f"cast({col} as varchar)"
                if not ptype.startswith(("STRUCT", "MAP")) and "[]" not in ptype
                else f"cast(to_json({col}) as varchar)"
            )
        return col

    def typed(name: str) -> str:
        dtype = stream.field_type(name)
        actual = by_lower.get(name.lower())
        ptype = columns[actual].upper() if actual else ""
        if dtype == TIMESTAMP and ptype.startswith("TIMESTAMP"):
            return f"cast({value(name)} as timestamp)"
        if dtype in (VARCHAR, JSON):
            return value(name)
        return (
            _typed(f"cast({value(name)} as varchar)", dtype)
            if ptype == "VARCHAR"
            else f"try_cast({value(name)} as {dtype})"
        )

    record = "to_json({" + ", ".join(f"{_sql_str(c)}: {quote(c)}" for c in columns) + "})"
    reasons = "\n".join(_reason_sql(stream, value, typed))
    try:
        con.execute(
            f"""
            create or replace temp table _ewh_parsed as
            select *, file_row_number + 1 as _line, {record} as _rec,
                case {reasons} end as _reason
            from {source}
            """
        )
    except duckdb.Error as exc:
        raise _Unreadable(f"unreadable Parquet file: {exc}") from exc
    _load_parsed(ctx, typed, "_rec", "cast(_rec as varchar)")
