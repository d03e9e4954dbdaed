"""Client-success, agent and monitoring marts end to end (rules: docs/metrics.md).

A small hand-written fixture is written as JSONL under a tmp raw root, landed with
``ingestion.landing.ingest`` and built once per module with ``dbt build --select`` of these
marts and their parents, as of Wednesday 2024-05-15 12:00 UTC. Every expected number below is
computed by hand from ``RAW_FILES`` (the formulas are unit-tested in the models' yml; this
checks that staging, spines and joins feed them the right rows). Alert ids must not depend on
the run: a second build gives the same ids, and a build a day later keeps the ids of the
conditions that still hold.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from helpers import land_records, query

pytestmark = pytest.mark.dbt

AS_OF = "2024-05-15 12:00:00"
NEXT_DAY = "2024-05-16 12:00:00"
OWN_MODELS = [
    "path:models/intermediate/client_success",
    "path:models/intermediate/agents",
    "path:models/marts/client_success",
    "path:models/marts/agents",
    "path:models/marts/monitoring",
]
WITH_PARENTS = [f"+{selector}" for selector in OWN_MODELS]


def cs_event(event_id: str, client_id: str, event_type: str, created_at: str, **data: object) -> dict:
    return {
        "id": event_id,
        "client_id": client_id,
        "organization_id": "a1",
        "event_type": event_type,
        "event_data": data,
        "session_id": f"s_{client_id}",
        "duration_seconds": 60,
        "created_at": created_at,
    }


def task(task_id: str, client_id: str, task_type: str, status: str, updated_at: str) -> dict:
    return {
        "task_id": task_id,
        "client_id": client_id,
        "organization_id": "a1",
        "task_type": task_type,
        "title": f"Task {task_id}",
        "status": status,
        "updated_at": updated_at,
    }


def conversation(
    conversation_id: str,
    agent_id: str,
    customer_id: str,
    start: str,
    end: str | None,
    messages: list[tuple[str, str]],
    **extra: object,
) -> dict:
    record: dict = {
        "conversationId": conversation_id,
        "agentId": agent_id,
        "customerId": customer_id,
        "platform": "whatsapp",
        "sessionId": f"s_{conversation_id}",
        "startTime": start,
        "endTime": end,
        "responseTimeAvg": 99999,  # the producer's figure: recomputed from messages
        "sentiment": {"overall": "positive", "confidence": 0.9, "emotions": []},
        "messages": [
            {"message_id": f"{conversation_id}_m{i}", "sender": sender, "sent_at": sent_at, "chars": 40}
            for i, (sender, sent_at) in enumerate(messages)
        ],
    }
    record.update(extra)
    return record


RAW_FILES: dict[str, list[dict]] = {
    "client_success/events/x.jsonl": [
        # u1: the weeks of the client_success_scores unit test (c1)
        cs_event("e1", "u1", "login", "2024-04-29T09:00:00Z"),
        cs_event("e2", "u1", "content_generated", "2024-04-29T10:00:00Z"),
        cs_event("e3", "u1", "visual_created", "2024-04-30T09:00:00Z"),
        cs_event("e4", "u1", "feedback_given", "2024-05-01T09:00:00Z", score=4),
        cs_event("e5", "u1", "task_completed", "2024-05-02T09:00:00Z"),
        cs_event("e6", "u1", "content_generated", "2024-05-06T09:00:00Z"),
        cs_event("e7", "u1", "content_generated", "2024-05-06T10:00:00Z"),
        cs_event("e8", "u1", "visual_created", "2024-05-07T09:00:00Z"),
        cs_event("e9", "u1", "export_downloaded", "2024-05-07T10:00:00Z"),
        cs_event("e10", "u1", "task_completed", "2024-05-08T09:00:00Z"),
        cs_event("e11", "u1", "content_generated", "2024-05-08T10:00:00Z"),
        cs_event("e12", "u1", "feedback_given", "2024-05-08T11:00:00Z", score=2),
        cs_event("e13", "u1", "login", "2024-05-13T09:00:00Z"),
        cs_event("e14", "u1", "page_view", "2024-05-15T11:00:00Z"),
        cs_event("e15", "u1", "page_view", "2024-05-15T13:00:00Z"),  # after as_of
        # u2: last event 75 h before as_of -> zero_activity; u3: 50 h, but its only event: a client
        # with under 28 days of history raises no inactivity (zero_activity once it reaches 72 h)
        cs_event("e20", "u2", "login", "2024-05-12T09:00:00Z"),
        cs_event("e30", "u3", "login", "2024-05-13T10:00:00Z"),
    ],
    "client_success/tasks/x.jsonl": [
        task("t1", "u1", "onboarding", "todo", "2024-04-29T08:00:00Z"),
        task("t1", "u1", "onboarding", "done", "2024-05-02T09:00:00Z"),
        task("t2", "u1", "onboarding", "in_progress", "2024-04-30T10:00:00Z"),
        task("t2", "u1", "onboarding", "done", "2024-05-07T10:00:00Z"),
        task("t3", "u1", "launch_kit", "done", "2024-05-03T10:00:00Z"),
        task("t4", "u1", "onboarding", "todo", "2024-05-15T13:00:00Z"),  # after as_of
        # in progress for 5 days -> task_stalled
        task("t5", "u3", "onboarding", "in_progress", "2024-05-10T12:00:00Z"),
    ],
    "reference/agents/x.jsonl": [
        {"agent_id": "bot1", "account_id": "a1", "name": "Helper", "created_at": "2024-01-01T00:00:00Z"},
        {"agent_id": "bot2", "account_id": "a1", "name": "Booker", "created_at": "2024-01-01T00:00:00Z"},
    ],
    "conversations/conversations/x.jsonl": [
        # the agent platform's sample agent: CSAT 5, completed, purchase 1200, one reply after 35 s
        conversation(
            "cv1",
            "bot1",
            "cust_a",
            "2024-05-10T10:00:00Z",
            "2024-05-10T11:00:00Z",
            [("customer", "2024-05-10T10:00:00Z"), ("agent", "2024-05-10T10:00:35Z")],
            customerSatisfactionScore=5,
            conversionEvent={"type": "purchase", "value": 1200, "currency": "USD"},
        ),
        # CSAT 2 (alert), reply after 300 s, no conversion
        conversation(
            "cv2",
            "bot2",
            "cust_b",
            "2024-05-14T10:00:00Z",
            "2024-05-14T10:20:00Z",
            [("customer", "2024-05-14T10:00:00Z"), ("agent", "2024-05-14T10:05:00Z")],
            customerSatisfactionScore=2,
        ),
        # cust_c: two interactions, none in the last 60 days -> at_risk
        conversation("cv3", "bot1", "cust_c", "2024-02-01T10:00:00Z", "2024-02-01T10:10:00Z", []),
        conversation("cv4", "bot1", "cust_c", "2024-03-01T10:00:00Z", "2024-03-01T10:10:00Z", []),
        # started after as_of: not seen
        conversation("cv5", "bot2", "cust_d", "2024-05-15T13:00:00Z", None, []),
    ],
}


def dbt(directory: Path, warehouse: Path, dbt_build, args: list[str], as_of: str) -> dict[str, int]:
    statuses = dbt_build(warehouse, directory, args, as_of=as_of).counts()
    assert not {k for k in statuses if k.endswith((":fail", ":error", ":warn", ":skipped"))}, statuses
    return statuses


OWN_MARTS = (
    "client_success_scores",
    "client_momentum_alerts",
    "client_weekly_insights",
    "client_engagement_heatmap",
    "fct_conversations",
    "agent_performance",
    "agent_comparison",
    "platform_distribution",
    "system_performance",
    "customer_insights",
    "alerts",
)


def checksums(warehouse: Path) -> dict[str, tuple]:
    """Row count and an order-independent digest of every row of each mart."""
    return {
        table: query(
            warehouse,
            f"select count(*), md5(coalesce(string_agg(row_md5, '' order by row_md5), '')) "
            f"from (select md5(cast(t as varchar)) as row_md5 from marts.{table} as t)",
        )[0]
        for table in OWN_MARTS
    }


def alert_ids(warehouse: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """The ids of each (alert type, subject)'s episodes, in the order they began."""
    ids: dict[tuple[str, str], tuple[str, ...]] = {}
    for alert_id, alert_type, subject_id in query(
        warehouse,
        "select alert_id, alert_type, subject_id from marts.alerts order by first_detected_at, alert_id",
    ):
        ids[(alert_type, subject_id)] = (*ids.get((alert_type, subject_id), ()), alert_id)
    return ids


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, dbt_build) -> dict:
    """The fixture landed once; built twice as of AS_OF and once a day later."""
    directory = tmp_path_factory.mktemp("client_agent_marts")
    warehouse = land_records(directory, RAW_FILES, AS_OF)

    # 1. every model (and seed) these marts need; 2. these marts again with their data and unit tests
    # (the parents' own tests belong to other suites) -- the second build of the same data;
    # 3. these marts a day later
    parents_args = ["--exclude", "resource_type:test", "resource_type:unit_test"]
    dbt(directory, warehouse, dbt_build, ["build", "--select", *WITH_PARENTS, *parents_args], AS_OF)
    first = alert_ids(warehouse)
    first_checksums = checksums(warehouse)
    statuses = dbt(directory, warehouse, dbt_build, ["build", "--select", *OWN_MODELS], AS_OF)
    assert statuses.get("unit_test:pass", 0) >= 10 and statuses.get("test:pass", 0) >= 50, statuses
    second = alert_ids(warehouse)
    second_checksums = checksums(warehouse)
    snapshot = directory / "as_of.duckdb"
    con = duckdb.connect(str(snapshot))
    try:
        con.execute(f"attach '{warehouse}' as built (read_only)")
        for table in ("client_success_scores", "client_momentum_alerts", "agent_comparison",
                      "fct_conversations", "customer_insights", "client_engagement_heatmap", "alerts"):  # fmt: skip
            con.execute(f"create table {table} as select * from built.marts.{table}")
    finally:
        con.close()
    dbt(directory, warehouse, dbt_build, ["run", "--select", *OWN_MODELS], NEXT_DAY)
    next_day = alert_ids(warehouse)
    return {
        "warehouse": snapshot,
        "first": first,
        "second": second,
        "next_day": next_day,
        "checksums": (first_checksums, second_checksums),
    }


