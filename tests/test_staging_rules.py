"""dbt staging rules and core marts on a small hand-written fixture (landing: README.md; rules:
docs/metrics.md).

The fixture is written as JSONL dumps under a tmp raw root, landed with
``ingestion.landing.ingest`` and built with one ``dbt build`` for the whole module. Every
expected number below is counted by hand from ``RAW_FILES``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from helpers import land_records, query, scalar

pytestmark = pytest.mark.dbt

# the fixture's data lies in early May 2024; it is landed and built as of a time shortly after
AS_OF = "2024-05-15 00:00:00"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def track(message_id: str, event: str, user_id: str | None, account_id: str | None, **extra: object) -> dict:
    record: dict = {
        "message_id": message_id,
        "event": event,
        "user_id": user_id,
        "anonymous_id": None,
        "account_id": account_id,
        "timestamp": "2024-05-01T12:00:00Z",
        "received_at": "2024-05-01T12:00:05Z",
        "properties": {},
        "context": {"session_id": "ps1", "ip": "10.0.0.1", "user_agent": "Mozilla/5.0"},
    }
    record.update(extra)
    return record


RAW_FILES: dict[str, list[dict]] = {
    "product/tracks/x.jsonl": [
        # t1: utc_time (10:00) wins over timestamp (12:00)
        track("t1", "page_viewed", "u1", "a1", properties={"utc_time": "2024-05-01T10:00:00.000Z"}),
        # t2: no utc_time -> timestamp
        track(
            "t2",
            "feature_used",
            "u1",
            "a1",
            timestamp="2024-05-01T12:30:00Z",
            received_at="2024-05-01T12:30:02Z",
            properties={"feature_name": "export"},
        ),
        # t3: utc_time 9 days after received_at -> clamped to received_at 13:00, flagged
        track(
            "t3",
            "login",
            "u1",
            "a1",
            received_at="2024-05-01T13:00:00Z",
            properties={"utc_time": "2024-05-10T00:00:00Z"},
        ),
        # t1 again, a later line: dropped (first line wins)
        track("t1", "page_viewed", "u1", "a1", properties={"utc_time": "2024-04-01T00:00:00Z"}),
        # t4: user u2 and account a2 appear only here (no identify)
        track("t4", "login", "u2", "a2"),
        # t5: no account on the event -> the user's account from identify_user (a1)
        track("t5", "login", "u3", None),
    ],
    "product/users/x.jsonl": [
        {
            "message_id": "i1",
            "user_id": "u1",
            "timestamp": "2024-04-01T00:00:00Z",
            "traits": {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.com",
                "title": "CTO",
                "department": "engineering",
                "account_id": "a1",
            },
        },
        {
            "message_id": "i2",
            "user_id": "u1",
            "timestamp": "2024-04-15T00:00:00Z",
            "traits": {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.com",
                "title": "CEO",
                "department": "engineering",
                "account_id": "a1",
            },
        },
        {
            "message_id": "i3",
            "user_id": "u3",
            "timestamp": "2024-04-02T00:00:00Z",
            "traits": {"email": "bob@example.com", "department": "sales", "account_id": "a1"},
        },
    ],
    "product/accounts/x.jsonl": [
        {
            "message_id": "ia1",
            "account_id": "a1",
            "timestamp": "2024-04-01T00:00:00Z",
            "traits": {"name": "Acme", "plan_tier": "growth", "mrr": 1000},
        },
    ],
    "behavior/events/x.jsonl": [
        {
            "id": "b1",
            "customer_id": "u1",
            "session_id": "bs1",
            "event_type": "tool_usage",
            "tool_id": "icp-analysis",
            "business_impact": "high",
            "session_duration": 90000,
            "time_on_page": 30000,
            "timestamp": "2024-05-01T11:00:00Z",
            "ip_address": "10.0.0.2",
        },
        # soft-deleted: dropped
        {
            "id": "b2",
            "customer_id": "u1",
            "session_id": "bs1",
            "event_type": "navigation",
            "timestamp": "2024-05-01T11:01:00Z",
            "deleted_at": "2024-05-02T00:00:00Z",
        },
        # u4 appears only here
        {
            "id": "b3",
            "customer_id": "u4",
            "session_id": "bs2",
            "event_type": "navigation",
            "timestamp": "2024-05-01T11:02:00Z",
        },
    ],
    "widget/sessions/x.jsonl": [
        {
            "chatbot_id": "bot1",
            "session_id": "s1",
            "anonymous_id": "anon1",
            "ip_address": "10.0.0.3",
            "created_at": "2024-05-01T09:00:00Z",
        },
    ],
    "widget/identifies/x.jsonl": [
        {
            "message_id": "wi1",
            "session_id": "s1",
            "user_id": "cust_user1",
            "user_email": "c@example.com",
            "user_name": "Carol",
            "user_metadata": {"plan": "pro"},
            "identified_at": "2024-05-01T09:05:00Z",
        },
    ],
    "widget/events/x.jsonl": [
        # 4 elements, 3 distinct ids; w3 is 4 days ahead of received_at -> clamped to 09:10
        {
            "chatbotId": "bot1",
            "sessionId": "s1",
            "received_at": "2024-05-01T09:10:00Z",
            "events": [
                {
                    "event_id": "w1",
                    "event_name": "widget_loaded",
                    "event_category": "system",
                    "client_timestamp": "2024-05-01T09:01:00Z",
                },
                {
                    "event_id": "w2",
                    "event_name": "widget_opened",
                    "event_category": "engagement",
                    "client_timestamp": "2024-05-01T09:02:00Z",
                },
                {
                    "event_id": "w1",
                    "event_name": "widget_loaded",
                    "event_category": "system",
                    "client_timestamp": "2024-05-01T09:03:00Z",
                },
                {
                    "event_id": "w3",
                    "event_name": "message_sent",
                    "event_category": "engagement",
                    "client_timestamp": "2024-05-05T09:00:00Z",
                },
            ],
        },
        # 2 elements, w3 repeated from the batch above
        {
            "chatbotId": "bot1",
            "sessionId": "s1",
            "received_at": "2024-05-01T09:20:00Z",
            "events": [
                {
                    "event_id": "w3",
                    "event_name": "message_sent",
                    "event_category": "engagement",
                    "client_timestamp": "2024-05-01T09:04:00Z",
                },
                {
                    "event_id": "w4",
                    "event_name": "message_received",
                    "event_category": "engagement",
                    "client_timestamp": "2024-05-01T09:15:00Z",
                },
            ],
        },
        # bot2 appears only here; its session never sent a payload
        {
            "chatbotId": "bot2",
            "sessionId": "s2",
            "received_at": "2024-05-01T10:00:00Z",
            "events": [
                {
                    "event_id": "w5",
                    "event_name": "widget_loaded",
                    "event_category": "system",
                    "client_timestamp": "2024-05-01T09:59:00Z",
                },
            ],
        },
    ],
    "reference/agents/x.jsonl": [
        {"agent_id": "bot1", "account_id": "a1", "name": "Helper", "created_at": "2024-01-01T00:00:00Z"},
    ],
    "client_success/events/x.jsonl": [
        {
            "id": "c1",
            "client_id": "u1",
            "organization_id": "a1",
            "event_type": "feedback_given",
            "event_data": {"score": 4},
            "session_id": "cs1",
            "created_at": "2024-05-01T14:00:00Z",
        },
        # u5 and organization a3 appear only here
        {
            "id": "c2",
            "client_id": "u5",
            "organization_id": "a3",
            "event_type": "login",
            "event_data": {},
            "created_at": "2024-05-01T15:00:00Z",
        },
    ],
    "client_success/tasks/x.jsonl": [
        {
            "task_id": "k1",
            "client_id": "u1",
            "organization_id": "a1",
            "task_type": "onboarding",
            "title": "Connect",
            "status": "todo",
            "updated_at": "2024-05-01T08:00:00Z",
        },
        {
            "task_id": "k1",
            "client_id": "u1",
            "organization_id": "a1",
            "task_type": "onboarding",
            "title": "Connect",
            "status": "done",
            "updated_at": "2024-05-02T08:00:00Z",
        },
        {
            "task_id": "k1",
            "client_id": "u1",
            "organization_id": "a1",
            "task_type": "onboarding",
            "title": "Connect",
            "status": "done",
            "updated_at": "2024-05-02T08:00:00Z",
        },
    ],
    "conversations/conversations/x.jsonl": [
        # bot3 and cust_conv1 appear only here
        {
            "conversationId": "cv1",
            "agentId": "bot3",
            "customerId": "cust_conv1",
            "platform": "whatsapp",
            "startTime": "2024-05-01T16:00:00Z",
            "endTime": "2024-05-01T16:10:00Z",
            "sentiment": {"overall": "positive", "confidence": 0.9, "emotions": []},
            "escalation": {"required": False, "reason": "", "timestamp": "2024-05-01T16:05:00Z"},
            "messages": [
                {"message_id": "m1", "sender": "customer", "sent_at": "2024-05-01T16:00:00Z", "chars": 20},
                {"message_id": "m2", "sender": "agent", "sent_at": "2024-05-01T16:00:30Z", "chars": 80},
                {"message_id": "m2", "sender": "agent", "sent_at": "2024-05-01T16:00:30Z", "chars": 80},
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_build) -> Path:
    """The fixture landed and built once for this module (one dbt build; dbt's unit tests, which
    do not read this data, run in test_empty_warehouse_builds_green)."""
    directory = tmp_path_factory.mktemp("staging_rules")
    path = land_records(directory, RAW_FILES, AS_OF, expired=1)  # b2 is soft-deleted
    result = dbt_build(path, directory, ("build", "--exclude-resource-type", "unit_test"), as_of=AS_OF)
    statuses = result.counts()
    assert not {k for k in statuses if k.endswith((":fail", ":error", ":warn"))}, statuses
    return path


def test_utc_time_wins_over_timestamp_then_timestamp_is_the_fallback(warehouse):
    rows = query(
        warehouse,
        "select message_id, occurred_at, event_time_source from staging.stg_product__tracks "
        "where message_id in ('t1', 't2') order by message_id",
    )
    assert rows == [
        ("t1", ts("2024-05-01 10:00:00"), "utc_time"),
        ("t2", ts("2024-05-01 12:30:00"), "timestamp"),
    ]


def test_clock_skew_is_clamped_to_received_at_and_flagged(warehouse):
    product = query(
        warehouse,
        "select occurred_at, received_at, is_clock_skewed from staging.stg_product__tracks where message_id = 't3'",
    )
    assert product == [(ts("2024-05-01 13:00:00"), ts("2024-05-01 13:00:00"), True)]
    widget = query(
        warehouse,
        "select occurred_at, is_clock_skewed from marts.fct_events where source = 'widget' and event_id = 'w3'",
    )
    assert widget == [(ts("2024-05-01 09:10:00"), True)]
    # no other event of the fixture is skewed
    assert scalar(warehouse, "select count(*) from marts.fct_events where is_clock_skewed") == 2


def test_duplicate_message_id_is_kept_once_first_line_wins(warehouse):
    assert scalar(warehouse, "select count(*) from raw.product__tracks where message_id = 't1'") == 2
    assert query(
        warehouse, "select occurred_at from staging.stg_product__tracks where message_id = 't1'"
    ) == [(ts("2024-05-01 10:00:00"),)]
    # 6 lines, 5 distinct message ids
    assert scalar(warehouse, "select count(*) from marts.fct_events where source = 'product'") == 5


def test_soft_deleted_behavior_rows_are_dropped(warehouse):
    # landing purged b2 (its producer deleted it) and keeps its id in the tombstones
    assert scalar(warehouse, "select count(*) from raw.behavior__events") == 2
    assert (
        scalar(warehouse, "select count(*) from raw._tombstones where erased_id_sha256 = sha256('b2')") == 1
    )
    rows = query(
        warehouse,
        "select event_id, session_duration_ms, session_duration_seconds, time_on_page_seconds "
        "from staging.stg_behavior__events order by event_id",
    )
    assert [r[0] for r in rows] == ["b1", "b3"]
    assert rows[0][1:] == (90000, 90.0, 30.0)
    assert query(
        warehouse, "select event_id from marts.fct_events where source = 'behavior' order by event_id"
    ) == [("b1",), ("b3",)]


def test_widget_batches_are_unnested_and_event_ids_deduplicated(warehouse):
    # 3 batches holding 4 + 2 + 1 = 7 elements, 5 distinct event ids
    assert scalar(warehouse, "select count(*) from raw.widget__events") == 3
    rows = query(
        warehouse,
        "select event_id, session_id, occurred_at, event_index from staging.stg_widget__events order by event_id",
    )
    assert [r[0] for r in rows] == ["w1", "w2", "w3", "w4", "w5"]
    # the first copy of w1 (09:01, position 0) and of w3 (first batch, position 3) are kept
    assert rows[0][2:] == (ts("2024-05-01 09:01:00"), 0)
    assert rows[2][2:] == (ts("2024-05-01 09:10:00"), 3)
    # the session's visitor, identified user and chatbot owner are attached in fct_events
    assert query(
        warehouse,
        "select anonymous_id, user_id, account_id, chatbot_id, client_session_id from marts.fct_events "
        "where source = 'widget' and event_id = 'w1'",
    ) == [("anon1", "cust_user1", "a1", "bot1", "s1")]


def test_fct_events_counts_and_account_fill_in(warehouse):
    counts = dict(query(warehouse, "select source, count(*) from marts.fct_events group by source"))
    assert counts == {"product": 5, "behavior": 2, "widget": 5, "client_success": 2}
    accounts = dict(
        query(
            warehouse,
            "select event_id, account_id from marts.fct_events where event_id in ('t5', 'b1', 'c2')",
        )
    )
    # t5 and b1 carry no account: their user's (u3 -> a1 by identify, u1 -> a1); c2 its organization
    assert accounts == {"t5": "a1", "b1": "a1", "c2": "a3"}


def test_every_dim_holds_ids_seen_only_in_events(warehouse):
    users = dict(query(warehouse, "select user_id, is_identified from marts.dim_users"))
    assert users == {"u1": True, "u2": False, "u3": True, "u4": False, "u5": False}
    accounts = dict(query(warehouse, "select account_id, is_identified from marts.dim_accounts"))
    assert accounts == {"a1": True, "a2": False, "a3": False}
    agents = dict(query(warehouse, "select agent_id, account_id from marts.dim_agents"))
    assert agents == {"bot1": "a1", "bot2": None, "bot3": None}
    customers = query(
        warehouse,
        "select end_customer_id, identified_user_id from marts.dim_end_customers order by end_customer_id",
    )
    assert customers == [("anon1", "cust_user1"), ("cust_conv1", None), ("cust_user1", None)]


def test_dim_users_takes_the_latest_identify(warehouse):
    assert query(
        warehouse,
        "select title, account_id, first_event_at, last_event_at, events_count "
        "from marts.dim_users where user_id = 'u1'",
    ) == [("CEO", "a1", ts("2024-05-01 10:00:00"), ts("2024-05-01 14:00:00"), 5)]


def test_task_updates_and_messages_are_deduplicated(warehouse):
    assert scalar(warehouse, "select count(*) from staging.stg_client_success__task_updates") == 2
    assert query(
        warehouse, "select message_id, sender from staging.stg_conversations__messages order by message_id"
    ) == [("m1", "customer"), ("m2", "agent")]


def test_marts_carry_no_pii_columns_or_values(warehouse):
    columns = [
        name
        for (name,) in query(
            warehouse,
            "select distinct column_name from information_schema.columns where table_schema = 'marts'",
        )
    ]
    pii = {"email", "user_email", "first_name", "last_name", "user_name", "ip", "ip_address", "user_metadata"}
    assert not pii & set(columns)
    tables = [
        t
        for (t,) in query(
            warehouse, "select table_name from information_schema.tables where table_schema = 'marts'"
        )
    ]
    for table in tables:
        text = scalar(
            warehouse, f"select coalesce(string_agg(cast(t as varchar), ''), '') from marts.{table} as t"
        )
        for value in ("example.com", "Ada", "Lovelace", "Carol", "10.0.0."):
            assert value not in text, (table, value)


def test_empty_warehouse_builds_green(empty_warehouse: Path, dbt_build):
    # every raw table exists, none has a row
    statuses = dbt_build(empty_warehouse, empty_warehouse.parent).counts()
    assert statuses.get("model:success", 0) > 0
    assert not {k for k in statuses if k.endswith((":fail", ":error", ":warn", ":skipped"))}, statuses
    # every dbt unit test of the project runs here (the other modules' builds leave them out)
    manifest = json.loads((empty_warehouse.parent / "target" / "manifest.json").read_text())
    assert manifest["unit_tests"] and statuses.get("unit_test:pass", 0) == len(manifest["unit_tests"]), (
        statuses
    )
