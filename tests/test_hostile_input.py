"""Hostile and careless input: exactly the good lines land, exactly the bad ones are quarantined
with a reason, refused files are refused with a reason, and a re-run lands nothing more.

Each case is a set of files under a raw root; ``lands`` lists the keys that must end up in their
raw tables, ``quarantined`` the (line, reason fragment) of every quarantine row, ``refused`` the
files refused (with a fragment of the message).
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from ingestion.landing import ingest
from ingestion.streams import STREAMS
from ingestion.warehouse import warehouse


def track(message_id: object, **extra: object) -> dict:
    record = {
        "message_id": message_id,
        "event": "page_viewed",
        "user_id": "u1",
        "account_id": "a1",
        "timestamp": "2026-11-20T10:00:00Z",
        "received_at": "2026-11-20T10:00:02Z",
        "properties": {"utc_time": "2026-11-20T09:59:58Z"},
        "context": {"session_id": "s1"},
    }
    record.update(extra)
    return record


def line(record: object) -> bytes:
    return json.dumps(record).encode() + b"\n"


def batch(events: object, session: str = "ws1") -> dict:
    return {"chatbotId": "c1", "sessionId": session, "events": events, "received_at": "2026-11-20T10:00:00Z"}


def parquet(sql: str) -> bytes:
    path = Path(f"/tmp/hostile-{os.getpid()}.parquet")
    duckdb.sql(f"copy ({sql}) to '{path}' (format parquet)")
    data = path.read_bytes()
    path.unlink()
    return data


@dataclass
class Case:
    name: str
    files: dict[str, bytes | Callable[[Path], None]]
    lands: dict[str, set[str]] = field(default_factory=dict)  # raw table -> keys
    quarantined: list[tuple[int | None, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path fragment, message fragment)


T = "product/tracks/d/x.jsonl"
GOOD = line(track("good"))
CASES = [
    Case(
        "invalid JSON",
        {T: GOOD + b'{"message_id": "m2", "event": \n'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON")],
    ),
    Case(
        "a cut-off last line without newline",
        {T: GOOD + b'{"message_id": "m2"'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON")],
    ),
    Case(
        "a JSON string",
        {T: GOOD + b'"just text"\n'},
        {"product__tracks": {"good"}},
        [(2, "not a JSON object (varchar)")],
    ),
    Case("a JSON number", {T: GOOD + b"42\n"}, {"product__tracks": {"good"}}, [(2, "not a JSON object")]),
    Case(
        "a JSON array",
        {T: GOOD + line([track("in-array")])},
        {"product__tracks": {"good"}},
        [(2, "not a JSON object (array)")],
    ),
    Case("JSON null", {T: GOOD + b"null\n"}, {"product__tracks": {"good"}}, [(2, "not a JSON object")]),
    Case(
        "a JSON boolean",
        {T: GOOD + b"true\n"},
        {"product__tracks": {"good"}},
        [(2, "not a JSON object (boolean)")],
    ),
    Case(
        "missing key",
        {T: GOOD + line({"event": "login"})},
        {"product__tracks": {"good"}},
        [(2, "missing key message_id")],
    ),
    Case(
        "empty key",
        {T: GOOD + line(track(""))},
        {"product__tracks": {"good"}},
        [(2, "missing key message_id")],
    ),
    Case(
        "blank key",
        {T: GOOD + line(track("   "))},
        {"product__tracks": {"good"}},
        [(2, "missing key message_id")],
    ),
    Case(
        "null key",
        {T: GOOD + line(track(None))},
        {"product__tracks": {"good"}},
        [(2, "missing key message_id")],
    ),
    Case(
        "a key that is an object",
        {T: GOOD + line(track({"id": 1}))},
        {"product__tracks": {"good"}},
        [(2, "key message_id must be a string or a number (got object)")],
    ),
    Case(
        "a key that is an array",
        {T: GOOD + line(track(["a"]))},
        {"product__tracks": {"good"}},
        [(2, "key message_id must be a string or a number (got array)")],
    ),
    Case(
        "a key that is a boolean",
        {T: GOOD + line(track(True))},
        {"product__tracks": {"good"}},
        [(2, "key message_id must be a string or a number (got boolean)")],
    ),
    Case(
        "a numeric key lands as text", {T: GOOD + line(track(12345))}, {"product__tracks": {"good", "12345"}}
    ),
    Case(
        "a time that is not a time",
        {T: GOOD + line(track("m2", timestamp="yesterday"))},
        {"product__tracks": {"good"}},
        [(2, "field timestamp: cannot read yesterday as TIMESTAMP")],
    ),
    Case(
        "a time given as epoch seconds",
        {T: GOOD + line(track("m2", received_at=1700000000))},
        {"product__tracks": {"good"}},
        [(2, "field received_at: cannot read 1700000000 as TIMESTAMP")],
    ),
    Case(
        "a wrong-typed number",
        {
            "behavior/events/d/x.jsonl": line({"id": "b1", "timestamp": "2026-11-20T10:00:00Z"})
            + line({"id": "b2", "session_duration": "long", "timestamp": "2026-11-20T10:00:00Z"})
        },
        {"behavior__events": {"b1"}},
        [(2, "field session_duration: cannot read long as BIGINT")],
    ),
    Case(
        "invalid UTF-8",
        {T: GOOD + b'{"message_id": "m2", "event": "\xff\xfe"}\n'},
        {"product__tracks": {"good"}},
        [(2, "not valid UTF-8")],
    ),
    Case(
        "a UTF-8 byte-order mark",
        {T: b"\xef\xbb\xbf" + GOOD + line(track("second"))},
        {"product__tracks": {"good", "second"}},
    ),
    Case(
        "a 10 MB line",
        {
            T: GOOD
            + line(track("huge", properties={"utc_time": "2026-11-20T09:59:58Z", "blob": "x" * 10_000_000}))
        },
        {"product__tracks": {"good", "huge"}},
    ),
    Case(
        "deep nesting",
        {T: GOOD + b'{"message_id": "deep", "properties": ' + b'{"a":' * 2000 + b"1" + b"}" * 2000 + b"}\n"},
        {"product__tracks": {"good", "deep"}},
    ),
    Case(
        "a field twice in one object",
        {T: GOOD + b'{"message_id": "a", "message_id": "b"}\n'},
        {"product__tracks": {"good"}},
        [(2, "a field appears twice")],
    ),
    Case(
        "NaN",
        {T: GOOD + b'{"message_id": "m2", "properties": {"x": NaN}}\n'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON (NaN is not JSON)")],
    ),
    Case(
        "Infinity",
        {T: GOOD + b'{"message_id": "m2", "properties": {"x": -Infinity}}\n'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON (-Infinity is not JSON)")],
    ),
    Case(
        "a trailing comma",
        {T: GOOD + b'{"message_id": "m2", "event": "x",}\n'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON")],
    ),
    Case(
        "a lone surrogate escape",
        {T: GOOD + b'{"message_id": "m2", "event": "\\ud800"}\n'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON")],
    ),
    Case(
        "a raw control character in a string",
        {T: GOOD + b'{"message_id": "m2", "event": "a\tb"}\n'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON")],
    ),
    Case(
        "a NUL byte",
        {T: GOOD + b'{"message_id": "m2", "event": "a\x00b"}\n'},
        {"product__tracks": {"good"}},
        [(2, "invalid JSON")],
    ),
    Case(
        "old Mac line endings (CR only)",
        {T: GOOD.rstrip(b"\n") + b"\r" + line(track("second")).rstrip(b"\n") + b"\r" + b"not json\r"},
        {"product__tracks": {"good", "second"}},
        [(3, "invalid JSON")],
    ),
    Case(
        "Windows line endings",
        {T: GOOD.replace(b"\n", b"\r\n") + line(track("second")).replace(b"\n", b"\r\n")},
        {"product__tracks": {"good", "second"}},
    ),
    Case(
        "blank and whitespace-only lines keep the numbering",
        {T: b"\n   \n" + GOOD + b"\t\n" + b"oops\n"},
        {"product__tracks": {"good"}},
        [(5, "invalid JSON")],
    ),
    Case(
        "fields outside the contract",
        {T: line(track("good", shoe_size=42))},
        {"product__tracks": {"good"}},
    ),
    Case("a zero-byte file", {T: b""}),
    Case(
        "a gzip file that is not gzip",
        {"product/tracks/d/x.jsonl.gz": GOOD},
        {},
        [(None, "not a readable gzip file")],
    ),
    Case(
        "a truncated gzip file",
        {
            "product/tracks/d/x.jsonl.gz": (lambda blob: blob[: len(blob) * 2 // 3])(
                gzip.compress(b"".join(line(track(f"m{i:03d}", pad=os.urandom(i).hex())) for i in range(200)))
            )
        },
        {"product__tracks": "SOME"},  # every whole line before the cut (checked in its own test)
        [("LAST", "breaks off")],
    ),
    Case(
        "concatenated gzip members",
        {"product/tracks/d/x.jsonl.gz": gzip.compress(GOOD) + gzip.compress(line(track("second")))},
        {"product__tracks": {"good", "second"}},
    ),
    Case(
        "a corrupt Parquet file",
        {"product/tracks/d/x.parquet": b"PAR1 nothing here PAR1"},
        {},
        [(None, "unreadable Parquet file")],
    ),
    Case(
        "a truncated Parquet file",
        {"product/tracks/d/x.parquet": parquet("select 'p1' as message_id, 'page_viewed' as event")[:-40]},
        {},
        [(None, "unreadable Parquet file")],
    ),
    Case(
        "a Parquet file of another schema",
        {"product/tracks/d/x.parquet": parquet("select * from (values (1, 'x'), (2, 'y')) t(n, label)")},
        {},
        [(1, "missing key message_id"), (2, "missing key message_id")],
    ),
    Case(
        "Parquet columns named like landing's own",
        {
            "product/tracks/d/x.parquet": parquet(
                "select * from (values ('p1', 'bad reason', 99, true, 'x', 7), (null, null, 98, false, 'y', 8)) "
                "t(message_id, _reason, _line, _erased, _extra, file_row_number)"
            )
        },
        {"product__tracks": {"p1"}},
        [(2, "missing key message_id")],
    ),
    Case(
        "a batch whose element lacks its id",
        {
            "widget/events/d/x.jsonl": line(batch([{"event_id": "e1"}]))
            + line(batch([{"event_id": "e2"}, {"event_name": "x"}], "ws2"))
        },
        {"widget__events": {"ws1"}},
        [(2, "an element of events lacks its key event_id")],
    ),
    Case(
        "a batch whose element id is an object",
        {"widget/events/d/x.jsonl": line(batch([{"event_id": {"a": 1}}]))},
        {},
        [(1, "has a event_id that is not a string or a number")],
    ),
    Case(
        "a batch whose events are not a list",
        {"widget/events/d/x.jsonl": line(batch({"event_id": "e1"}))},
        {},
        [(1, "events is not a JSON array")],
    ),
    Case(
        "a batch with an element that is not an object",
        {"widget/events/d/x.jsonl": line(batch([{"event_id": "e1"}, 3]))},
        {},
        [(1, "an element of events lacks its key event_id")],
    ),
    Case(
        "odd file names",
        {
            "product/tracks/with space.jsonl": line(track("a")),
            "product/tracks/ünïcödé.jsonl": line(track("b")),
            "product/tracks/-leading-dash.jsonl": line(track("c")),
            "product/tracks/UPPER.JSONL": line(track("d")),
        },
        {"product__tracks": {"a", "b", "c", "d"}},
    ),
    Case(
        "a file of an unknown stream or format",
        {"product/clicks/x.jsonl": GOOD, "product/tracks/x.csv": b"message_id\nm1\n", "stray.jsonl": GOOD},
        {},
        [],
        [
            ("product/clicks", "no stream 'product/clicks'"),
            ("x.csv", "unknown format"),
            ("stray.jsonl", "must lie under"),
        ],
    ),
    Case("a hidden file is left alone", {"product/tracks/.writing.jsonl": GOOD}, {}),
]


def _write(root: Path, files: dict[str, bytes | Callable[[Path], None]]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        else:
            path.write_bytes(content)


def _keys(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    out = {}
    for stream in STREAMS:
        rows = con.execute(f'select "{stream.key[0]}" from {stream.qualified_table}').fetchall()
        if rows:
            out[stream.table] = {str(k) for (k,) in rows}
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _write(raw, case.files)
    with warehouse(tmp_path / "wh.duckdb") as con:
        report = ingest(raw, con)
        keys = _keys(con)
        quarantine = con.execute(
            "select line, reason from raw._quarantine order by line nulls first"
        ).fetchall()
        if case.lands.get("product__tracks") == "SOME":
            assert keys["product__tracks"] and len(quarantine) == 1 and "breaks off" in quarantine[0][1]
        else:
            assert keys == case.lands
            assert len(quarantine) == len(case.quarantined), quarantine
            for (line_no, reason), (want_line, want) in zip(quarantine, case.quarantined, strict=True):
                assert want in reason, (reason, want)
                assert line_no == want_line
        refused = [f for f in report.files if f.status == "refused"]
        assert len(refused) == len(case.refused), refused
        for path_part, message in case.refused:
            assert any(path_part in f.path and message in f.message for f in refused), (path_part, refused)
        assert not report.failed, report.failed
        # the report counts what the tables hold
        assert report.rows_landed == sum(len(v) for v in keys.values()) or case.name.startswith("a batch")
        assert report.rows_quarantined == len(quarantine)
        # a re-run lands nothing more
        again = ingest(raw, con)
        assert not again.landed and again.rows_landed == 0
        assert _keys(con) == keys
        assert con.execute("select count(*) from raw._quarantine").fetchone()[0] == len(quarantine)


def test_fields_outside_the_contract_are_kept_and_validation_is_landings_own(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    _write(raw, {T: line(track("good", shoe_size=42, _line=7, _reason="fake"))})
    with warehouse(tmp_path / "wh.duckdb") as con:
        ingest(raw, con)
        (extra, line_no) = con.execute("select _extra, _line from raw.product__tracks").fetchone()
    assert json.loads(extra) == {"shoe_size": 42, "_line": 7, "_reason": "fake"}
    assert line_no == 1


def test_a_symlink_out_of_the_raw_root_is_refused_and_nothing_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.jsonl"
    secret.write_bytes(line(track("from-outside")))
    raw = tmp_path / "raw"
    (raw / "product" / "users").mkdir(parents=True)
    (raw / "product" / "users" / "p.jsonl").symlink_to(secret)
    (raw / "product" / "tracks").mkdir(parents=True)
    (raw / "product" / "tracks" / "dir").symlink_to(tmp_path)
    with warehouse(tmp_path / "wh.duckdb") as con:
        report = ingest(raw, con)
        assert con.execute("select count(*) from raw._quarantine").fetchone()[0] == 0
        assert not _keys(con)
    assert {f.status for f in report.files} == {"refused"}
    assert any("outside the raw root" in f.message for f in report.files)


def test_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "product" / "tracks").mkdir(parents=True)
    os.mkfifo(raw / "product" / "tracks" / "pipe.jsonl")
    with warehouse(tmp_path / "wh.duckdb") as con:
        report = ingest(raw, con)  # would block forever if it opened the FIFO
    assert [(f.status, "not a regular file" in f.message) for f in report.files] == [("refused", True)]


def test_one_bad_file_never_blocks_the_others(tmp_path: Path) -> None:
    """Files sorted after a file that cannot land still land, on the first run."""
    raw = tmp_path / "raw"
    _write(
        raw,
        {
            "product/tracks/a.parquet": parquet("select 'p1' as message_id, 'x' as _erased"),
            "product/tracks/b.parquet": b"PAR1 broken",
            "product/tracks/c.jsonl": line(track("after")),
        },
    )
    with warehouse(tmp_path / "wh.duckdb") as con:
        report = ingest(raw, con)
        assert _keys(con) == {"product__tracks": {"p1", "after"}}
    assert report.ok
    assert sorted((f.path, f.status) for f in report.files) == [
        ("product/tracks/a.parquet", "landed"),
        ("product/tracks/b.parquet", "landed"),  # recorded: its quarantine row says why
        ("product/tracks/c.jsonl", "landed"),
    ]