def test_client_success_scores_end_to_end(built):
    rows = query(
        built["warehouse"],
        "select cast(week_start as varchar), days_elapsed, overall_score, score_band, score_change, trend, "
        "engagement_score, momentum_score, events_count, previous_week_events_count "
        "from client_success_scores where client_id = 'u1' order by week_start",
    )
    # W20 at Wed 12:00 (d = 2.5): 2 events on 2 days, no high-value action:
    #   engagement 100*(0.5*min(1, 2/2.5) + 0.3*2/(50*2.5/7)) = 43.36; activation 100 (t1, t2 done,
    #   t4 is after as_of; launch kit t3 done); progress 6 pieces of 20 = 30; satisfaction
    #   (mean(4, 2) - 1)*25 = 50; momentum against W19's Mon-Wed 12:00 (7 events): 50 + 50*(2-7)/7
    #   = 14.29 -> 10.84 + 20 + 7.5 + 7.5 + 2.14 = 47.98.
    #   W19 over the same span: engagement 100*(0.5 + 0.3*7/17.86 + 0.2) = 81.76, momentum against
    #   W18's span (4 events) 87.5 -> 68.57; change -20.59, inside the current week's threshold
    #   15*sqrt(7/2.5) = 25.1 -> stable. W19 complete: +5.27 < 15 -> stable.
    assert rows == [
        ("2024-04-29", 7.0, 51.64, "needs_attention", None, "stable", 43.57, 100.0, 5, 0),
        ("2024-05-06", 7.0, 56.91, "needs_attention", 5.27, "stable", 45.63, 70.0, 7, 5),
        ("2024-05-13", 2.5, 47.98, "needs_attention", -20.59, "stable", 43.36, 14.29, 2, 7),
    ]
    # u2 (first event Sunday 05-12) and u3 (Monday 05-13) start in the weeks of their first
    # events and run to the week of as_of; a first week has no change to report
    weeks = dict(
        query(built["warehouse"], "select client_id, count(*) from client_success_scores group by 1")
    )
    assert weeks == {"u1": 3, "u2": 2, "u3": 1}
    assert query(
        built["warehouse"],
        "select score_change, trend from client_success_scores where client_id = 'u3'",
    ) == [(None, "stable")]


