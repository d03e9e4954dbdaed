"""Incremental builds equal a full refresh for the event, web/widget and conversation models.

Warehouse A is built empty, lands batch 1 and builds (incremental tables already exist, so
this is an incremental run), lands batch 2 and builds incrementally.
Warehouse B lands both batches and builds with ``--full-refresh``. Every incremental table
must then hold the same rows in both (row for row, the run book-keeping columns
``processed_at`` / ``parsed_at`` left out).

Batch 2 holds what makes incremental sessionization hard, all hand-made:
- a late widget event between two sessions of visitor anon1, less than 30 min from each: the
  two sessions merge into one (the second session row must disappear);
- a late identify of anon1's earlier, anonymous session (5 days before the newest events; no
  event-time look-back, ``incremental_lookback_days`` is 0): its events get the user id and
  every anon1 session the blended_user_id, the earlier ones included;
- the session payload of ws5, whose events landed in batch 1 without it: the events move
  from the fallback actor 'ws5' to visitor anon3;
- a late event of visitor anon2 a day before its first session (its old first session is no
  longer its new-visitor session);
- late duplicate copies of a widget, a product, a behavior and a client_success event with
  other contents (ignored: the first landed copy wins, though only the copy is new);
- a late product event inside an existing product session, days before the newest events;
- an identify_user giving behavior-only user u2 an account (its account-less events take it);
- the reference rows of chatbots bot2 and bot3 (their events take the owner's account; bot3's
  events and session payload landed in batch 1, only its agent row is new);
- a later copy of conversation cv1 with other messages (ignored), and a new conversation
  repeating one of cv1's message ids (that message stays cv1's);
- new events on a later day.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import as_of_time, query

from ingestion.landing import ingest
from ingestion.retention import prune
from ingestion.warehouse import warehouse as open_warehouse

pytestmark = pytest.mark.dbt

AS_OF = "2024-05-10 00:00:00"
SELECT = [
    "--select",
    "+widget_daily_stats",
    "+widget_top_events",
    "+widget_traffic_sources",
    "+widget_devices",
    "+dim_agents",
    "+dim_end_customers",
    "+int_conversations_enriched",
    "--indirect-selection",
    "cautious",
]
MODELS_ONLY = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
# Data tests but not dbt's unit tests: those check the SQL against hand-made rows, not this
# data, and the empty-warehouse build of tests/test_staging_rules.py runs every one of them.
NO_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]
# Incremental tables (and tables built from them) compared between the two warehouses, with the columns left out: when a
# raw row was landed (loaded_at) and when a dbt run wrote a row differ between two warehouses.
COMPARED = {
    "staging.stg_client_success__events": ("_loaded_at",),
    "staging.stg_conversations__conversations": ("_loaded_at",),
    "staging.stg_conversations__messages": ("_loaded_at",),
    "intermediate.int_conversation_messages_summarized": ("loaded_at",),
    "intermediate.int_events_unioned": ("loaded_at",),
    "intermediate.int_widget_visitor_events_aggregated": ("loaded_at",),
    "intermediate.int_user_agents_parsed": ("parsed_at",),
    "marts.fct_events": ("loaded_at", "processed_at"),
    "marts.fct_sessions": ("processed_at",),
    "marts.widget_daily_stats": ("processed_at",),
    "marts.widget_top_events": ("processed_at",),
    "marts.widget_traffic_sources": ("processed_at",),
    "marts.widget_devices": ("processed_at",),
    # tables rebuilt every run, but from int_events_unioned's incremental rows
    "marts.dim_agents": (),
    "marts.dim_end_customers": (),
    "intermediate.int_conversations_enriched": (),
}

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def wevent(event_id: str, name: str, at: str, **extra: object) -> dict:
    category = {"widget_loaded": "system", "api_error": "error"}.get(name, "engagement")
    record = {
        "event_id": event_id,
        "event_name": name,
        "event_category": category,
        "properties": extra.pop("properties", {}),
        "page_url": extra.pop("page_url", "https://shop.example/pricing"),
        "page_title": "Pricing",
        "client_timestamp": at,
    }
    record.update(extra)
    return record


def batch(session_id: str, chatbot_id: str, received_at: str, events: list[dict]) -> dict:
    return {"chatbotId": chatbot_id, "sessionId": session_id, "received_at": received_at, "events": events}


def payload(session_id: str, chatbot_id: str, anonymous_id: str, created_at: str, **extra: object) -> dict:
    record = {
        "chatbot_id": chatbot_id,
        "session_id": session_id,
        "anonymous_id": anonymous_id,
        "referrer": None,
        "landing_page": "/pricing",
        "utm_source": None,
        "utm_medium": None,
        "utm_campaign": None,
        "user_agent": CHROME,
        "screen_width": 1920,
        "screen_height": 1080,
        "ip_address": "10.1.1.1",
        "created_at": created_at,
    }
    record.update(extra)
    return record


def track(message_id: str, event: str, at: str, **extra: object) -> dict:
    return {
        "message_id": message_id,
        "event": event,
        "user_id": "u1",
        "anonymous_id": "anon_p1",
        "account_id": "a1",
        "timestamp": at,
        "received_at": at,
        "properties": {"utc_time": at, "page_path": "/dashboard", **extra.pop("properties", {})},
        "context": {"session_id": "ps1", "user_agent": CHROME, "screen_resolution": "1920x1080"},
        **extra,
    }


def conversation(
    conversation_id: str, agent_id: str, start: str, messages: list[tuple[str, str, str]]
) -> dict:
    """A conversation record; messages are (message_id, sender, sent_at)."""
    return {
        "conversationId": conversation_id,
        "agentId": agent_id,
        "customerId": "anon1",
        "platform": "web",
        "sessionId": "ws1",
        "startTime": start,
        "endTime": None,
        "messages": [
            {"message_id": message_id, "sender": sender, "sent_at": sent_at, "chars": 10}
            for message_id, sender, sent_at in messages
        ],
    }


def behavior(event_id: str, customer_id: str, at: str) -> dict:
    return {
        "id": event_id,
        "customer_id": customer_id,
        "session_id": "bs1",
        "event_type": "navigation",
        "timestamp": at,
    }


BATCH_1: dict[str, list[dict]] = {
    "widget/sessions/b1.jsonl": [
        payload("ws1", "bot1", "anon1", "2024-05-01T09:00:00Z", referrer="https://www.google.com/search?q=x"),
        payload("ws2", "bot1", "anon1", "2024-05-02T10:00:00Z"),
        payload(
            "ws3",
            "bot1",
            "anon2",
            "2024-05-01T12:00:00Z",
            user_agent=IPHONE,
            utm_source="facebook",
            utm_medium="paid_social",
            utm_campaign="spring",
            landing_page="/offers",
        ),
        payload("ws4", "bot1", "anon_bot", "2024-05-01T13:00:00Z", user_agent=GOOGLEBOT),
        # ws9: chatbot bot3, whose agent row lands only in batch 2
        payload("ws9", "bot3", "anon4", "2024-05-04T08:00:00Z"),
    ],
    "widget/events/b1.jsonl": [
        batch(
            "ws9", "bot3", "2024-05-04T08:00:10Z", [wevent("e18", "widget_loaded", "2024-05-04T08:00:00Z")]
        ),
        batch(
            "ws1",
            "bot1",
            "2024-05-01T09:45:00Z",
            [
                wevent("e1", "widget_loaded", "2024-05-01T09:00:00Z"),
                wevent("e2", "widget_opened", "2024-05-01T09:05:00Z"),
                wevent("e3", "message_sent", "2024-05-01T09:10:00Z"),
                wevent(
                    "e4", "message_received", "2024-05-01T09:10:30Z", properties={"response_time_ms": 1200}
                ),
                # exactly 30 minutes after e4: a new session
                wevent(
                    "e5", "widget_loaded", "2024-05-01T09:40:30Z", page_url="https://shop.example/contact"
                ),
            ],
        ),
        batch(
            "ws2",
            "bot1",
            "2024-05-02T10:10:00Z",
            [
                wevent("e6", "widget_loaded", "2024-05-02T10:00:00Z"),
                wevent("e7", "message_sent", "2024-05-02T10:02:00Z"),
                wevent(
                    "e8", "message_received", "2024-05-02T10:02:02Z", properties={"response_time_ms": 2000}
                ),
            ],
        ),
        batch(
            "ws3",
            "bot1",
            "2024-05-01T12:10:00Z",
            [
                wevent(
                    "e9", "widget_loaded", "2024-05-01T12:00:00Z", page_url="https://shop.example/offers?x=1"
                ),
                wevent("e10", "pre_chat_form_submitted", "2024-05-01T12:03:00Z"),
            ],
        ),
        batch(
            "ws4", "bot1", "2024-05-01T13:00:10Z", [wevent("e11", "widget_loaded", "2024-05-01T13:00:00Z")]
        ),
        # ws5: no session payload yet, chatbot bot2 not registered yet
        batch(
            "ws5",
            "bot2",
            "2024-05-03T08:10:00Z",
            [
                wevent("e12", "widget_loaded", "2024-05-03T08:00:00Z"),
                wevent("e13", "api_error", "2024-05-03T08:01:00Z"),
            ],
        ),
    ],
    "reference/agents/b1.jsonl": [
        {"agent_id": "bot1", "account_id": "a1", "name": "Helper", "created_at": "2024-01-01T00:00:00Z"},
    ],
    "conversations/conversations/b1.jsonl": [
        conversation(
            "cv1",
            "bot1",
            "2024-05-01T09:00:00Z",
            [
                ("m1", "customer", "2024-05-01T09:00:00Z"),
                ("m2", "agent", "2024-05-01T09:00:05Z"),
                ("m3", "customer", "2024-05-01T09:01:00Z"),
            ],
        ),
        # bot2's agent row lands in batch 2
        conversation("cv2", "bot2", "2024-05-03T08:00:00Z", [("m4", "customer", "2024-05-03T08:00:00Z")]),
    ],
    "product/tracks/b1.jsonl": [
        track("p1", "page_viewed", "2024-05-01T10:00:00Z"),
        track("p2", "feature_used", "2024-05-01T10:20:00Z"),
        track("p2", "feature_used", "2024-05-01T10:20:00Z"),  # duplicate line
        track("p3", "login", "2024-05-02T08:00:00Z"),
    ],
    "product/users/b1.jsonl": [
        {
            "message_id": "iu1",
            "user_id": "u1",
            "timestamp": "2024-04-01T00:00:00Z",
            "traits": {"account_id": "a1"},
        },
    ],
    "behavior/events/b1.jsonl": [
        behavior("bh1", "u1", "2024-05-01T11:00:00Z"),
        behavior("bh2", "u2", "2024-05-01T11:00:00Z"),
        behavior("bh3", "u2", "2024-05-01T11:10:00Z"),
    ],
    "client_success/events/b1.jsonl": [
        {
            "id": "cs1",
            "client_id": "u1",
            "organization_id": "a1",
            "event_type": "page_view",
            "event_data": {},
            "session_id": "c1",
            "created_at": "2024-05-02T09:00:00Z",
        },
    ],
}

BATCH_2: dict[str, list[dict]] = {
    "widget/events/b2.jsonl": [
        # late: 14.5 min after e4 and 15.5 min before e5 -> anon1's two 05-01 sessions merge
        batch(
            "ws1", "bot1", "2024-05-08T09:00:00Z", [wevent("e14", "widget_minimized", "2024-05-01T09:25:00Z")]
        ),
        # a later copy of e3 with another time: ignored
        batch("ws1", "bot1", "2024-05-08T09:00:00Z", [wevent("e3", "message_sent", "2024-05-01T09:12:00Z")]),
        # anon2: a day before its first session
        batch(
            "ws8", "bot1", "2024-05-08T09:00:00Z", [wevent("e15", "widget_loaded", "2024-04-30T12:00:00Z")]
        ),
        # new days: anon1 comes back, the look-back window moves to 05-05
        batch(
            "ws7",
            "bot1",
            "2024-05-08T10:05:00Z",
            [
                wevent("e16", "widget_loaded", "2024-05-08T10:00:00Z"),
                wevent("e17", "widget_opened", "2024-05-08T10:01:00Z"),
            ],
        ),
    ],
    "widget/sessions/b2.jsonl": [
        payload("ws5", "bot2", "anon3", "2024-05-03T08:00:00Z", user_agent=IPHONE),
        payload("ws7", "bot1", "anon1", "2024-05-08T10:00:00Z"),
        payload("ws8", "bot1", "anon2", "2024-04-30T12:00:00Z", user_agent=IPHONE),
    ],
    "widget/identifies/b2.jsonl": [
        # late identify of anon1's 05-02 session
        {
            "message_id": "id1",
            "session_id": "ws2",
            "user_id": "cust1",
            "user_email": "c@example.com",
            "user_name": "C",
            "user_metadata": {},
            "identified_at": "2024-05-02T10:03:00Z",
        },
    ],
    "reference/agents/b2.jsonl": [
        {"agent_id": "bot2", "account_id": "a2", "name": "Booker", "created_at": "2024-01-01T00:00:00Z"},
        # bot3's events and session landed in batch 1: only the agent row is new
        {"agent_id": "bot3", "account_id": "a3", "name": "Guide", "created_at": "2024-01-01T00:00:00Z"},
    ],
    "product/tracks/b2.jsonl": [
        # late, inside the 10:00-10:20 session
        track("p4", "button_clicked", "2024-05-01T10:10:00Z"),
        track("p5", "login", "2024-05-08T08:00:00Z"),
        # a later copy of p3 with another event name: ignored (the first landed copy wins)
        track("p3", "logout", "2024-05-02T08:05:00Z"),
    ],
    "behavior/events/b2.jsonl": [
        # a later copy of bh2 with another time: ignored
        behavior("bh2", "u2", "2024-05-01T11:40:00Z"),
    ],
    "client_success/events/b2.jsonl": [
        # a later copy of cs1 with another type: ignored
        {
            "id": "cs1",
            "client_id": "u1",
            "organization_id": "a1",
            "event_type": "task_completed",
            "event_data": {},
            "session_id": "c1",
            "created_at": "2024-05-02T09:30:00Z",
        },
    ],
    "conversations/conversations/b2.jsonl": [
        # a later copy of cv1 with other messages: ignored (the first landed copy wins)
        conversation("cv1", "bot1", "2024-05-01T09:00:00Z", [("m9", "agent", "2024-05-01T09:00:01Z")]),
        # a new conversation repeating message m1 of cv1 (landed earlier): that copy is ignored
        conversation(
            "cv3",
            "bot1",
            "2024-05-08T10:00:00Z",
            [("m1", "customer", "2024-05-08T10:00:00Z"), ("m5", "agent", "2024-05-08T10:00:03Z")],
        ),
    ],
    "product/users/b2.jsonl": [
        {
            "message_id": "iu2",
            "user_id": "u2",
            "timestamp": "2024-05-08T00:00:00Z",
            "traits": {"account_id": "a2"},
        },
    ],
}


def write_batch(raw_root: Path, files: dict[str, list[dict]]) -> None:
    for relative_path, records in files.items():
        path = raw_root / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(record) + "\n" for record in records))


def land(warehouse: Path, raw_root: Path) -> None:
    with open_warehouse(warehouse) as con:
        report = ingest(raw_root, con, as_of=as_of_time(AS_OF))
    assert report.ok and report.rows_quarantined == 0 and report.rows_expired == 0, report


def table_rows(warehouse: Path, table: str, left_out: tuple[str, ...]) -> list[tuple]:
    """Every row of a table as text tuples, sorted, without the left-out columns."""
    schema, name = table.split(".")
    columns = [
        c
        for (c,) in query(
            warehouse,
            f"select column_name from information_schema.columns where table_schema = '{schema}' "
            f"and table_name = '{name}' order by ordinal_position",
        )
        if c not in left_out
    ]
    assert columns, f"{table} does not exist"
    select = ", ".join(f'cast("{c}" as varchar)' for c in columns)
    return sorted(query(warehouse, f"select {select} from {table}"), key=lambda r: tuple(str(v) for v in r))


def build(dbt_build, warehouse: Path, *extra: str, as_of: str = AS_OF):
    result = dbt_build(warehouse, warehouse.parent, ("build", *SELECT, *extra), as_of=as_of)
    statuses = result.counts()
    assert not {k for k in statuses if k.endswith((":fail", ":error", ":warn", ":skipped"))}, statuses
    return result


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory, make_warehouse, dbt_build) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("incremental")
    raw_root = root / "raw"

    incremental = make_warehouse(root / "incremental")
    # first build on the empty warehouse: the incremental tables exist and are empty, so the
    # batch-1 build already runs their incremental branch
    build(dbt_build, incremental, *MODELS_ONLY)
    write_batch(raw_root, BATCH_1)
    land(incremental, raw_root)
    build(dbt_build, incremental, *MODELS_ONLY)
    after_batch_1 = root / "after_batch_1.duckdb"
    after_batch_1.write_bytes(incremental.read_bytes())

    write_batch(raw_root, BATCH_2)
    land(incremental, raw_root)
    build(dbt_build, incremental, *NO_UNIT_TESTS)

    full_refresh = make_warehouse(root / "full_refresh")
    land(full_refresh, raw_root)
    build(dbt_build, full_refresh, "--full-refresh", *NO_UNIT_TESTS)
    return {"incremental": incremental, "full_refresh": full_refresh, "after_batch_1": after_batch_1}


@pytest.mark.parametrize("table", sorted(COMPARED))
def test_incremental_build_equals_full_refresh(warehouses, table):
    incremental = table_rows(warehouses["incremental"], table, COMPARED[table])
    full_refresh = table_rows(warehouses["full_refresh"], table, COMPARED[table])
    assert incremental, f"{table} is empty: the fixture exercises nothing"
    missing = [r for r in full_refresh if r not in incremental]
    extra = [r for r in incremental if r not in full_refresh]
    assert not missing and not extra, {"missing in incremental": missing, "extra in incremental": extra}


def sessions_of(warehouse: Path, actor: str) -> list[tuple]:
    return query(
        warehouse,
        "select started_at::varchar, ended_at::varchar, events_count, blended_user_id, is_new_visitor "
        f"from marts.fct_sessions where actor_id = '{actor}' order by started_at",
    )


def test_late_event_merges_two_sessions_and_the_superseded_one_is_gone(warehouses):
    # batch 1: e5 came exactly 30 minutes after e4, a new session
    before = sessions_of(warehouses["after_batch_1"], "anon1")
    assert [(s[0], s[2]) for s in before] == [
        ("2024-05-01 09:00:00", 4),
        ("2024-05-01 09:40:30", 1),
        ("2024-05-02 10:00:00", 3),
    ]
    after = sessions_of(warehouses["incremental"], "anon1")
    assert [(s[0], s[1], s[2]) for s in after] == [
        ("2024-05-01 09:00:00", "2024-05-01 09:40:30", 6),
        ("2024-05-02 10:00:00", "2024-05-02 10:02:02", 3),
        ("2024-05-08 10:00:00", "2024-05-08 10:01:00", 2),
    ]
    # every event of the merged session points at its one session id
    assert query(
        warehouses["incremental"],
        "select count(distinct session_id) from marts.fct_events where event_id in ('e1', 'e5', 'e14')",
    ) == [(1,)]


def test_late_identify_restamps_blended_id_of_older_sessions(warehouses):
    assert {s[3] for s in sessions_of(warehouses["after_batch_1"], "anon1")} == {"anon1"}
    # the identify tied ws2 (05-02) to cust1: all anon1 sessions, 05-01 included, are cust1's
    assert [s[3] for s in sessions_of(warehouses["incremental"], "anon1")] == ["cust1", "cust1", "cust1"]
    assert query(
        warehouses["incremental"],
        "select distinct user_id from marts.fct_events where client_session_id = 'ws2'",
    ) == [("cust1",)]
    # a visitor never identified keeps its anonymous id
    assert {s[3] for s in sessions_of(warehouses["incremental"], "anon2")} == {"anon2"}


def test_late_payload_moves_events_to_the_visitor(warehouses):
    assert [s[2] for s in sessions_of(warehouses["after_batch_1"], "ws5")] == [2]
    assert sessions_of(warehouses["incremental"], "ws5") == []
    assert [s[2] for s in sessions_of(warehouses["incremental"], "anon3")] == [2]
    # bot2's reference row arrived: its events carry the owner's account
    assert query(
        warehouses["incremental"],
        "select distinct account_id from marts.fct_events where chatbot_id = 'bot2'",
    ) == [("a2",)]


def test_earlier_late_session_becomes_the_new_visitor_session(warehouses):
    assert [s[4] for s in sessions_of(warehouses["after_batch_1"], "anon2")] == [True]
    assert [(s[0], s[4]) for s in sessions_of(warehouses["incremental"], "anon2")] == [
        ("2024-04-30 12:00:00", True),
        ("2024-05-01 12:00:00", False),
    ]


def test_late_identify_user_restamps_inherited_accounts(warehouses):
    assert query(
        warehouses["after_batch_1"], "select distinct account_id from marts.fct_events where user_id = 'u2'"
    ) == [(None,)]
    assert query(
        warehouses["incremental"], "select distinct account_id from marts.fct_events where user_id = 'u2'"
    ) == [("a2",)]


def test_late_product_event_and_duplicate(warehouses):
    product = sessions_of(warehouses["incremental"], "anon_p1")
    assert [(s[0], s[2]) for s in product] == [
        ("2024-05-01 10:00:00", 3),
        ("2024-05-02 08:00:00", 1),
        ("2024-05-08 08:00:00", 1),
    ]
    # the later copy of e3 (09:12) is ignored
    assert query(
        warehouses["incremental"], "select occurred_at::varchar from marts.fct_events where event_id = 'e3'"
    ) == [("2024-05-01 09:10:00",)]


def test_late_agent_row_gives_built_events_their_account(warehouses):
    sql = "select account_id from intermediate.int_events_unioned where event_id = 'e18'"
    assert query(warehouses["after_batch_1"], sql) == [(None,)]
    assert query(warehouses["incremental"], sql) == [("a3",)]


def test_later_copies_across_batches_are_ignored(warehouses):
    # batch 2 re-sends p3, bh2 and cs1 with other contents: the incremental run reads only the
    # new raw rows, and must still see that an earlier copy was landed
    sql = (
        "select source, event_id, event_name, occurred_at::varchar from intermediate.int_events_unioned "
        "where event_id in ('p3', 'bh2', 'cs1') order by source"
    )
    expected = [
        ("behavior", "bh2", "navigation", "2024-05-01 11:00:00"),
        ("client_success", "cs1", "page_view", "2024-05-02 09:00:00"),
        ("product", "p3", "login", "2024-05-02 08:00:00"),
    ]
    assert query(warehouses["incremental"], sql) == expected
    assert query(warehouses["full_refresh"], sql) == expected


def test_visitor_event_times_follow_late_events_and_payloads(warehouses):
    rows = query(
        warehouses["incremental"],
        "select anonymous_id, first_seen_at::varchar, last_seen_at::varchar, latest_chatbot_id "
        "from intermediate.int_widget_visitor_events_aggregated order by anonymous_id",
    )
    assert rows == [
        # anon1 comes back on 05-08 (batch 2)
        ("anon1", "2024-05-01 09:00:00", "2024-05-08 10:01:00", "bot1"),
        # the late event of ws8, a day before anon2's first session
        ("anon2", "2024-04-30 12:00:00", "2024-05-01 12:03:00", "bot1"),
        # ws5's events (batch 1) get their visitor from the payload of batch 2
        ("anon3", "2024-05-03 08:00:00", "2024-05-03 08:01:00", "bot2"),
        ("anon4", "2024-05-04 08:00:00", "2024-05-04 08:00:00", "bot3"),
        ("anon_bot", "2024-05-01 13:00:00", "2024-05-01 13:00:00", "bot1"),
    ]


def test_conversation_messages_keep_their_first_landed_copies(warehouses):
    rows = query(
        warehouses["incremental"],
        "select conversation_id, message_count, customer_message_count, agent_message_count, "
        "responses_measured_count, unanswered_customer_messages_count, first_response_time_ms "
        "from intermediate.int_conversation_messages_summarized order by conversation_id",
    )
    assert rows == [
        # m1 answered by m2 5 s later, m3 unanswered; the later copy of cv1 changes nothing
        ("cv1", 3, 2, 1, 1, 1, 5000),
        ("cv2", 1, 1, 0, 0, 1, None),
        # m1 is cv1's: cv3 keeps only m5
        ("cv3", 1, 0, 1, 0, 0, None),
    ]


def test_daily_stats_follow_the_late_data(warehouses):
    sql = (
        "select stat_date::varchar, total_sessions, unique_visitors, new_visitors, returning_visitors "
        "from marts.widget_daily_stats where chatbot_id = 'bot1' order by stat_date"
    )
    # batch 1, 05-01: anon1 x2 and anon2 (the Googlebot session is left out)
    assert query(warehouses["after_batch_1"], sql) == [
        ("2024-05-01", 3, 2, 2, 0),
        ("2024-05-02", 1, 1, 0, 1),
    ]
    assert query(warehouses["incremental"], sql) == [
        ("2024-04-30", 1, 1, 1, 0),
        ("2024-05-01", 2, 2, 1, 1),
        ("2024-05-02", 1, 1, 0, 1),
        ("2024-05-08", 1, 1, 0, 1),
    ]


# --- an actor's sessions age out of the rebuildable window -------------------------------------
# Visitor anon9 is identified (cust9) in its 05-01 session and anonymous in its 05-06 one. With
# raw widget events kept 7 days, a prune as of 05-09 removes the 05-01 events: a full refresh
# can no longer see the identified session, so the 05-06 session is anon9's first one it can
# rebuild, blended as anon9. The incremental table, which still holds the 05-01 session (widget
# sessions are kept beyond their raw events), must agree without rebuilding the 05-06 session.
#
# Behavior events carry their own retention_days, so a prune can take some events of a session
# and leave the rest: u7's 05-02 session (09:00, 09:10, 09:30, 09:55; outside the look-back
# window of the build after the prune) loses its first and third events (kept 5 days), and what
# is left is two sessions (a 45-minute gap), as a full refresh sessionizes it; u8's only event
# (kept 5 days) goes with its session.
AGE_OUT_RETENTION = {"retention_widget_raw_events_days": 7}
AGE_OUT_FIRST, AGE_OUT_LATER = "2024-05-06 12:00:00", "2024-05-09 00:00:00"
AGE_OUT_RAW: dict[str, list[dict]] = {
    "widget/sessions/a1.jsonl": [
        payload("wsA", "bot1", "anon9", "2024-05-01T10:00:00Z"),
        payload("wsB", "bot1", "anon9", "2024-05-06T10:00:00Z"),
    ],
    "widget/events/a1.jsonl": [
        batch(
            "wsA", "bot1", "2024-05-01T10:05:00Z", [wevent("e91", "widget_loaded", "2024-05-01T10:00:00Z")]
        ),
        batch(
            "wsB", "bot1", "2024-05-06T10:05:00Z", [wevent("e92", "widget_loaded", "2024-05-06T10:00:00Z")]
        ),
    ],
    "behavior/events/a1.jsonl": [
        {**behavior("bh71", "u7", "2024-05-02T09:00:00Z"), "retention_days": 5},
        behavior("bh72", "u7", "2024-05-02T09:10:00Z"),
        {**behavior("bh73", "u7", "2024-05-02T09:30:00Z"), "retention_days": 5},
        behavior("bh74", "u7", "2024-05-02T09:55:00Z"),
        {**behavior("bh81", "u8", "2024-05-02T08:00:00Z"), "retention_days": 5},
    ],
    "widget/identifies/a1.jsonl": [
        {
            "message_id": "id9",
            "session_id": "wsA",
            "user_id": "cust9",
            "user_email": "c9@example.com",
            "user_name": "C9",
            "user_metadata": {},
            "identified_at": "2024-05-01T10:01:00Z",
        },
    ],
}


@pytest.fixture(scope="module")
def aged_out(tmp_path_factory: pytest.TempPathFactory, make_warehouse, dbt_build) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("aged_out")
    write_batch(root / "raw", AGE_OUT_RAW)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("EWH_DBT_VARS", json.dumps(AGE_OUT_RETENTION))
        incremental = make_warehouse(root / "incremental")
        with open_warehouse(incremental) as con:
            report = ingest(root / "raw", con, as_of=as_of_time(AGE_OUT_FIRST))
        assert report.ok and report.rows_expired == 0, report
        build(dbt_build, incremental, *NO_UNIT_TESTS, as_of=AGE_OUT_FIRST)
        before = root / "before_prune.duckdb"
        before.write_bytes(incremental.read_bytes())
        with open_warehouse(incremental) as con:
            pruned = prune(con, as_of=as_of_time(AGE_OUT_LATER))
        assert pruned.rows() > 0, pruned.format_table()
        full_refresh = root / "full_refresh" / "warehouse.duckdb"
        full_refresh.parent.mkdir()
        full_refresh.write_bytes(incremental.read_bytes())
        build(dbt_build, incremental, *NO_UNIT_TESTS, as_of=AGE_OUT_LATER)
        build(dbt_build, full_refresh, "--full-refresh", *NO_UNIT_TESTS, as_of=AGE_OUT_LATER)
    return {"before_prune": before, "incremental": incremental, "full_refresh": full_refresh}


def test_sessions_aging_out_restamp_blended_id_and_new_visitor(aged_out):
    # as of 05-06 both sessions are rebuildable: the later one is cust9's, not new
    assert sessions_of(aged_out["before_prune"], "anon9") == [
        ("2024-05-01 10:00:00", "2024-05-01 10:00:00", 1, "cust9", True),
        ("2024-05-06 10:00:00", "2024-05-06 10:00:00", 1, "cust9", False),
    ]
    # as of 05-09 the 05-01 session is kept beyond its raw events, as it was; the 05-06 one is
    # the first a full refresh can rebuild, and no rebuildable session names a user
    assert sessions_of(aged_out["incremental"], "anon9") == [
        ("2024-05-01 10:00:00", "2024-05-01 10:00:00", 1, "cust9", True),
        ("2024-05-06 10:00:00", "2024-05-06 10:00:00", 1, "anon9", True),
    ]
    assert sessions_of(aged_out["full_refresh"], "anon9") == [
        ("2024-05-06 10:00:00", "2024-05-06 10:00:00", 1, "anon9", True),
    ]


@pytest.mark.parametrize(
    "table", ["intermediate.int_widget_visitor_events_aggregated", "marts.dim_end_customers"]
)
def test_visitors_whose_events_age_out_are_aggregated_again(aged_out, table):
    left_out = COMPARED[table]
    assert table_rows(aged_out["incremental"], table, left_out) == table_rows(
        aged_out["full_refresh"], table, left_out
    )


def test_visitor_event_times_after_a_prune(aged_out):
    sql = (
        "select first_seen_at::varchar, last_seen_at::varchar from "
        "intermediate.int_widget_visitor_events_aggregated where anonymous_id = 'anon9'"
    )
    assert query(aged_out["before_prune"], sql) == [("2024-05-01 10:00:00", "2024-05-06 10:00:00")]
    # e91 (received 05-01) is past the 7-day retention as of 05-09: only e92 is left
    assert query(aged_out["incremental"], sql) == [("2024-05-06 10:00:00", "2024-05-06 10:00:00")]


def event_sessions_of(warehouse: Path, actor: str) -> list[tuple]:
    return query(
        warehouse,
        "select event_id, session_started_at::varchar, session_id is not null "
        f"from marts.fct_events where actor_id = '{actor}' order by occurred_at",
    )


def test_pruning_part_of_a_session_sessionizes_the_rest_again(aged_out):
    assert [s[:3] for s in sessions_of(aged_out["before_prune"], "u7")] == [
        ("2024-05-02 09:00:00", "2024-05-02 09:55:00", 4),
    ]
    assert sessions_of(aged_out["before_prune"], "u8") != []
    for warehouse in (aged_out["incremental"], aged_out["full_refresh"]):
        assert [s[:3] for s in sessions_of(warehouse, "u7")] == [
            ("2024-05-02 09:10:00", "2024-05-02 09:10:00", 1),
            ("2024-05-02 09:55:00", "2024-05-02 09:55:00", 1),
        ]
        assert event_sessions_of(warehouse, "u7") == [
            ("bh72", "2024-05-02 09:10:00", True),
            ("bh74", "2024-05-02 09:55:00", True),
        ]
        assert sessions_of(warehouse, "u8") == []
    assert sessions_of(aged_out["incremental"], "u7") == sessions_of(aged_out["full_refresh"], "u7")
    # the build re-sessionized the actors the prune recorded, and emptied the record
    assert query(aged_out["incremental"], "select count(*) from raw._pruned_event_actors") == [(0,)]
