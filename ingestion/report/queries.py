"""The report's queries over the serving database: aggregates only, every list capped.

Each function returns a :class:`Frame` (column names, rows, and how many rows there were before
the cap) that is small whatever the size of the warehouse: daily series are cut to the last
``days`` days, per-entity lists to the top ``limit``. Nothing here reads a raw row.

Open alerts are the episodes with ``is_open``; churn-risk reasons are account_health's
``churn_risk_reasons``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from ingestion.config import vocabulary

# The marts the report reads (the serving database must hold them all).
REPORT_MARTS = [
    "account_overview",
    "account_health",
    "client_engagement_heatmap",
    "client_success_scores",
    "agent_comparison",
    "widget_daily_stats",
    "widget_traffic_sources",
    "widget_devices",
    "alerts",
    "dim_accounts",
]


def score_bands() -> tuple[str, ...]:
    """Client score bands, best first (dbt var ``client_score_bands``)."""
    return vocabulary("client_score_bands")


def risk_levels() -> tuple[str, ...]:
    """Churn risk levels, worst first (dbt var ``risk_levels`` is lowest first)."""
    return tuple(reversed(vocabulary("risk_levels")))


def severities() -> tuple[str, ...]:
    """Alert severities, worst first (dbt var ``alert_severities`` is mildest first)."""
    return tuple(reversed(vocabulary("alert_severities")))


def grades() -> tuple[str, ...]:
    """Agent performance grades, best first (dbt var ``performance_grades``)."""
    return vocabulary("performance_grades")


@dataclass(frozen=True)
class Frame:
    """A small query result: column names, rows, and the row count before any cap."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    total: int

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    @property
    def capped(self) -> bool:
        return self.total > len(self.rows)


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = (), *, total: int | None = None
) -> Frame:
    cursor = con.execute(sql, list(params))
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return Frame(columns, rows, len(rows) if total is None else total)


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> int:
    return int(con.execute(f"select count(*) from ({sql})", list(params)).fetchone()[0])


# ------------------------------------------------------------------ headline


