"""Erasure and export (docs/retention.md): `forget` removes a person everywhere and stays forgotten."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from helpers import write_jsonl

from ingestion.landing import ingest
from ingestion.privacy import export_subject, forget, sha256_hex
from ingestion.warehouse import warehouse as open_warehouse

pytestmark = pytest.mark.dbt

AS_OF = datetime(2026, 11, 10)


def track(message_id: str, user_id: str, at: str) -> dict:
    return {
        "message_id": message_id,
        "event": "page_viewed",
        "user_id": user_id,
        "account_id": "acc1",
        "timestamp": at,
        "received_at": at,
        "properties": {"utc_time": at},
        "context": {"session_id": f"s-{user_id}", "ip": "10.0.0.9"},
    }


def widget_fixture(raw: Path, suffix: str = "") -> None:
    """Visitor v1 (session ws1) identifies as end customer cust1, who also has a WhatsApp talk."""
    write_jsonl(
        raw,
        f"widget/sessions/s{suffix}.jsonl",
        [
            {
                "chatbot_id": "bot1",
                "session_id": "ws1",
                "anonymous_id": "v1",
                "created_at": "2026-11-01T10:00:00Z",
                "ip_address": "192.0.2.1",
                "user_agent": "Mozilla/5.0",
            },
            {
                "chatbot_id": "bot1",
                "session_id": "ws2",
                "anonymous_id": "v2",
                "created_at": "2026-11-01T11:00:00Z",
            },
        ],
    )
    write_jsonl(
        raw,
        f"widget/events/e{suffix}.jsonl",
        [
            {
                "chatbotId": "bot1",
                "sessionId": "ws1",
                "received_at": "2026-11-01T10:00:05Z",
                "events": [
                    {
                        "event_id": f"we1{suffix}",
                        "event_name": "widget_opened",
                        "client_timestamp": "2026-11-01T10:00:01Z",
                    }
                ],
            },
            {
                "chatbotId": "bot1",
                "sessionId": "ws2",
                "received_at": "2026-11-01T11:00:05Z",
                "events": [
                    {
                        "event_id": f"we2{suffix}",
                        "event_name": "widget_opened",
                        "client_timestamp": "2026-11-01T11:00:01Z",
                    }
                ],
            },
        ],
    )
    write_jsonl(
        raw,
        f"widget/identifies/i{suffix}.jsonl",
        [
            {
                "message_id": f"id1{suffix}",
                "session_id": "ws1",
                "user_id": "cust1",
                "user_email": "c1@example.com",
                "user_name": "Cee One",
                "identified_at": "2026-11-01T10:00:30Z",
            }
        ],
    )
    write_jsonl(
        raw,
        f"conversations/conversations/c{suffix}.jsonl",
        [
            {
                "conversationId": f"conv1{suffix}",
                "agentId": "bot1",
                "customerId": "cust1",
                "platform": "whatsapp",
                "startTime": "2026-11-02T09:00:00Z",
                "endTime": "2026-11-02T09:10:00Z",
                "messages": [
                    {"message_id": f"cm1{suffix}", "sender": "customer", "sent_at": "2026-11-02T09:00:00Z"}
                ],
            },
            {
                "conversationId": f"conv2{suffix}",
                "agentId": "bot1",
                "customerId": "cust2",
                "platform": "sms",
                "startTime": "2026-11-02T09:00:00Z",
                "endTime": "2026-11-02T09:10:00Z",
                "messages": [
                    {"message_id": f"cm2{suffix}", "sender": "customer", "sent_at": "2026-11-02T09:00:00Z"}
                ],
            },
        ],
    )


# The core marts and everything they read, with the tests whose parents are all built; dbt's
# unit tests left out (they check the SQL against hand-made rows, not this data).
CORE_BUILD = (
    "build",
    "--select",
    "+path:models/marts/core",
    # the conversation messages: incremental tables, erased by the conversation's customer
    "+int_conversation_messages_summarized",
    "--indirect-selection",
    "cautious",
    "--exclude-resource-type",
    "unit_test",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory, make_warehouse, dbt_build):
    root = tmp_path_factory.mktemp("privacy")
    raw = root / "raw"
    widget_fixture(raw)
    write_jsonl(
        raw,
        "product/tracks/t.jsonl",
        [track("m1", "usr1", "2026-11-01T09:00:00Z"), track("m2", "usr2", "2026-11-01T09:00:00Z")],
    )
    write_jsonl(raw, "reference/agents/a.jsonl", [{"agent_id": "bot1", "account_id": "acc1", "name": "Bot"}])
    warehouse = make_warehouse(root)
    with open_warehouse(warehouse) as con:
        ingest(raw, con, as_of=AS_OF)
    select = list(CORE_BUILD)
    dbt_build(warehouse, root, select, as_of="2026-11-10 00:00:00")
    return root, raw, warehouse, select


def ids_in(con: duckdb.DuckDBPyConnection, sql: str) -> set:
    return {r[0] for r in con.execute(sql).fetchall()}


def test_forget_end_customer_everywhere_and_it_stays_forgotten(built, dbt_build):
    root, raw, warehouse, select = built
    with open_warehouse(warehouse) as con:
        assert {"cust1", "v1"} <= ids_in(con, "select end_customer_id from marts.dim_end_customers")
        report = forget(con, "cust1", reason="test request")
        # The closure: the identified id, the visitor identified as it, that visitor's session.
        assert report.subject.ids == {"cust1", "v1"}
        assert report.subject.sessions == {"ws1"}
        assert report.deleted["raw.widget__sessions"] == 1
        assert report.deleted["raw.widget__events"] == 1
        assert report.deleted["raw.widget__identifies"] == 1
        assert report.deleted["raw.conversations__conversations"] == 1
        for table, column in [
            ("raw.widget__sessions", "anonymous_id"),
            ("raw.widget__identifies", "user_id"),
            ("raw.conversations__conversations", '"customerId"'),
        ]:
            assert not ids_in(con, f"select {column} from {table}") & {"cust1", "v1"}
        assert not ids_in(con, "select end_customer_id from marts.dim_end_customers") & {"cust1", "v1"}
        assert "cust2" in ids_in(con, "select end_customer_id from marts.dim_end_customers")
        for table in (
            "staging.stg_conversations__messages",
            "intermediate.int_conversation_messages_summarized",
        ):
            assert ids_in(con, f"select conversation_id from {table}") == {"conv2"}, table
        # the tombstones hold the digests of the ids, not the ids
        assert ids_in(con, "select erased_id_sha256 from raw._tombstones") == {
            sha256_hex(i) for i in ("cust1", "v1", "ws1")
        }

        # An old dump arrives again under new names with new ids of its own: their rows are dropped.
        widget_fixture(raw, suffix="-again")
        report = ingest(raw, con, as_of=AS_OF)
        # The sessions dump is byte-identical (skipped by its hash); the others carry new ids:
        # ws1's event batch, the identify of ws1 and cust1's conversation are dropped.
        assert "widget/sessions/s-again.jsonl" in [f.path for f in report.skipped]
        assert len(report.landed) == 3
        assert report.rows_erased == 3
        assert ids_in(con, 'select "conversationId" from raw.conversations__conversations') == {
            "conv2",
            "conv2-again",
        }
    dbt_build(warehouse, root, select, as_of="2026-11-10 00:00:00")
    ro = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert not ids_in(ro, "select end_customer_id from marts.dim_end_customers") & {"cust1", "v1"}
        assert "v1" not in ids_in(
            ro, "select anonymous_id from marts.fct_events where anonymous_id is not null"
        )
    finally:
        ro.close()


def test_export_writes_every_row_about_a_staff_user(built, tmp_path):
    _, _, warehouse, _ = built
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = export_subject(con, "usr2", tmp_path / "usr2.json")
    finally:
        con.close()
    document = json.loads((tmp_path / "usr2.json").read_text())
    assert document["subject_id"] == "usr2"
    assert counts["raw.product__tracks"] == 1
    assert [r["message_id"] for r in document["tables"]["raw.product__tracks"]] == ["m2"]
    assert document["tables"]["raw.product__tracks"][0]["context"]["ip"] == "10.0.0.9"
    assert counts["marts.fct_events"] == 1
    assert counts["marts.dim_users"] == 1


def file_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, if one is left, as one byte string."""
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forget_leaves_no_byte_of_the_erased_values(tmp_path, make_warehouse, dbt_build, monkeypatch, capsys):
    """`ewh forget` rewrites the warehouse and republishes the serving file: a byte scan of both
    finds the erased ids nowhere, while the other customer's rows are still there."""
    from ingestion.cli import main
    from ingestion.serving import publish

    raw = tmp_path / "raw"
    widget_fixture(raw)
    write_jsonl(raw, "reference/agents/a.jsonl", [{"agent_id": "bot1", "account_id": "acc1", "name": "Bot"}])
    warehouse = make_warehouse(tmp_path)
    serving = tmp_path / "serving.duckdb"
    with open_warehouse(warehouse) as con:
        ingest(raw, con, as_of=AS_OF)
    select = list(CORE_BUILD)
    dbt_build(warehouse, tmp_path, select, as_of="2026-11-10 00:00:00")
    with open_warehouse(warehouse) as con:
        publish(con, serving)
    erased = [b"cust1", b"conv1"]  # the customer's id and their raw conversation's
    # the scan can see the values while they are there: in raw rows and marts, and the
    # customer in the serving copy (which holds the marts only)
    assert all(value in file_bytes(warehouse) for value in erased)
    assert b"cust1" in file_bytes(serving)

    monkeypatch.setenv("EWH_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("EWH_SERVING", str(serving))
    assert main(["forget", "cust1"]) == 0
    assert "rewritten and the serving database republished" in capsys.readouterr().out

    for path in (warehouse, serving):
        data = file_bytes(path)
        assert not [value for value in erased if value in data], path
        assert b"cust2" in data, path
    assert b"conv2" in file_bytes(warehouse)
    assert not list(tmp_path.glob("*.tmp"))
