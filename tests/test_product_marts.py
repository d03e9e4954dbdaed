"""Product and behavior marts end to end on a tiny hand-written fixture (DESIGN.md §4).

The fixture below is landed with ``ingestion.landing.ingest`` and built with one real
``dbt build`` of the product and behavior marts and everything upstream (fct_sessions
included), as of ``AS_OF`` = Wednesday 2024-05-15 12:00 UTC. ISO weeks: W19 = Mon 05-06 ..
Sun 05-12 (scored as of its Sunday), W20 = Mon 05-13 .. (scored as of AS_OF).

Cast (every expected number below is computed by hand from these events):
- u1 (account A1): W19 one 25-minute session a day, Mon..Sun, each with two feature_used
  (12 distinct features), one support ticket on Wed; W20 a 20-minute session on Wed and one
  that starts at 11:50 and runs past AS_OF (counts up to AS_OF: 10 minutes).
- u2 (A1): one 10-minute session on Fri 05-10 with 4 support tickets (penalty case).
- u3 (A1): one product event on 05-07, 05-09, 05-10, 05-11, 05-12 (streak 4 at Sunday: 05-08
  has only a behavior session, which is not a product event); behavior tools icp-analysis
  and cost-calculator on 05-08; a goal on 05-09.
- u4 (A1): identified, never active (counts as 0 in the account's engagement mean).
- u5 (account A2): one session on 05-01 with 11 support tickets.
- A1 total_users trait 5, subscription_status active, past_due from 05-14 08:00; A2 10 users.

Engagement = clamp(0, 100, (0.30 s + 0.25 f + 0.20 t + 0.15 l) / 0.90 - 0.10 k), with
s = 100·sessions/(5·d/7), f = 100·features/10, t = 100·minutes/(120·d/7),
l = 100·streak/target, k = 100·tickets/3, each capped at 100; d = days elapsed in the week
(7 for a complete week, 2.5 for W20 at AS_OF); the streak target is 5 days for a complete
week and min(5, whole days elapsed) = 2 for W20 (docs/metrics.md, "Engagement").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import land_records, query

pytestmark = pytest.mark.dbt

AS_OF = "2024-05-15 12:00:00"
SELECT = [
    "+user_engagement_scores",
    "+account_health",
    "+account_renewals",
    "+goal_achievements",
    "+user_segments",
    "+account_segments",
    "+behavior_sessions",
    "+behavior_insights",
]


def iso(text: str) -> str:
    return datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M:%SZ")


def track(
    message_id: str,
    event: str,
    user_id: str | None,
    at: str,
    account_id: str | None = "A1",
    properties: dict | None = None,
    **props: object,
) -> dict:
    """A product track call at `at` (UTC); `properties` and keyword arguments go into properties."""
    moment = datetime.fromisoformat(at)
    return {
        "message_id": message_id,
        "event": event,
        "user_id": user_id,
        "anonymous_id": None,
        "account_id": account_id,
        "timestamp": iso(at),
        "received_at": (moment + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "properties": {"utc_time": iso(at), **(properties or {}), **props},
        "context": {"user_agent": "Mozilla/5.0"},
    }


def build_tracks() -> list[dict]:
    tracks: list[dict] = []
    # u1, W19: Mon 05-06 .. Sun 05-12, a session 09:00-09:25 each day; features f1..f7 at 09:10,
    # f8..f12 at 09:25 on the first five days -> 7 sessions, 175 minutes, 12 features, streak 7
    for i in range(7):
        day = date(2024, 5, 6) + timedelta(days=i)
        tracks.append(track(f"u1-pv-{i}", "page_viewed", "u1", f"{day} 09:00:00", page_path="/dashboard"))
        tracks.append(track(f"u1-fa-{i}", "feature_used", "u1", f"{day} 09:10:00", feature_name=f"f{i + 1}"))
        end_event = (
            track(f"u1-fb-{i}", "feature_used", "u1", f"{day} 09:25:00", feature_name=f"f{i + 8}")
            if i < 5
            else track(f"u1-fb-{i}", "button_clicked", "u1", f"{day} 09:25:00")
        )
        tracks.append(end_event)
    tracks += [
        track("u1-ticket", "support_ticket_created", "u1", "2024-05-08 09:20:00"),
        track(
            "u1-goal",
            "goal_achieved",
            "u1",
            "2024-05-08 09:15:00",
            goal_type="user_activation",
            goal_name="First agent published",
            goal_value=1,
            time_to_achieve_seconds=86400,
        ),
        # u1, W20 (Wed 05-15): 09:00-09:20, then 11:50 -> 12:15 (past AS_OF: 10 minutes count)
        track("u1-w20-a", "page_viewed", "u1", "2024-05-15 09:00:00"),
        track("u1-w20-b", "page_viewed", "u1", "2024-05-15 09:20:00"),
        track("u1-w20-c", "page_viewed", "u1", "2024-05-15 11:50:00"),
        track("u1-w20-d", "feature_used", "u1", "2024-05-15 12:15:00", feature_name="after_as_of"),
        # after AS_OF: ignored everywhere
        track("u1-late", "support_ticket_created", "u1", "2024-05-16 10:00:00"),
        # u2: Fri 05-10, 10:00-10:10 with 4 tickets
        track("u2-login", "login", "u2", "2024-05-10 10:00:00"),
    ]
    tracks += [
        track(f"u2-ticket-{i}", "support_ticket_created", "u2", f"2024-05-10 10:{4 + 2 * i:02d}:00")
        for i in range(4)
    ]
    # u3: one event on 05-07, 05-09 .. 05-12 (single-event sessions), a goal on 05-09
    tracks += [
        track(f"u3-pv-{d}", "page_viewed", "u3", f"2024-05-{d:02d} 10:00:00") for d in (7, 9, 10, 11, 12)
    ]
    tracks.append(
        track(
            "u3-goal",
            "goal_achieved",
            "u3",
            "2024-05-09 10:00:00",
            goal_type="integration",
            goal_name="First integration connected",
            goal_value=1,
        )
    )
    # u5 (A2): 05-01 10:00 login and 11 tickets 10:01 .. 10:11
    tracks.append(track("u5-login", "login", "u5", "2024-05-01 10:00:00", account_id="A2"))
    tracks += [
        track(
            f"u5-ticket-{i}", "support_ticket_created", "u5", f"2024-05-01 10:{i + 1:02d}:00", account_id="A2"
        )
        for i in range(11)
    ]
    # renewals (account-level, no user): A1 due 05-10, won 05-14 10:00; A2 due 05-12, still open
    tracks += [
        track(
            "r1",
            "renewal_due",
            None,
            "2024-05-10 00:00:00",
            account_id=None,
            properties={
                "account_id": "A1",
                "renewal_date": "2024-06-09",
                "current_plan": "growth",
                "days_until_renewal": 30,
            },
        ),
        track(
            "r2",
            "renewal_closed_won",
            None,
            "2024-05-14 10:00:00",
            account_id=None,
            properties={
                "account_id": "A1",
                "renewed_plan": "growth",
                "renewal_amount": 600,
                "contract_term_months": 12,
            },
        ),
        track("r3", "renewal_due", None, "2024-05-12 00:00:00", account_id="A2", days_until_renewal=30),
    ]
    return tracks


def user_identify(message_id: str, user_id: str, account_id: str, signup_date: str | None = None) -> dict:
    traits: dict = {"account_id": account_id, "email": f"{user_id}@example.com"}
    if signup_date:
        traits["signup_date"] = signup_date
    return {
        "message_id": message_id,
        "user_id": user_id,
        "timestamp": "2024-05-01T00:00:00Z",
        "traits": traits,
    }


def behavior(
    event_id: str, event_type: str, at: str, tool_id: str, impact: str, area: str | None, **extra
) -> dict:
    return {
        "id": event_id,
        "customer_id": "u3",
        "session_id": "bs1",
        "event_type": event_type,
        "tool_id": tool_id,
        "business_impact": impact,
        "competency_area": area,
        "timestamp": iso(at),
        **extra,
    }


RAW_FILES: dict[str, list[dict]] = {
    "product/tracks/x.jsonl": build_tracks(),
    "product/users/x.jsonl": [
        user_identify("iu1", "u1", "A1", "2024-04-01"),
        user_identify("iu2", "u2", "A1"),
        user_identify("iu3", "u3", "A1", "2024-05-01"),
        user_identify("iu4", "u4", "A1"),
        user_identify("iu5", "u5", "A2"),
    ],
    "product/accounts/x.jsonl": [
        {
            "message_id": "ia1",
            "account_id": "A1",
            "timestamp": "2024-05-01T00:00:00Z",
            "traits": {"subscription_status": "active", "total_users": 5, "plan_tier": "growth", "mrr": 500},
        },
        # only the status changes; the other traits carry over
        {
            "message_id": "ia2",
            "account_id": "A1",
            "timestamp": "2024-05-14T08:00:00Z",
            "traits": {"subscription_status": "past_due"},
        },
        {
            "message_id": "ia3",
            "account_id": "A2",
            "timestamp": "2024-05-01T00:00:00Z",
            "traits": {"subscription_status": "active", "total_users": 10, "plan_tier": "starter"},
        },
    ],
    "behavior/events/x.jsonl": [
        behavior(
            "b1",
            "tool_usage",
            "2024-05-08 10:00:00",
            "icp-analysis",
            "high",
            "customer_intelligence",
            referrer="https://www.google.com/search?q=icp",
        ),
        behavior("b2", "export_action", "2024-05-08 10:05:00", "icp-analysis", "high", "value_communication"),
        behavior("b3", "navigation", "2024-05-08 10:10:00", "cost-calculator", "low", None),
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_build) -> Path:
    """The fixture landed and built once for this module (one dbt build of the selection)."""
    directory = tmp_path_factory.mktemp("product_marts")
    path = land_records(directory, RAW_FILES, AS_OF)
    # cautious: leave out tests (e.g. relationships to dims) whose other parents are not selected
    result = dbt_build(
        path, directory, args=("build", "--indirect-selection", "cautious", "--select", *SELECT), as_of=AS_OF
    )
    statuses = result.counts()
    assert not {k for k in statuses if k.endswith((":fail", ":error", ":warn"))}, statuses
    return path


def engagement(warehouse: Path, user_id: str, week_start: str) -> dict:
    columns = (
        "sessions_count, features_count, active_minutes, login_streak_days, support_tickets_28d, "
        "sessions_score, features_score, minutes_score, streak_score, support_tickets_score, engagement_score"
    )
    rows = query(
        warehouse,
        f"select {columns} from marts.user_engagement_scores "
        f"where user_id = '{user_id}' and week_start = date '{week_start}'",
    )
    assert len(rows) == 1, rows
    return dict(zip([c.strip() for c in columns.split(",")], (float(v) for v in rows[0]), strict=True))


def test_engagement_rows_run_from_first_active_week_to_the_as_of_week(warehouse):
    rows = query(
        warehouse,
        "select user_id, count(*), min(week_start), max(week_start) "
        "from marts.user_engagement_scores group by user_id order by user_id",
    )
    # u4 was never active: no row; u5 first active in the week of 04-29
    assert rows == [
        ("u1", 2, date(2024, 5, 6), date(2024, 5, 13)),
        ("u2", 2, date(2024, 5, 6), date(2024, 5, 13)),
        ("u3", 2, date(2024, 5, 6), date(2024, 5, 13)),
        ("u5", 3, date(2024, 4, 29), date(2024, 5, 13)),
    ]


def test_engagement_with_every_cap_hit(warehouse):
    # u1 W19: 7 sessions, 12 features, 175 min, streak 7 -> all four capped at 100; 1 ticket
    # -> k = 33.33; (0.3+0.25+0.2+0.15)*100/0.9 - 0.1*33.33 = 100 - 3.33 = 96.67
    assert engagement(warehouse, "u1", "2024-05-06") == {
        "sessions_count": 7,
        "features_count": 12,
        "active_minutes": 175,
        "login_streak_days": 7,
        "support_tickets_28d": 1,
        "sessions_score": 100,
        "features_score": 100,
        "minutes_score": 100,
        "streak_score": 100,
        "support_tickets_score": 33.33,
        "engagement_score": 96.67,
    }


def test_current_week_is_scored_as_of_as_of(warehouse):
    # u1 W20 at Wed 12:00 (d = 2.5): sessions 09:00-09:20 and 11:50-(12:15) -> 20 + 10 minutes;
    # streak 1 (05-15 only) of a 2-day target; features 12 in the 28 days; the 05-16 ticket is
    # after as_of. Targets scaled: 5*2.5/7 = 1.79 sessions (2 -> 100), 120*2.5/7 = 42.86 minutes
    # (30 -> 70). (0.3*100 + 0.25*100 + 0.2*70 + 0.15*50)/0.9 - 0.1*33.33 = 85 - 3.33 = 81.67
    scores = engagement(warehouse, "u1", "2024-05-13")
    assert scores["sessions_count"] == 2
    assert scores["active_minutes"] == 30
    assert scores["login_streak_days"] == 1
    assert scores["features_count"] == 12
    assert scores["support_tickets_28d"] == 1
    assert (scores["minutes_score"], scores["streak_score"]) == (70, 50)
    assert scores["engagement_score"] == 81.67


def test_ticket_penalty_is_subtracted_and_the_score_clamped_at_zero(warehouse):
    # u2 W19: 1 session of 10 min, a 1-day streak, 4 tickets (capped at 100):
    # (0.3*20 + 0.2*8.33 + 0.15*20)/0.9 - 0.1*100 = 11.85 - 10 = 1.85
    scores = engagement(warehouse, "u2", "2024-05-06")
    assert (scores["sessions_count"], scores["active_minutes"], scores["support_tickets_28d"]) == (1, 10, 4)
    assert (scores["streak_score"], scores["support_tickets_score"]) == (20, 100)
    assert scores["engagement_score"] == 1.85
    # u5 W19: no activity, 11 tickets of 05-01 still in the 28 days -> 0 - 10, clamped to 0
    scores = engagement(warehouse, "u5", "2024-05-06")
    assert (scores["sessions_count"], scores["support_tickets_28d"], scores["engagement_score"]) == (0, 11, 0)


def test_streak_is_the_longest_run_of_product_days_in_the_week(warehouse):
    # u3 W19: product days 05-07, 05-09..05-12 (05-08 behavior only) -> longest run 4 of a
    # 5-day target = 80; 5 sessions; 2 behavior tools -> (0.3*100 + 0.25*20 + 0 + 0.15*80)/0.9 = 52.22
    scores = engagement(warehouse, "u3", "2024-05-06")
    assert (scores["login_streak_days"], scores["streak_score"]) == (4, 80)
    assert (scores["sessions_count"], scores["features_count"]) == (5, 2)
    assert scores["engagement_score"] == 52.22


def health(warehouse: Path, account_id: str, day: str) -> dict:
    columns = (
        "health_score, engagement_score, adoption_score, breadth_score, recency_score, support_score, "
        "total_users, active_users_30d, support_tickets_30d, churn_risk_points, churn_risk, churn_risk_simple, "
        "subscription_status"
    )
    rows = query(
        warehouse,
        f"select {columns} from marts.account_health where account_id = '{account_id}' and health_date = date '{day}'",
    )
    assert len(rows) == 1, rows
    values = [float(v) if isinstance(v, int | float) or hasattr(v, "as_tuple") else v for v in rows[0]]
    return dict(zip([c.strip() for c in columns.split(",")], values, strict=True))


def test_account_health_days_run_from_first_activity_to_as_of(warehouse):
    assert query(
        warehouse,
        "select account_id, count(*), min(health_date), max(health_date) "
        "from marts.account_health group by account_id order by account_id",
    ) == [("A1", 10, date(2024, 5, 6), date(2024, 5, 15)), ("A2", 15, date(2024, 5, 1), date(2024, 5, 15))]


def test_account_health_on_the_as_of_day(warehouse):
    # A1 on 05-15: total users max(5 trait, 4 seen) = 5; engagement is the latest complete
    # week's (W19, as on every other day): (u1 96.67 + u2 1.85 + u3 52.22 + u4 0 + 0)/5 = 30.15;
    # adoption 100*3/5 = 60; breadth 14 features -> 100; recency 100; 5 tickets -> 50.
    # 0.35*30.148 + 0.25*60 + 0.15*100 + 0.15*100 + 0.10*50 = 60.55.
    # churn: engagement not under 30, past_due since 05-14 (+25) = 25 > 20 -> medium;
    # health < 70 -> medium
    assert health(warehouse, "A1", "2024-05-15") == {
        "health_score": 60.55,
        "engagement_score": 30.15,
        "adoption_score": 60,
        "breadth_score": 100,
        "recency_score": 100,
        "support_score": 50,
        "total_users": 5,
        "active_users_30d": 3,
        "support_tickets_30d": 5,
        "churn_risk_points": 25,
        "churn_risk": "medium",
        "churn_risk_simple": "medium",
        "subscription_status": "past_due",
    }


def test_account_health_on_a_past_sunday_uses_that_weeks_scores(warehouse):
    # A1 on Sun 05-12, measured at its end (Mon 00:00), when W19 is complete: the same W19
    # engagement 30.15 and health 60.55 as on the as-of day; still active (past_due only from
    # 05-14) -> 0 points, low. The as-of day moves only by what changed: the payment.
    scores = health(warehouse, "A1", "2024-05-12")
    assert (scores["engagement_score"], scores["health_score"]) == (30.15, 60.55)
    assert (scores["churn_risk_points"], scores["churn_risk"], scores["subscription_status"]) == (
        0,
        "low",
        "active",
    )


def test_high_churn_risk_account(warehouse):
    # A2 on 05-15: 1 of 10 users active (+30), 11 tickets (+20), engagement 0 (+25) = 75 -> high;
    # health 0.25*10 + 0.15*(100*(30-14)/23) = 2.5 + 10.43 = 12.93
    scores = health(warehouse, "A2", "2024-05-15")
    assert (scores["health_score"], scores["recency_score"], scores["adoption_score"]) == (12.93, 69.57, 10)
    assert (scores["churn_risk_points"], scores["churn_risk"], scores["churn_risk_simple"]) == (
        75,
        "high",
        "high",
    )
    assert query(
        warehouse,
        "select churn_risk_reasons from marts.account_health "
        "where account_id = 'A2' and health_date = date '2024-05-15'",
    ) == [
        (
            [
                "under 30 % of users active in 30 days",
                "over 10 support tickets in 30 days",
                "engagement under 30",
            ],
        )
    ]


def test_segments_as_of(warehouse):
    users = dict(query(warehouse, "select user_id, user_segment from marts.user_segments"))
    assert users == {"u1": "power", "u2": "casual", "u3": "active", "u4": "dormant", "u5": "casual"}
    accounts = dict(query(warehouse, "select account_id, account_segment from marts.account_segments"))
    assert accounts == {"A1": "steady", "A2": "at_risk"}


def test_goals_and_renewals(warehouse):
    goals = dict(query(warehouse, "select user_id, time_to_achieve_seconds from marts.goal_achievements"))
    # u1 reported 86400 s; u3 none reported: signup 2024-05-01 -> 2024-05-09 10:00 = 8 d 10 h
    assert goals == {"u1": 86400, "u3": 8 * 86400 + 10 * 3600}
    renewals = query(
        warehouse,
        "select renewal_event_id, account_id, renewal_stage, cycle_outcome, days_from_due_to_close, "
        "subscription_status_at_event from marts.account_renewals order by renewal_event_id",
    )
    assert renewals == [
        ("r1", "A1", "due", "won", 4, "active"),
        ("r2", "A1", "won", "won", 4, "past_due"),
        ("r3", "A2", "due", "open", None, "active"),
    ]


def test_behavior_session_and_insights(warehouse):
    assert query(
        warehouse,
        "select session_id, customer_id, tools_accessed, primary_tool, events_count, exports_generated, "
        "competency_points_earned, referrer_source from marts.behavior_sessions",
    ) == [("bs1", "u3", ["icp-analysis", "cost-calculator"], "icp-analysis", 3, 1, 7, "google.com")]
    # points: customer_intelligence 3, value_communication 3 -> scores 6, 6, 0, 0 (of 50 points);
    # scaling (6+6+0+0)/4 = 3; 7 points in 28 days -> 1.75 a week; last 14 days 7 vs 0 -> improving
    row = query(
        warehouse,
        "select customer_intelligence_score, value_communication_score, current_scaling_score, "
        "systematic_progression_rate, professional_credibility_trend, days_since_last_activity, "
        "inconsistent_system_usage, low_business_impact_actions, cast(next_recommended_actions as varchar) "
        "from marts.behavior_insights where customer_id = 'u3'",
    )
    assert row == [
        (
            6.0,
            6.0,
            3.0,
            1.75,
            "improving",
            7,
            True,
            False,
            '["build_weekly_routine","develop_sales_execution"]',
        )
    ]


def test_nothing_after_as_of_counts(warehouse):
    # u1's 05-16 ticket and the 12:15 feature use on 05-15 are after as_of
    assert query(
        warehouse,
        "select max(measured_at), max(support_tickets_28d) from marts.user_engagement_scores where user_id = 'u1'",
    ) == [(datetime(2024, 5, 15, 12), 1)]
    assert query(warehouse, "select max(health_date) from marts.account_health") == [(date(2024, 5, 15),)]