def headline(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """A few totals for the top of the page (from account_overview)."""
    row = con.execute(
        """select count(*) as accounts,
                  count(case when churn_risk = 'high' then 1 end) as accounts_high_risk,
                  coalesce(sum(users_total), 0) as users,
                  coalesce(sum(users_active_30d), 0) as users_active_30d,
                  coalesce(sum(agents), 0) as agents,
                  coalesce(sum(conversations_30d), 0) as conversations_30d,
                  coalesce(sum(widget_sessions_30d), 0) as widget_sessions_30d,
                  coalesce(sum(open_alerts), 0) as open_alerts,
                  coalesce(sum(open_alerts_critical), 0) as open_alerts_critical
           from marts.account_overview"""
    ).fetchone()
    keys = [
        "accounts",
        "accounts_high_risk",
        "users",
        "users_active_30d",
        "agents",
        "conversations_30d",
        "widget_sessions_30d",
        "open_alerts",
        "open_alerts_critical",
    ]
    return dict(zip(keys, row, strict=True))


# ------------------------------------------------------------------ accounts


def account_overview(con: duckdb.DuckDBPyConnection, limit: int) -> Frame:
    """One row per account, riskiest first (churn points, then lowest health)."""
    sql = """select account_id, account_name, plan_tier, health_score, churn_risk, churn_risk_points,
                    users_active_30d, users_total, cs_mean_score, cs_excellent, cs_good,
                    cs_needs_attention, cs_at_risk, agents, conversations_30d, agent_mean_score,
                    agent_mean_grade, agent_csat_avg, widget_sessions_30d, widget_conversations_30d,
                    end_customers, end_customers_new, end_customers_at_risk, end_customers_high_value,
                    end_customers_regular, end_customers_occasional,
                    open_alerts_critical, open_alerts_warning, open_alerts_info
             from marts.account_overview"""
    total = _count(con, sql)
    return fetch(
        con,
        sql + " order by churn_risk_points desc nulls last, health_score asc nulls last, account_id limit ?",
        [limit],
        total=total,
    )


def health_histogram(con: duckdb.DuckDBPyConnection, bin_width: int = 5) -> Frame:
    """Accounts per health-score bin and churn risk on as_of's day."""
    return fetch(
        con,
        """select least(floor(health_score / ?) * ?, 100 - ?) as bin_start,
                  coalesce(churn_risk, 'unknown') as churn_risk,
                  count(*) as accounts
           from marts.account_health
           where is_as_of_date and health_score is not null
           group by all
           order by bin_start, churn_risk""",
        [bin_width, bin_width, bin_width],
    )


def churn_list(con: duckdb.DuckDBPyConnection, limit: int) -> Frame:
    """Accounts at medium or high churn risk on as_of's day, most points first, with the reasons."""
    sql = """select health.account_id, accounts.account_name, health.churn_risk, health.churn_risk_points,
                     health.health_score, health.days_since_last_activity, health.subscription_status,
                     array_to_string(health.churn_risk_reasons, '; ') as reasons
              from marts.account_health as health
              left join marts.dim_accounts as accounts on health.account_id = accounts.account_id
              where health.is_as_of_date and health.churn_risk in ('high', 'medium')"""
    total = _count(con, sql)
    return fetch(
        con,
        sql + " order by churn_risk_points desc, health_score asc, account_id limit ?",
        [limit],
        total=total,
    )


# ------------------------------------------------------------------ client success


def engagement_heatmap(con: duckdb.DuckDBPyConnection, top: int) -> Frame:
    """Events per (client, day) of the heatmap's 30 days, for the ``top`` most active clients."""
    clients_sql = "select client_id from marts.client_engagement_heatmap group by client_id"
    total = _count(con, clients_sql)
    return fetch(
        con,
        """with top_clients as (
               select client_id, sum(events_count) as events
               from marts.client_engagement_heatmap
               group by client_id
               order by events desc, client_id
               limit ?
           )
           select heatmap.client_id, heatmap.activity_date, heatmap.events_count, top_clients.events
           from marts.client_engagement_heatmap as heatmap
           inner join top_clients on heatmap.client_id = top_clients.client_id
           order by top_clients.events desc, heatmap.client_id, heatmap.activity_date""",
        [top],
        total=total,
    )


def success_band_trend(con: duckdb.DuckDBPyConnection, weeks: int) -> Frame:
    """Clients per score band and mean overall score per ISO week, the last ``weeks`` weeks."""
    return fetch(
        con,
        """with recent_weeks as (
               select distinct week_start from marts.client_success_scores order by week_start desc limit ?
           )
           select scores.week_start, bool_or(scores.is_current_week) as is_current_week, scores.score_band,
                  count(*) as clients, avg(scores.overall_score) as mean_score
           from marts.client_success_scores as scores
           inner join recent_weeks on scores.week_start = recent_weeks.week_start
           group by scores.week_start, scores.score_band
           order by scores.week_start, scores.score_band""",
        [weeks],
    )


def success_weekly_mean(con: duckdb.DuckDBPyConnection, weeks: int) -> Frame:
    """Mean overall client-success score per ISO week, the last ``weeks`` weeks."""
    return fetch(
        con,
        """select week_start, bool_or(is_current_week) as is_current_week, avg(overall_score) as mean_score,
                  count(*) as clients
           from marts.client_success_scores
           group by week_start
           order by week_start desc
           limit ?""",
        [weeks],
    )


# ------------------------------------------------------------------ agents


def agent_leaderboard(con: duckdb.DuckDBPyConnection, limit: int) -> Frame:
    sql = """select comparison.performance_rank, comparison.agent_name, comparison.agent_id,
                    accounts.account_name, comparison.performance_grade, comparison.performance_score,
                    comparison.total_conversations, comparison.customer_satisfaction_avg,
                    comparison.avg_response_time_seconds, comparison.conversion_rate,
                    comparison.escalation_rate,
                    array_to_string(comparison.strengths, '; ') as strengths,
                    array_to_string(comparison.improvement_areas, '; ') as improvement_areas
             from marts.agent_comparison as comparison
             left join marts.dim_accounts as accounts on comparison.account_id = accounts.account_id"""
    total = _count(con, sql)
    return fetch(con, sql + " order by performance_rank, agent_id limit ?", [limit], total=total)


def agent_grades(con: duckdb.DuckDBPyConnection) -> Frame:
    return fetch(
        con,
        "select performance_grade, count(*) as agents from marts.agent_comparison group by 1 order by 1",
    )


# ------------------------------------------------------------------ widget


def _recent_days_filter(days: int) -> str:
    return f"stat_date > (select max(stat_date) from marts.widget_daily_stats) - {int(days)}"


def widget_daily(con: duckdb.DuckDBPyConnection, days: int) -> Frame:
    """Sessions, sessions with a conversation and their share per day, all chatbots, last ``days`` days."""
    return fetch(
        con,
        f"""select stat_date, sum(total_sessions) as sessions, sum(total_conversations) as conversations,
                   sum(total_conversations) / nullif(sum(total_sessions), 0) as conversation_rate
            from marts.widget_daily_stats
            where {_recent_days_filter(days)}
            group by stat_date
            order by stat_date""",
    )


def widget_channels(con: duckdb.DuckDBPyConnection, days: int, top: int) -> Frame:
    """Sessions per day and channel (GA4 default channel group), the ``top`` channels and Other."""
    return fetch(
        con,
        f"""with recent as (
                select stat_date, channel, sessions from marts.widget_traffic_sources
                where {_recent_days_filter(days)}
            ),
            top_channels as (
                select channel from recent group by channel order by sum(sessions) desc, channel limit ?
            )
            select recent.stat_date,
                   case when top_channels.channel is null then 'Other' else recent.channel end as channel,
                   sum(recent.sessions) as sessions
            from recent
            left join top_channels on recent.channel = top_channels.channel
            group by all
            order by 1, 2""",
        [top],
    )


def widget_devices(con: duckdb.DuckDBPyConnection, days: int) -> Frame:
    """Sessions per day and device type."""
    return fetch(
        con,
        f"""select stat_date, coalesce(device_type, 'unknown') as device_type, sum(sessions) as sessions
            from marts.widget_devices
            where {_recent_days_filter(days)}
            group by all
            order by 1, 2""",
    )


# ------------------------------------------------------------------ alerts


def alerts_by_kind(con: duckdb.DuckDBPyConnection) -> Frame:
    """Open alerts per kind and severity."""
    return fetch(
        con,
        """select alert_type, severity, count(*) as alerts
            from marts.alerts where is_open
            group by all
            order by alert_type, severity""",
    )


def latest_alerts(con: duckdb.DuckDBPyConnection, limit: int) -> Frame:
    """The most recent open alerts, critical first."""
    sql = """select alerts.last_detected_at as detected_at, alerts.severity, alerts.alert_type, alerts.subject_type,
                     alerts.subject_id, accounts.account_name, alerts.message
              from marts.alerts as alerts
              left join marts.dim_accounts as accounts on alerts.account_id = accounts.account_id
              where alerts.is_open"""
    total = _count(con, sql)
    return fetch(
        con,
        sql + " order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end, "
        "detected_at desc, alert_type, subject_id limit ?",
        [limit],
        total=total,
    )
