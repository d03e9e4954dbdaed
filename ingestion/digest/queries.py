"""The digest's data: which week, which clients, and each client's week from the serving marts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from ingestion.exports import ExportError, require_marts

DIGEST_MARTS = ["client_success_scores", "client_weekly_insights", "dim_accounts"]
COMPONENTS = ("engagement", "activation", "progress", "satisfaction", "momentum")
PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Insight:
    insight_type: str
    priority: str
    title: str
    message: str


@dataclass(frozen=True)
class ClientWeek:
    """One client's week as the digest shows it."""

    client_id: str
    account_id: str | None
    account_name: str | None
    week_start: date
    overall_score: float
    score_band: str
    score_change: float | None
    previous_overall_score: float | None
    trend: str
    components: dict[str, float]
    active_days: int
    events: int
    tasks_done: int
    content_generated: int
    visuals_created: int
    insights: list[Insight] = field(default_factory=list)

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def content_created(self) -> int:
        return self.content_generated + self.visuals_created


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(text: str) -> date:
    """'2026-11-09' (any day of the week), '2026-W46' or '2026W46' -> the Monday of that ISO week."""
    value = text.strip()
    try:
        if "W" in value.upper():
            year, week = value.upper().replace("-", "").split("W")
            return date.fromisocalendar(int(year), int(week), 1)
        return monday(datetime.fromisoformat(value).date())
    except ValueError as exc:
        raise ExportError(
            f"not a week: {text!r} (use a date such as 2026-11-09 or an ISO week such as 2026-W46)"
        ) from exc


def complete_weeks(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Weeks of client_success_scores that are complete (is_current_week = false), latest first."""
    rows = con.execute(
        "select distinct week_start from marts.client_success_scores where not is_current_week order by 1 desc"
    ).fetchall()
    return [week for (week,) in rows]


def choose_week(con: duckdb.DuckDBPyConnection, week: date | None) -> date:
    """``week`` (checked to be a complete week with scores), else the latest complete week."""
    require_marts(con, DIGEST_MARTS, what="the digest")
    weeks = complete_weeks(con)
    if not weeks:
        raise ExportError(
            "no complete week has client-success scores yet: land client-success events and run `ewh build` "
            "after the first Monday"
        )
    if week is None:
        return weeks[0]
    if week not in weeks:
        newest, oldest = weeks[0], weeks[-1]
        raise ExportError(
            f"no complete week of scores starts on {week:%Y-%m-%d}: complete weeks run from {oldest:%Y-%m-%d} "
            f"to {newest:%Y-%m-%d} (Mondays); pass --week with one of them, or leave it out for the latest"
        )
    return week


def client_ids(con: duckdb.DuckDBPyConnection, week: date, client: str | None) -> list[str]:
    """Every client scored in ``week``, or just ``client`` (which must be one of them)."""
    ids = [
        cid
        for (cid,) in con.execute(
            "select distinct client_id from marts.client_success_scores where week_start = ? order by 1",
            [week],
        ).fetchall()
    ]
    if client is None:
        return ids
    if client not in ids:
        known = con.execute(
            "select max(week_start) from marts.client_success_scores where client_id = ? and not is_current_week",
            [client],
        ).fetchone()[0]
        hint = (
            f"its latest complete week is {known:%Y-%m-%d} (pass --week {known:%Y-%m-%d})"
            if known
            else "no such client has a client-success score"
        )
        raise ExportError(f"client {client!r} has no score in the week of {week:%Y-%m-%d}: {hint}")
    return [client]


def _insights(con: duckdb.DuckDBPyConnection, week: date, ids: list[str]) -> dict[str, list[Insight]]:
    rows = con.execute(
        """select client_id, insight_type, priority, title, message from marts.client_weekly_insights
           where week_start = ? and client_id = any(?)""",
        [week, ids],
    ).fetchall()
    found: dict[str, list[Insight]] = {}
    for client_id, *rest in rows:
        found.setdefault(client_id, []).append(Insight(*rest))
    for insights in found.values():
        insights.sort(key=lambda i: (PRIORITY_ORDER.get(i.priority, 9), i.insight_type, i.title))
    return found


def client_weeks(con: duckdb.DuckDBPyConnection, week: date, ids: list[str]) -> list[ClientWeek]:
    """The week of every client in ``ids``, in id order."""
    if not ids:
        return []
    rows = con.execute(
        f"""select scores.client_id, scores.organization_id, accounts.account_name, scores.week_start,
                   scores.overall_score, scores.score_band, scores.score_change, scores.previous_overall_score,
                   scores.trend, {", ".join(f"scores.{c}_score" for c in COMPONENTS)},
                   scores.active_days, scores.events_count, scores.tasks_done_count,
                   scores.content_generated_count, scores.visual_created_count
            from marts.client_success_scores as scores
            left join marts.dim_accounts as accounts on scores.organization_id = accounts.account_id
            where scores.week_start = ? and scores.client_id = any(?)
            order by scores.client_id""",
        [week, ids],
    ).fetchall()
    insights = _insights(con, week, ids)
    weeks = []
    for row in rows:
        values: list[Any] = list(row)
        head, components, tail = values[:9], values[9 : 9 + len(COMPONENTS)], values[9 + len(COMPONENTS) :]
        client_id, account_id, account_name, week_start, overall, band, change, previous, trend = head
        weeks.append(
            ClientWeek(
                client_id=client_id,
                account_id=account_id,
                account_name=account_name,
                week_start=week_start,
                overall_score=float(overall),
                score_band=band,
                score_change=None if change is None else float(change),
                previous_overall_score=None if previous is None else float(previous),
                trend=trend,
                components={c: float(v) for c, v in zip(COMPONENTS, components, strict=True)},
                active_days=int(tail[0] or 0),
                events=int(tail[1] or 0),
                tasks_done=int(tail[2] or 0),
                content_generated=int(tail[3] or 0),
                visuals_created=int(tail[4] or 0),
                insights=insights.get(client_id, []),
            )
        )
    return weeks