MOMENTUM_ALERTS = [
    # t2 in_progress 04-30 10:00 .. done 05-07 10:00: stalled from 72 h on, UTC days 05-03..05-07
    ("task_stalled", "warning", "u1", "t2", "2024-05-03 10:00:00", "2024-05-07 10:00:00", 5, False, 168.0),
    ("task_stalled", "warning", "u3", "t5", "2024-05-13 12:00:00", "2024-05-15 12:00:00", 3, True, 120.0),
    # u1's silence 05-02 09:00 .. 05-06 09:00 (96 h) is longer than any before (24 h): detected at 72 h
    ("zero_activity", "critical", "u1", None, "2024-05-05 09:00:00", "2024-05-06 09:00:00", 2, False, 96.0),
    # u1's silence 05-08 11:00 .. 05-13 09:00 (118 h) is detected only once it is longer than the
    # 96 h silence of the 28 days before: at 05-12 11:00, not at 72 h
    ("zero_activity", "critical", "u1", None, "2024-05-12 11:00:00", "2024-05-13 09:00:00", 2, False, 118.0),
    ("zero_activity", "critical", "u2", None, "2024-05-15 09:00:00", "2024-05-15 12:00:00", 1, True, 75.0),
]


def test_momentum_alerts_end_to_end(built):
    rows = query(
        built["warehouse"],
        "select alert_type, severity, client_id, task_id, cast(first_detected_at as varchar), "
        "cast(last_detected_at as varchar), detections, is_open, metric_value "
        "from client_momentum_alerts order by alert_type, client_id, first_detected_at",
    )
    assert rows == MOMENTUM_ALERTS


