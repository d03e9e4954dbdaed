"""Read a JSONL (or gzipped JSONL) file as numbered lines of text, whatever shape it is in.

- a UTF-8 byte-order mark at the start of the file is dropped;
- ``\\n``, ``\\r\\n`` and a lone ``\\r`` all end a line (a file written with old Mac line endings
  is read line by line, not as one line); blank lines carry no record but keep their number;
- a line that is not valid UTF-8 is handed on with a reason, decoded with replacement characters;
- gzip is decompressed with zlib directly, so a truncated file still yields every whole line
  before the cut, and then one last line with the reason the file breaks off (with the cut-off
  text, when the cut falls inside a line); concatenated gzip members are read one after another.

Lines come as Arrow tables (``__line``, ``__text``, ``__pre_reason``) of about
:data:`CHUNK_BYTES` of text each, built without a Python object per line: the text of a chunk
is one buffer and the lines are offsets into it (each line keeps its trailing newline, which
JSON ignores), so a file of any size streams through at the speed of the bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

CHUNK_BYTES = 64 * 1024 * 1024
BOM = b"\xef\xbb\xbf"
SCHEMA = pa.schema([("__line", pa.int64()), ("__text", pa.large_string()), ("__pre_reason", pa.string())])


class UnreadableFile(Exception):
    """Nothing of the file can be read (e.g. a file named .jsonl.gz that is not gzip)."""


class _Truncated(Exception):
    """The compressed stream broke off; everything before the cut was yielded."""


def _raw_blocks(path: Path, gzipped: bool, chunk_bytes: int) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        if not gzipped:
            yield from iter(lambda: fh.read(chunk_bytes), b"")
            return
        decomp = zlib.decompressobj(wbits=31)
        in_member = False  # bytes of the current gzip member were fed and its end not yet seen
        produced = False
        while True:
            data = fh.read(max(chunk_bytes // 4, 1))
            if not data:
                break
            while data:
                in_member = True
                try:
                    out = decomp.decompress(data)
                except zlib.error as exc:
                    if not produced:
                        raise UnreadableFile(f"not a readable gzip file ({exc})") from exc
                    raise _Truncated(f"corrupt gzip data ({exc})") from exc
                if out:
                    produced = True
                    yield out
                if decomp.eof:
                    data = decomp.unused_data
                    decomp = zlib.decompressobj(wbits=31)
                    in_member = False
                    if data and not data.startswith(b"\x1f\x8b"):
                        data = b""  # bytes after the last member (padding) carry no lines
                else:
                    data = b""
        if in_member:
            tail = decomp.flush()
            if tail:
                yield tail
            raise _Truncated("the gzip stream ends before its end marker (truncated file)")


def _normalised_blocks(path: Path, gzipped: bool, chunk_bytes: int) -> Iterator[bytes]:
    """The file's bytes with a leading BOM dropped and every line ending made ``\\n``."""
    first = True
    carry = b""
    for block in _raw_blocks(path, gzipped, chunk_bytes):
        block = carry + block
        carry = b""
        if first:
            if len(block) < len(BOM) and BOM.startswith(block):
                carry = block  # too short to tell yet
                continue
            if block.startswith(BOM):
                block = block[len(BOM) :]
            first = False
        if block.endswith(b"\r"):
            carry, block = b"\r", block[:-1]  # it may be the first half of \r\n
        if b"\r" in block:
            block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        yield block
    if carry:
        yield b"\n" if carry == b"\r" else carry


def _decode(raw: bytes) -> tuple[str, str | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", "replace"), f"not valid UTF-8 ({exc.reason} at byte {exc.start})"


def _table(numbers: list[int], texts: list[str | None], reasons: list[str | None]) -> pa.Table:
    return pa.table(
        [pa.array(numbers, pa.int64()), pa.array(texts, pa.large_string()), pa.array(reasons, pa.string())],
        schema=SCHEMA,
    )


def _lines_table(block: bytes, first_number: int) -> pa.Table:
    """The lines of ``block`` (whole lines, each ended by ``\\n``), numbered from ``first_number``."""
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10) + 1
    count = len(ends)
    offsets = np.empty(count + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = ends
    texts = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(block))
    numbers = pa.array(np.arange(first_number, first_number + count, dtype=np.int64))
    try:
        texts.validate(full=True)  # UTF-8: the usual case is a valid block, checked in C
    except pa.ArrowInvalid:
        decoded = [_decode(block[offsets[i] : offsets[i + 1]]) for i in range(count)]
        return _table(numbers.to_pylist(), [t for t, _ in decoded], [r for _, r in decoded])
    return pa.table([numbers, texts, pa.nulls(count, pa.string())], schema=SCHEMA)


def read_lines(path: Path, gzipped: bool, chunk_bytes: int | None = None) -> Iterator[pa.Table]:
    """Chunks of numbered lines (blank ones included: SQL leaves them out); a broken-off gzip
    ends with one line that says so."""
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    next_number = 1
    rest = b""
    try:
        for block in _normalised_blocks(path, gzipped, chunk_bytes):
            block = rest + block if rest else block
            cut = block.rfind(b"\n")
            if cut < 0:
                rest = block
                continue
            whole, rest = block[: cut + 1], block[cut + 1 :]
            table = _lines_table(whole, next_number)
            next_number += table.num_rows
            yield table
    except _Truncated as exc:
        if rest:
            text, _ = _decode(rest)
            yield _table([next_number], [text], [f"line cut off where the file breaks off: {exc}"])
        else:
            yield _table([next_number], [None], [f"the file breaks off after line {next_number - 1}: {exc}"])
        return
    if rest:
        yield _lines_table(rest + b"\n", next_number)
