"""Landing contract (README.md, "Landing raw files"): formats, idempotency, atomicity, quarantine, refusal."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.landing import ingest
from ingestion.streams import STREAMS
from ingestion.warehouse import warehouse


def track(message_id: str, **extra: object) -> dict:
    record = {
        "message_id": message_id,
        "event": "page_viewed",
        "user_id": "u1",
        "anonymous_id": None,
        "account_id": "a1",
        "timestamp": "2026-11-20T10:00:00Z",
        "received_at": "2026-11-20T10:00:02Z",
        "properties": {"page_path": "/home", "utc_time": "2026-11-20T09:59:58.500Z"},
        "context": {"session_id": "s1", "user_agent": "Mozilla/5.0"},
    }
    record.update(extra)
    return record


def write_jsonl(path: Path, lines: list[object], gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    root = tmp_path / "raw"
    root.mkdir()
    return root


@pytest.fixture
def con(tmp_path: Path):
    with warehouse(tmp_path / "wh.duckdb") as connection:
        yield connection


def count(con: duckdb.DuckDBPyConnection, table: str, where: str = "true") -> int:
    return con.execute(f"select count(*) from {table} where {where}").fetchone()[0]


def test_new_warehouse_has_every_raw_table(con):
    tables = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    assert {s.table for s in STREAMS} | {"_quarantine", "_manifest", "_tombstones"} == tables


def test_jsonl_lands_typed_with_metadata_and_the_fields_outside_the_contract(raw, con):
    write_jsonl(raw / "product/tracks/day=2026-11-20/a.jsonl", [track("m1"), track("m2", extra_field=7)])
    report = ingest(raw, con)
    assert [(f.status, f.rows_landed, f.rows_quarantined) for f in report.files] == [("landed", 2, 0)]
    row = con.execute(
        "select message_id, timestamp, received_at, properties->>'utc_time', _file, _line, _extra->>'extra_field', "
        "_extra from raw.product__tracks order by message_id"
    ).fetchall()
    assert [r[0] for r in row] == ["m1", "m2"]
    assert str(row[0][1]) == "2026-11-20 10:00:00"
    assert str(row[0][2]) == "2026-11-20 10:00:02"
    assert row[0][3] == "2026-11-20T09:59:58.500Z"
    assert row[1][4] == "product/tracks/day=2026-11-20/a.jsonl"
    assert (row[0][5], row[1][5]) == (1, 2)
    assert row[1][6] == "7"  # a field outside the contract survives in _extra
    assert row[0][7] is None and json.loads(row[1][7]) == {"extra_field": 7}  # and only such fields
    assert count(con, "raw._manifest") == 1


def test_timestamps_with_offsets_are_stored_as_utc(raw, con):
    write_jsonl(raw / "product/tracks/a.jsonl", [track("m1", timestamp="2026-11-20T12:00:00+02:00")])
    ingest(raw, con)
    assert (
        str(con.execute("select timestamp from raw.product__tracks").fetchone()[0]) == "2026-11-20 10:00:00"
    )


def test_gzip_and_parquet_land_the_same_rows(raw, con, tmp_path):
    records = [track(f"m{i}") for i in range(5)]
    write_jsonl(raw / "product/tracks/plain.jsonl", records[:2])
    write_jsonl(raw / "product/tracks/zipped.jsonl.gz", records[2:4], gz=True)
    staging = write_jsonl(tmp_path / "one.jsonl", records[4:])
    parquet = raw / "product/tracks/p.parquet"
    duckdb.sql(f"copy (select * from read_json_auto('{staging}')) to '{parquet}' (format parquet)")
    report = ingest(raw, con)
    assert sorted((f.path, f.rows_landed) for f in report.landed) == [
        ("product/tracks/p.parquet", 1),
        ("product/tracks/plain.jsonl", 2),
        ("product/tracks/zipped.jsonl.gz", 2),
    ]
    rows = con.execute(
        "select message_id, timestamp, cast(properties->>'utc_time' as timestamptz), context->>'session_id' "
        "from raw.product__tracks order by message_id"
    ).fetchall()
    assert [r[0] for r in rows] == [f"m{i}" for i in range(5)]
    # Parquet: nested structs come back as JSON, timestamps typed like JSONL's.
    assert rows[4][1:] == rows[0][1:]


def test_parquet_row_without_key_is_quarantined(raw, con):
    path = raw / "reference/agents/a.parquet"
    path.parent.mkdir(parents=True)
    duckdb.sql(
        f"copy (select * from (values ('ag1', 'a1', 'Bot', '2026-01-01T00:00:00Z'), "
        f"(null, 'a1', 'Nameless', '2026-01-01T00:00:00Z'), ('ag3', 'a1', 'Bad time', 'soon')) "
        f"t(agent_id, account_id, name, created_at)) to '{path}' (format parquet)"
    )
    report = ingest(raw, con)
    assert (report.rows_landed, report.rows_quarantined) == (1, 2)
    reasons = con.execute("select line, reason from raw._quarantine order by line").fetchall()
    assert reasons == [(2, "missing key agent_id"), (3, "field created_at: cannot read soon as TIMESTAMP")]


def test_relanding_is_a_no_op(raw, con):
    write_jsonl(raw / "product/tracks/a.jsonl", [track("m1"), "not json"])
    first = ingest(raw, con)
    second = ingest(raw, con)
    assert [f.status for f in first.files] == ["landed"]
    assert [f.status for f in second.files] == ["skipped"]
    assert count(con, "raw.product__tracks") == 1
    assert count(con, "raw._quarantine") == 1
    # The same content under another name is the same file.
    write_jsonl(raw / "product/tracks/copy-of-a.jsonl", [track("m1"), "not json"])
    third = ingest(raw, con)
    assert [f.status for f in third.files] == ["skipped", "skipped"]
    assert count(con, "raw.product__tracks") == 1


def test_bad_lines_are_quarantined_and_good_lines_land(raw, con):
    lines = [
        track("m1"),  # 1 good
        '{"message_id": "m2", "event": ',  # 2 invalid JSON
        [track("m3")],  # 3 a JSON array
        track(None),  # 4 key is null
        {"event": "login"},  # 5 key missing
        "",  # 6 blank: no record
        track("m7", timestamp="not a time"),  # 7 untypable value
        '"just a string"',  # 8 a JSON scalar
        track("m9"),  # 9 good
    ]
    write_jsonl(raw / "product/tracks/mixed.jsonl", lines)
    write_jsonl(raw / "product/users/empty.jsonl", [])
    report = ingest(raw, con)
    by_path = {f.path: (f.status, f.rows_landed, f.rows_quarantined) for f in report.files}
    assert by_path == {
        "product/tracks/mixed.jsonl": ("landed", 2, 6),
        "product/users/empty.jsonl": ("landed", 0, 0),
    }
    assert [
        r[0] for r in con.execute("select message_id from raw.product__tracks order by 1").fetchall()
    ] == [
        "m1",
        "m9",
    ]
    quarantined = con.execute("select line, reason, raw_text from raw._quarantine order by line").fetchall()
    assert [(line, reason) for line, reason, _ in quarantined] == [
        (2, "invalid JSON"),
        (3, "not a JSON object (array)"),
        (4, "missing key message_id"),
        (5, "missing key message_id"),
        (7, "field timestamp: cannot read not a time as TIMESTAMP"),
        (8, "not a JSON object (varchar)"),
    ]
    assert quarantined[0][2] == '{"message_id": "m2", "event": '


def test_truncated_gzip_lands_every_whole_line_before_the_cut(raw, con):
    records = [
        track(f"m{i:04d}", properties={"utc_time": "2026-11-20T09:00:00Z", "pad": "x" * i})
        for i in range(400)
    ]
    text = "".join(json.dumps(r) + "\n" for r in records).encode()
    blob = gzip.compress(text)
    path = raw / "product/tracks/cut.jsonl.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(blob[: len(blob) * 2 // 3])
    report = ingest(raw, con)
    (result,) = report.files
    # What the cut file still holds, decompressed independently of the landing code.
    import zlib

    readable = zlib.decompressobj(wbits=31).decompress(blob[: len(blob) * 2 // 3])
    whole_lines = readable.count(b"\n")
    assert 0 < whole_lines < 400
    assert (result.status, result.rows_landed, result.rows_quarantined) == ("landed", whole_lines, 1)
    (line, reason, raw_text) = con.execute("select line, reason, raw_text from raw._quarantine").fetchone()
    assert line == whole_lines + 1
    assert "breaks off" in reason
    assert raw_text == readable.split(b"\n")[-1].decode()


def test_widget_batch_needs_every_event_id(raw, con):
    good = {
        "chatbotId": "c1",
        "sessionId": "ws1",
        "events": [{"event_id": "e1", "event_name": "widget_loaded"}, {"event_id": "e2", "event_name": "x"}],
        "received_at": "2026-11-20T10:00:00Z",
    }
    bad = {**good, "events": [{"event_id": "e3"}, {"event_name": "no id"}]}
    write_jsonl(raw / "widget/events/b.jsonl", [good, bad])
    report = ingest(raw, con)
    assert (report.rows_landed, report.rows_quarantined) == (1, 1)
    assert con.execute("select reason from raw._quarantine").fetchone()[0] == (
        "an element of events lacks its key event_id"
    )


def test_unknown_stream_and_format_are_refused_and_nothing_written(raw, con):
    write_jsonl(raw / "product/clicks/a.jsonl", [track("m1")])
    write_jsonl(raw / "stray.jsonl", [track("m2")])
    (raw / "product/tracks").mkdir(parents=True)
    (raw / "product/tracks/a.csv").write_text("message_id\nm3\n")
    report = ingest(raw, con)
    assert sorted((f.path, f.status) for f in report.files) == [
        ("product/clicks/a.jsonl", "refused"),
        ("product/tracks/a.csv", "refused"),
        ("stray.jsonl", "refused"),
    ]
    messages = " ".join(f.message for f in report.refused)
    assert "no stream 'product/clicks'" in messages
    assert "unknown format" in messages
    assert count(con, "raw._manifest") == 0
    assert count(con, "raw._quarantine") == 0
    assert sum(count(con, s.qualified_table) for s in STREAMS) == 0


def test_cli_ingest_exits_non_zero_on_refusal(raw, tmp_path):
    write_jsonl(raw / "product/tracks/a.jsonl", [track("m1")])
    write_jsonl(raw / "nope/nope/a.jsonl", [track("m2")])
    env = {**os.environ, "EWH_WAREHOUSE": str(tmp_path / "cli.duckdb")}
    proc = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", "ingest", str(raw)], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "1 files landed" in proc.stdout and "1 refused" in proc.stdout
    assert "no stream 'nope/nope'" in proc.stderr


def test_a_crash_mid_file_leaves_nothing_half_written(raw, tmp_path):
    """Kill the landing process while it works on a big file: the file is all there or not at all."""
    n = 150_000
    path = raw / "product/tracks/big.jsonl"
    path.parent.mkdir(parents=True)
    line = json.dumps(track("X")) + "\n"
    with path.open("w") as fh:
        for i in range(n):
            fh.write(line.replace('"X"', f'"m{i}"', 1))
    db = tmp_path / "crash.duckdb"
    script = (
        "import sys; from pathlib import Path; import ingestion.landing as L; import ingestion.landing.jsonl as J; "
        "from ingestion.warehouse import warehouse; J.CHUNK_BYTES = 1 << 20; "
        "ctx = warehouse(sys.argv[1]); con = ctx.__enter__(); print('ready', flush=True); L.ingest(Path(sys.argv[2]), con)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(db), str(raw)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with warehouse(db) as con:
        landed = count(con, "raw.product__tracks")
        manifest = count(con, "raw._manifest")
        assert (landed, manifest) in {(0, 0), (n, 1)}
        # Whatever happened, landing again completes the file exactly once.
        ingest(raw, con)
        assert count(con, "raw.product__tracks") == n
        assert count(con, "raw._manifest") == 1


def test_unreadable_parquet_is_recorded_not_crashed(raw, con):
    bad = raw / "reference/agents/broken.parquet"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"PAR1 this is not really parquet")
    write_jsonl(raw / "reference/agents/good.jsonl", [{"agent_id": "ag1", "account_id": "a1"}])
    report = ingest(raw, con)
    assert sorted((f.path, f.status, f.rows_landed, f.rows_quarantined) for f in report.files) == [
        ("reference/agents/broken.parquet", "landed", 0, 1),
        ("reference/agents/good.jsonl", "landed", 1, 0),
    ]
    reason = con.execute("select reason from raw._quarantine").fetchone()[0]
    assert reason.startswith("unreadable Parquet file")
