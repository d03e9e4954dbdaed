"""A small hand-made raw dataset of all 11 streams, relative to a fixed ``AS_OF``.

One account (a1) with two staff users (u1, u2), one agent/chatbot (ag1), one end customer (c1).
Some rows are deliberately past a retention policy of docs/retention.md at ``AS_OF``; their ids are
in :data:`PAST_POLICY` (deleted) and :data:`IP_TO_NULL` (IP nulled), and every other row is
within policy.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

AS_OF = datetime(2026, 11, 20, 12, 0, 0)
AS_OF_TEXT = "2026-11-20 12:00:00"

# Rows the retention policy deletes at AS_OF, by raw table: {table: {key values}}.
PAST_POLICY: dict[str, set[str]] = {
    "widget__events": {"ws-old"},  # batch received 100 days before (> 90)
    "widget__sessions": {"ws-ancient"},  # created 400 days before (> 1 year)
    "behavior__events": {"b-ancient", "b-short-retention", "b-soft-deleted"},
}
# Ids of what those rows were about: no model may hold them after pruning and a build (the
# widget batch's session, 100 days old, may stay: sessions are kept 1 year).
PRUNED_IDS = {"ws-old-e0", "ws-old-e1", "ws-ancient", "b-ancient", "b-short-retention", "b-soft-deleted"}
# Rows whose IP the policy nulls at AS_OF (older than 30 days), by raw table.
IP_TO_NULL: dict[str, set[str]] = {
    "widget__sessions": {"ws-mid"},
    "behavior__events": {"b-mid"},
    "product__tracks": {"t-mid"},
}


def ts(days_before: float, hours: float = 0) -> str:
    return (AS_OF - timedelta(days=days_before, hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _track(message_id: str, user: str, event: str, days_before: float, **props: object) -> dict:
    return {
        "message_id": message_id,
        "event": event,
        "user_id": user,
        "anonymous_id": f"anon-{user}",
        "account_id": "a1",
        "timestamp": ts(days_before),
        "received_at": ts(days_before, hours=-0.01),
        "properties": {"utc_time": ts(days_before), **props},
        "context": {"ip": f"10.0.0.{len(message_id)}", "session_id": f"s-{user}-{int(days_before)}"},
    }


def _behavior(row_id: str, days_before: float, **extra: object) -> dict:
    row = {
        "id": row_id,
        "customer_id": "u1",
        "session_id": f"bsess-{int(days_before)}",
        "event_type": "tool_usage",
        "tool_id": "pricing_calculator",
        "tool_section": "main",
        "business_impact": "high",
        "competency_area": "customer_intelligence",
        "current_arr": "100000",
        "target_arr": "250000",
        "growth_stage": "rapid_scaling",
        "event_metadata": {"k": 1},
        "session_duration": 60000,
        "time_on_page": 30000,
        "timestamp": ts(days_before),
        "retention_days": None,
        "anonymized": False,
        "deleted_at": None,
        "ip_address": "192.168.1.1",
        "user_agent": "Mozilla/5.0",
        "referrer": "https://example.com",
    }
    row.update(extra)
    return row


def _widget_batch(session: str, days_before: float, n: int) -> dict:
    return {
        "chatbotId": "ag1",
        "sessionId": session,
        "events": [
            {
                "event_id": f"{session}-e{i}",
                "event_name": "page_view" if i == 0 else "message_sent",
                "event_category": "engagement",
                "properties": {},
                "page_url": "https://shop.example.com/",
                "page_title": "Shop",
                "client_timestamp": ts(days_before, hours=-i * 0.01),
            }
            for i in range(n)
        ],
        "received_at": ts(days_before, hours=-0.05),
    }


def _widget_session(session: str, days_before: float) -> dict:
    return {
        "chatbot_id": "ag1",
        "session_id": session,
        "anonymous_id": f"v-{session}",
        "referrer": "https://www.google.com/",
        "landing_page": "https://shop.example.com/",
        "utm_source": None,
        "utm_medium": None,
        "utm_campaign": None,
        "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
        "screen_width": 1920,
        "screen_height": 1080,
        "ip_address": "203.0.113.7",
        "created_at": ts(days_before),
    }


def records() -> dict[str, list[dict]]:
    """Rows per ``<source>/<stream>``."""
    return {
        "product/tracks": [
            _track("t-login", "u1", "login", 1),
            _track("t-feature", "u1", "feature_used", 1, feature_name="reports"),
            _track("t-u2", "u2", "page_viewed", 2, page_path="/home"),
            _track("t-mid", "u2", "page_viewed", 40, page_path="/old"),
        ],
        "product/users": [
            {
                "message_id": f"id-{user}",
                "user_id": user,
                "timestamp": ts(50),
                "traits": {"email": f"{user}@a1.example", "account_id": "a1", "signup_date": "2026-01-01"},
            }
            for user in ("u1", "u2")
        ],
        "product/accounts": [
            {
                "message_id": "acc-a1",
                "account_id": "a1",
                "timestamp": ts(50),
                "traits": {"name": "Acme", "plan_tier": "pro", "subscription_status": "active"},
            }
        ],
        "behavior/events": [
            _behavior("b-recent", 1),
            _behavior("b-mid", 40),
            _behavior("b-ancient", 400, ip_address=None),
            _behavior("b-short-retention", 60, retention_days=30, ip_address=None),
            _behavior("b-soft-deleted", 5, deleted_at=ts(2), ip_address=None),
        ],
        "widget/events": [_widget_batch("ws-1", 1, 3), _widget_batch("ws-old", 100, 2)],
        "widget/sessions": [
            _widget_session("ws-1", 1),
            _widget_session("ws-mid", 40),
            _widget_session("ws-ancient", 400),
        ],
        "widget/identifies": [
            {
                "message_id": "wi-1",
                "session_id": "ws-1",
                "user_id": "c1",
                "user_email": "c1@shopper.example",
                "user_name": "Casey",
                "user_metadata": {},
                "identified_at": ts(1, hours=-0.02),
            }
        ],
        "client_success/events": [
            {
                "id": f"ce-{i}",
                "client_id": "u1",
                "organization_id": "a1",
                "event_type": kind,
                "event_data": {"score": 5} if kind == "feedback_given" else {},
                "session_id": "cs-1",
                "duration_seconds": 30,
                "created_at": ts(1 + i),
            }
            for i, kind in enumerate(("login", "task_completed", "feedback_given"))
        ],
        "client_success/tasks": [
            {
                "task_id": "task-1",
                "client_id": "u1",
                "organization_id": "a1",
                "task_type": "onboarding",
                "title": "Connect data",
                "status": status,
                "updated_at": ts(days),
            }
            for status, days in (("in_progress", 6), ("done", 3))
        ],
        "conversations/conversations": [
            {
                "conversationId": "conv-1",
                "agentId": "ag1",
                "customerId": "c1",
                "platform": "web",
                "sessionId": "ws-1",
                "startTime": ts(1),
                "endTime": ts(1, hours=-0.1),
                "duration": 360.0,
                "messageCount": 2,
                "customerMessages": 1,
                "agentResponses": 1,
                "responseTimeAvg": 2000.0,
                "customerSatisfactionScore": 5,
                "conversionEvent": {"type": "purchase", "value": 120.0},
                "sentiment": {"overall": "positive"},
                "intents": ["purchase"],
                "escalation": None,
                "followUpRequired": False,
                "followUpActions": [],
                "tags": ["sale"],
                "customerJourney": {},
                "messages": [
                    {"message_id": "m1", "sender": "customer", "sent_at": ts(1), "chars": 20},
                    {"message_id": "m2", "sender": "agent", "sent_at": ts(1, hours=-0.001), "chars": 40},
                ],
            }
        ],
        "reference/agents": [
            {"agent_id": "ag1", "account_id": "a1", "name": "Shop bot", "created_at": ts(300)}
        ],
    }


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def write_dataset(raw_root: Path) -> list[Path]:
    """Write one JSONL file per stream under ``raw_root``; return their paths."""
    return [
        write_jsonl(raw_root / stream / "2026-11-20" / "part-0.jsonl", rows)
        for stream, rows in records().items()
    ]