def test_heatmap_has_thirty_days_per_client_and_ignores_events_after_as_of(built):
    rows = query(
        built["warehouse"],
        "select client_id, count(*), sum(events_count), min(activity_date), max(activity_date) "
        "from client_engagement_heatmap group by 1 order by 1",
    )
    assert [(r[0], r[1], r[2]) for r in rows] == [("u1", 30, 14), ("u2", 30, 1), ("u3", 30, 1)]
    assert {(str(r[3]), str(r[4])) for r in rows} == {("2024-04-16", "2024-05-15")}


def test_conversations_recomputed_and_agents_graded(built):
    conversations = query(
        built["warehouse"],
        "select conversation_id, response_time_avg_ms, is_completed from fct_conversations order by 1",
    )
    # cv5 started after as_of; cv1's 35 s replaces the producer's 99999 ms
    assert conversations == [
        ("cv1", 35000.0, True),
        ("cv2", 300000.0, True),
        ("cv3", None, True),
        ("cv4", None, True),
    ]
    agents = query(
        built["warehouse"],
        "select agent_id, performance_rank, performance_score, performance_grade, total_conversations "
        "from agent_comparison order by performance_rank",
    )
    # bot1: 3 conversations, CSAT 5, all completed, 1 conversion of 3, response 35 s:
    #   quality 0.6 x 100 + 40 = 100; conversion 100 x (1/3) / 0.3 -> 100; efficiency
    #   0.7 x 98.148 + 30 = 98.70 -> 40 + 35 + 24.68 = 99.68 A+
    # bot2: CSAT 2, completed, no conversion, 300 s: 0.4 x 55 + 0 + 0.25 x 30 = 29.5 D
    assert agents == [("bot1", 1, 99.68, "A+", 3), ("bot2", 2, 29.5, "D", 1)]


def test_customer_segments_end_to_end(built):
    rows = query(
        built["warehouse"],
        "select end_customer_id, customer_segment, lifetime_value, purchases_count from customer_insights order by 1",
    )
    assert rows == [
        ("cust_a", "new", 1200.0, 1),
        ("cust_b", "new", 0.0, 0),
        ("cust_c", "at_risk", 0.0, 0),
    ]


def test_alerts_collect_every_kind_with_stable_ids(built):
    kinds = query(
        built["warehouse"],
        "select alert_type, severity, subject_type, subject_id, cast(first_detected_at as varchar), is_open "
        "from alerts order by 1, 4, 5",
    )
    # cv2 (CSAT 2 on 05-14) is bot2's only rated conversation that day: one warning detection for
    # the agent-day (mean 2, not below 2.0), at the end of 05-14, closed by as_of's day
    assert kinds == sorted(
        [(t, sev, "task" if task_id else "client", task_id or client, first, open_)
         for t, sev, client, task_id, first, _, _, open_, _ in MOMENTUM_ALERTS]
        + [("low_customer_satisfaction", "warning", "agent", "bot2", "2024-05-15 00:00:00", False)]
    )  # fmt: skip
    # the same build twice: the same ids, indeed the same rows in every mart
    assert built["first"] == built["second"]
    first_checksums, second_checksums = built["checksums"]
    assert first_checksums == second_checksums
    # a day later u3 has had no event for 74 h: its silence is zero_activity now (no history is
    # needed for that); the stalled task, u2's zero activity and bot2's low satisfaction keep
    # their ids
    later = built["next_day"]
    for key in [("task_stalled", "t5"), ("zero_activity", "u2"), ("low_customer_satisfaction", "bot2")]:
        assert later[key] == built["first"][key], key
    assert ("inactivity", "u3") not in later and ("zero_activity", "u3") in later
