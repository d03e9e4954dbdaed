"""Tests of the sample-data generator (ingestion.generate)."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingestion.generate import GenerateConfig, GenerateReport, generate
from ingestion.streams import JSON, STREAMS, STREAMS_BY_TABLE, TIMESTAMP, Stream, file_format, stream_for

END = datetime(2025, 11, 21, 4, 40, tzinfo=UTC)
SMALL = {"accounts": 3, "users_per_account": 3, "agents_per_account": 1, "days": 10, "seed": 7, "end": END}
FAULTS = {"bad_line_rate": 0.03, "duplicate_rate": 0.03, "late_rate": 0.03}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _run(root: Path, **options: object) -> tuple[Path, GenerateReport]:
    report = generate(GenerateConfig(out_dir=root, **{**SMALL, **options}))  # type: ignore[arg-type]
    return root, report


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateReport]:
    return _run(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateReport]:
    return _run(tmp_path_factory.mktemp("faulty"), **FAULTS)


def _files(root: Path, stream: Stream) -> list[Path]:
    return sorted((root / stream.source / stream.name).rglob("part-*"))


def _lines(root: Path, stream: Stream) -> list[bytes]:
    out: list[bytes] = []
    for path in _files(root, stream):
        data = path.read_bytes()
        out.extend((gzip.decompress(data) if path.name.endswith(".gz") else data).splitlines())
    return out


def _records(root: Path, stream: Stream) -> list[dict]:
    return [json.loads(line) for line in _lines(root, stream)]


def _is_valid(line: bytes, stream: Stream) -> bool:
    """What landing accepts: a JSON object with every key field (and every child key)."""
    try:
        record = json.loads(line)
    except ValueError:
        return False
    if not isinstance(record, dict) or any(record.get(k) is None for k in stream.key):
        return False
    if stream.child_key:
        children = record.get(stream.child_key[0]) or []
        return all(child.get(stream.child_key[1]) is not None for child in children)
    return True


def _key(record: dict, stream: Stream) -> tuple:
    return tuple(record[k] for k in stream.key)


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def test_same_config_gives_identical_bytes(clean: tuple[Path, GenerateReport], tmp_path: Path) -> None:
    root, report = clean
    again, _ = _run(tmp_path / "again")
    names = sorted(p.relative_to(root) for p in report.files)
    assert names == sorted(p.relative_to(again) for p in again.rglob("part-*"))
    for name in names:
        assert (root / name).read_bytes() == (again / name).read_bytes(), name


def test_every_stream_has_day_partitioned_files(clean: tuple[Path, GenerateReport]) -> None:
    root, report = clean
    for stream in STREAMS:
        files = _files(root, stream)
        assert files, f"no files for {stream.table}"
        for path in files:
            relative = path.relative_to(root).as_posix()
            assert stream_for(relative) is stream
            assert file_format(relative) == ".jsonl"
            assert re.fullmatch(r"dt=\d{4}-\d\d-\d\d", path.parent.name)
        assert report.rows_per_stream[stream.table] == len(_lines(root, stream)) > 0


def test_records_match_the_contract(clean: tuple[Path, GenerateReport]) -> None:
    root, _ = clean
    for stream in STREAMS:
        types = dict(stream.fields)
        for record in _records(root, stream):
            assert list(record) == list(stream.field_names), stream.table
            assert all(record[k] is not None for k in stream.key), stream.table
            for name, value in record.items():
                if value is None:
                    continue
                if types[name] == TIMESTAMP:
                    assert ISO.match(value), (stream.table, name, value)
                if types[name] == JSON:
                    assert isinstance(value, dict | list), (stream.table, name)


def test_keys_are_unique_without_duplicates(clean: tuple[Path, GenerateReport]) -> None:
    root, _ = clean
    for stream in STREAMS:
        records = _records(root, stream)
        if stream.child_key:
            ids = [e["event_id"] for r in records for e in r["events"]]
            assert len(ids) == len(set(ids))
        else:
            keys = [_key(r, stream) for r in records]
            assert len(keys) == len(set(keys)), stream.table


def test_systems_share_ids(clean: tuple[Path, GenerateReport]) -> None:
    root, _ = clean

    def recs(table: str) -> list[dict]:
        return _records(root, STREAMS_BY_TABLE[table])

    agents = recs("reference__agents")
    agent_ids = {a["agent_id"] for a in agents}
    account_ids = {a["account_id"] for a in agents}
    user_ids = {r["user_id"] for r in recs("product__tracks")} | {
        r["user_id"] for r in recs("product__users")
    }
    assert {r["account_id"] for r in recs("product__tracks")} <= account_ids
    assert {r["customer_id"] for r in recs("behavior__events")} <= user_ids
    cs = recs("client_success__events") + recs("client_success__tasks")
    assert {r["client_id"] for r in cs} <= user_ids
    assert {r["organization_id"] for r in cs} <= account_ids
    conversations = recs("conversations__conversations")
    assert {c["agentId"] for c in conversations} <= agent_ids
    batches = recs("widget__events")
    sessions = recs("widget__sessions")
    session_ids = {s["session_id"] for s in sessions}
    assert {b["chatbotId"] for b in batches} | {s["chatbot_id"] for s in sessions} <= agent_ids
    assert {b["sessionId"] for b in batches} <= session_ids
    identifies = recs("widget__identifies")
    assert {i["session_id"] for i in identifies} <= session_ids
    web = [c for c in conversations if c["platform"] == "web"]
    assert web and {c["customerId"] for c in web} <= {i["user_id"] for i in identifies}
    assert {c["sessionId"] for c in web} <= session_ids
    widget_messages = {
        e["properties"]["message_id"]
        for b in batches
        for e in b["events"]
        if e["event_name"] in ("message_sent", "message_received")
    }
    assert {m["message_id"] for c in web for m in c["messages"]} == widget_messages


def test_conversation_counts_match_messages(clean: tuple[Path, GenerateReport]) -> None:
    root, _ = clean
    for c in _records(root, STREAMS_BY_TABLE["conversations__conversations"]):
        senders = Counter(m["sender"] for m in c["messages"])
        assert c["messageCount"] == len(c["messages"])
        assert c["customerMessages"] == senders["customer"]
        assert c["agentResponses"] == senders["agent"] + senders["human"]
        assert [m["sent_at"] for m in c["messages"]] == sorted(m["sent_at"] for m in c["messages"])


def _all_times(record: dict, stream: Stream) -> list[str]:
    times = [record[n] for n, t in stream.fields if t == TIMESTAMP and record[n] is not None]
    if stream.table == "product__tracks":
        times.append(record["properties"]["utc_time"])
    if stream.table == "widget__events":
        times += [e["client_timestamp"] for e in record["events"]]
    if stream.table == "conversations__conversations":
        times += [m["sent_at"] for m in record["messages"]] + [i["timestamp"] for i in record["intents"]]
    return times


def test_nothing_after_end(clean: tuple[Path, GenerateReport]) -> None:
    root, _ = clean
    start = END - timedelta(days=SMALL["days"])  # type: ignore[arg-type]
    for stream in STREAMS:
        for record in _records(root, stream):
            times = [_time(t) for t in _all_times(record, stream)]
            assert max(times) <= END, stream.table
            if stream.table in (
                "product__tracks",
                "behavior__events",
                "widget__events",
                "client_success__events",
            ):
                assert min(times) >= start - timedelta(hours=2), stream.table  # client clocks may run behind


def test_fault_counts_match_the_report(
    faulty: tuple[Path, GenerateReport], clean: tuple[Path, GenerateReport]
) -> None:
    root, report = faulty
    assert report.bad_lines > 0 and report.duplicates > 0 and report.late_events > 0
    bad_total = 0
    for stream in STREAMS:
        lines = _lines(root, stream)
        valid = [line for line in lines if _is_valid(line, stream)]
        bad = len(lines) - len(valid)
        assert bad == report.bad_lines_per_stream[stream.table], stream.table
        bad_total += bad
        assert len(valid) - len(set(valid)) == report.duplicates_per_stream[stream.table], stream.table
        assert len(valid) == report.rows_per_stream[stream.table]
        records = [json.loads(line) for line in valid]
        clean_records = _records(clean[0], stream)
        if stream.child_key:
            ids = {e["event_id"] for r in records for e in r["events"]}
            assert ids == {e["event_id"] for r in clean_records for e in r["events"]}
        else:
            assert {_key(r, stream) for r in records} == {_key(r, stream) for r in clean_records}, (
                stream.table
            )
    assert bad_total == report.bad_lines == sum(report.bad_lines_per_kind.values())


def test_late_events_arrive_in_a_later_file(faulty: tuple[Path, GenerateReport]) -> None:
    root, report = faulty
    stream = STREAMS_BY_TABLE["product__tracks"]
    late: set[str] = set()
    files: dict[str, set[str]] = {}  # a duplicate may also sit in the next day's file
    arrival: dict[str, str] = {}
    for path in _files(root, stream):
        for line in path.read_bytes().splitlines():
            if not _is_valid(line, stream):
                continue
            record = json.loads(line)
            sent, received = _time(record["properties"]["utc_time"]), _time(record["received_at"])
            files.setdefault(record["message_id"], set()).add(path.parent.name)
            arrival[record["message_id"]] = f"dt={received:%Y-%m-%d}"
            if received - sent > timedelta(hours=1):
                assert received.date() > sent.date()
                late.add(record["message_id"])
    assert all(day in files[message_id] for message_id, day in arrival.items())
    assert len(late) == report.late_events


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_other_formats_hold_the_same_records(
    fmt: str, clean: tuple[Path, GenerateReport], tmp_path: Path
) -> None:
    root, report = clean
    other, other_report = _run(tmp_path / fmt.replace(".", "_"), fmt=fmt)
    assert other_report.rows_per_stream == report.rows_per_stream
    for stream in STREAMS:
        files = _files(other, stream)
        assert files and all(file_format(p.name) == "." + fmt for p in files)
        if fmt == "jsonl.gz":
            for path in files:
                plain = root / path.relative_to(other).with_suffix("")
                assert gzip.decompress(path.read_bytes()) == plain.read_bytes()
            continue
        json_fields = [name for name, dtype in stream.fields if dtype == JSON]
        rows = [row for path in files for row in pq.read_table(path).to_pylist()]
        for row in rows:
            for name in json_fields:
                row[name] = None if row[name] is None else json.loads(row[name])
        assert rows == _records(root, stream), stream.table


def test_target_events_sizes_the_run(tmp_path: Path) -> None:
    _, report = _run(tmp_path, target_events=6000)
    assert 0.85 * 6000 <= report.events <= 1.15 * 6000
    assert (
        report.events
        == sum(
            report.rows_per_stream[t]
            for t in ("product__tracks", "behavior__events", "client_success__events")
        )
        + report.widget_events
    )


def test_refuses_to_mix_runs(tmp_path: Path) -> None:
    tiny = {"accounts": 1, "users_per_account": 1}
    root, _ = _run(tmp_path, days=3, **tiny)
    with pytest.raises(FileExistsError, match="overwrite"):
        _run(root, days=3, **tiny)
    _, report = _run(root, days=2, overwrite=True, **tiny)
    assert sorted(p for p in root.rglob("part-*")) == sorted(report.files)


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        _run(tmp_path, fmt="csv")
    with pytest.raises(ValueError, match="days"):
        _run(tmp_path, days=0)


def test_default_population_exercises_the_marts(tmp_path: Path) -> None:
    """The default config holds the personas the marts and alerts need (see the module docstring)."""
    root, _ = _run(tmp_path, accounts=8, users_per_account=6, agents_per_account=2, days=60)

    def recs(table: str) -> list[dict]:
        return _records(root, STREAMS_BY_TABLE[table])

    tracks = recs("product__tracks")
    kinds = Counter(t["event"] for t in tracks)
    assert {"renewal_due", "renewal_closed_won", "renewal_closed_lost", "goal_achieved"} <= set(kinds)
    assert {"past_due", "canceled", "trialing", "active"} <= {
        a["traits"]["subscription_status"] for a in recs("product__accounts")
    }
    per_day = Counter(t["properties"]["utc_time"][:10] for t in tracks)
    errors = Counter(t["properties"]["utc_time"][:10] for t in tracks if t["event"] == "error_encountered")
    assert max(errors[d] / per_day[d] for d in per_day) > 0.2  # an error-rate spike
    last = {}
    for r in recs("client_success__events"):
        last[r["client_id"]] = max(last.get(r["client_id"], ""), r["created_at"])
    quiet = [(END - _time(t)) / timedelta(hours=1) for t in last.values()]
    assert any(48 <= h < 72 for h in quiet) and any(h >= 96 for h in quiet)
    latest: dict[str, dict] = {}
    for task in recs("client_success__tasks"):
        latest[task["task_id"]] = task
    assert any(
        t["status"] == "in_progress" and END - _time(t["updated_at"]) > timedelta(hours=72)
        for t in latest.values()
    )
    conversations = recs("conversations__conversations")
    csat: dict[str, list[float]] = {}
    for c in conversations:
        if c["customerSatisfactionScore"] is not None:
            csat.setdefault(c["agentId"], []).append(c["customerSatisfactionScore"])
    means = sorted(sum(v) / len(v) for v in csat.values())
    assert means[0] < 3.0 < 4.5 < means[-1]
    assert {"whatsapp", "instagram", "messenger", "web", "sms"} == {c["platform"] for c in conversations}
    assert (
        min(c["startTime"] for c in conversations) < f"{END - timedelta(days=65):%Y-%m-%d}"
    )  # at-risk history
