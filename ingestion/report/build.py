"""``ewh report``: the HTML report of the serving database, written as one self-contained file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion.exports import BuildInfo, ExportError, build_info, require_marts, write_text_atomically
from ingestion.report import charts, html, queries
from ingestion.report.tables import Column, decimal1, decimal2, integer, moment, percent, render, text
from ingestion.serving import open_serving


@dataclass(frozen=True)
class Limits:
    """Caps that keep the page small whatever the size of the warehouse."""

    accounts: int = 200
    churn_accounts: int = 50
    heatmap_clients: int = 30
    weeks: int = 12
    agents: int = 50
    days: int = 90
    channels: int = 7
    alerts: int = 50


@dataclass(frozen=True)
class ReportResult:
    path: Path
    bytes: int
    as_of: datetime | None
    charts: int
    tables: int


def _rank(worst_or_best_first: tuple[str, ...]) -> dict[str, int]:
    """Sort ranks of a vocabulary listed from the top down: the first value ranks highest."""
    return {value: len(worst_or_best_first) - i for i, value in enumerate(worst_or_best_first)}


def _badge(value: object) -> str | None:
    return str(value) if value is not None else None


def _accounts_section(con: duckdb.DuckDBPyConnection, limits: Limits) -> html.Section:
    frame = queries.account_overview(con, limits.accounts)
    account, product, success, agents, widget, customers, alerts = (
        "account",
        "product (as-of day)",
        "client success (latest complete week)",
        "agents",
        "widget (30 d)",
        "end customers by segment",
        "open alerts",
    )
    columns = [
        Column("account_name", "name", group=account),
        Column("account_id", "id", group=account),
        Column("plan_tier", "plan", group=account),
        Column(
            "health_score",
            "health",
            decimal1,
            True,
            title="health score 0–100 on the as-of day",
            group=product,
        ),
        Column("churn_risk", "churn risk", badge=_badge, group=product, rank=_rank(queries.risk_levels())),
        Column("churn_risk_points", "points", integer, True, group=product),
        Column(
            "users_active_30d", "active 30 d", integer, True, title="users active in 30 days", group=product
        ),
        Column("users_total", "users", integer, True, group=product),
        Column(
            "cs_mean_score",
            "mean score",
            decimal1,
            True,
            title="mean client-success score 0–100",
            group=success,
        ),
        Column("cs_excellent", "excellent", integer, True, group=success),
        Column("cs_good", "good", integer, True, group=success),
        Column("cs_needs_attention", "needs attention", integer, True, group=success),
        Column("cs_at_risk", "at risk", integer, True, group=success),
        Column("agents", "agents", integer, True, group=agents),
        Column("conversations_30d", "conversations 30 d", integer, True, group=agents),
        Column(
            "agent_mean_score",
            "mean score",
            decimal1,
            True,
            title="mean all-time performance score",
            group=agents,
        ),
        Column("agent_mean_grade", "grade", badge=_badge, group=agents, rank=_rank(queries.grades())),
        Column("agent_csat_avg", "CSAT (1–5)", decimal2, True, group=agents),
        Column("widget_sessions_30d", "sessions", integer, True, group=widget),
        Column("widget_conversations_30d", "with conversation", integer, True, group=widget),
        Column("end_customers", "all", integer, True, group=customers),
        Column("end_customers_new", "new", integer, True, group=customers),
        Column("end_customers_at_risk", "at risk", integer, True, group=customers),
        Column("end_customers_high_value", "high value", integer, True, group=customers),
        Column("end_customers_regular", "regular", integer, True, group=customers),
        Column("end_customers_occasional", "occasional", integer, True, group=customers),
        Column("open_alerts_critical", "critical", integer, True, group=alerts),
        Column("open_alerts_warning", "warning", integer, True, group=alerts),
        Column("open_alerts_info", "info", integer, True, group=alerts),
    ]
    table = render(
        frame,
        columns,
        table_id="table-accounts",
        caption="One row per account, riskiest first (most churn-risk points, then lowest health). "
        "Success score and bands: the account's staff in the latest complete week; 30 d = the 30 days ending at as-of.",
        empty="No accounts in this build.",
    )
    return html.Section(
        "accounts",
        "Account overview",
        "Every account across the five systems: product health, client success of its staff, its agents, "
        "widget traffic, end customers and open alerts.",
        table,
    )


def _health_section(con: duckdb.DuckDBPyConnection, limits: Limits) -> html.Section:
    chart = charts.health_histogram(queries.health_histogram(con))
    churn = queries.churn_list(con, limits.churn_accounts)
    table = render(
        churn,
        [
            Column("account_name", "account", wrap=True),
            Column("account_id", "account id"),
            Column("churn_risk", "churn risk", badge=_badge, rank=_rank(queries.risk_levels())),
            Column("churn_risk_points", "points", integer, True),
            Column("health_score", "health", decimal1, True),
            Column("days_since_last_activity", "days inactive", integer, True),
            Column("subscription_status", "subscription", text),
            Column("reasons", "why", wrap=True),
        ],
        table_id="table-churn",
        caption="Accounts at high or medium churn risk on the as-of day, most points first, with the rules that fired.",
        empty="No account is at medium or high churn risk.",
    )
    body = html.charts_grid(chart) + "<h3>Churn-risk list</h3>" + table
    return html.Section(
        "health",
        "Account health and churn risk",
        "Health scores of every account and the accounts most likely to churn.",
        body,
    )


def _success_section(con: duckdb.DuckDBPyConnection, limits: Limits) -> html.Section:
    heatmap = charts.engagement_heatmap(queries.engagement_heatmap(con, limits.heatmap_clients))
    trend = charts.success_trend(
        queries.success_band_trend(con, limits.weeks), queries.success_weekly_mean(con, limits.weeks)
    )
    return html.Section(
        "success",
        "Client success",
        "How the staff of every account engage with the product, and how their success scores move week to week.",
        html.charts_grid(trend) + html.charts_grid(heatmap),
    )


def _agents_section(con: duckdb.DuckDBPyConnection, limits: Limits) -> html.Section:
    grades = charts.agent_grades(queries.agent_grades(con))
    table = render(
        queries.agent_leaderboard(con, limits.agents),
        [
            Column("performance_rank", "rank", integer, True),
            Column("agent_name", "agent"),
            Column("account_name", "account"),
            Column("performance_grade", "grade", badge=_badge, rank=_rank(queries.grades())),
            Column("performance_score", "score", decimal1, True),
            Column("total_conversations", "conversations", integer, True),
            Column("customer_satisfaction_avg", "CSAT (1–5)", decimal2, True),
            Column("avg_response_time_seconds", "response (s)", decimal1, True),
            Column("conversion_rate", "conversion", percent, True),
            Column("escalation_rate", "escalation", percent, True),
            Column("strengths", "strengths", wrap=True),
            Column("improvement_areas", "improvement areas", wrap=True),
        ],
        table_id="table-agents",
        caption="Agents by all-time performance score (rank 1 = best), with what they do well and what to improve.",
        empty="No agent has had a conversation yet.",
    )
    return html.Section(
        "agents",
        "Agent leaderboard",
        "Every AI agent's all-time performance: quality, conversion and efficiency in one score and grade.",
        html.charts_grid(grades) + "<h3>Leaderboard</h3>" + table,
    )


def _widget_section(con: duckdb.DuckDBPyConnection, limits: Limits) -> html.Section:
    traffic = charts.widget_traffic(queries.widget_daily(con, limits.days))
    channels = charts.widget_channels(queries.widget_channels(con, limits.days, limits.channels))
    devices = charts.widget_devices(queries.widget_devices(con, limits.days))
    return html.Section(
        "widget",
        "Chat widget traffic",
        f"Widget sessions of every chatbot per day (the last {limits.days} days with data), where visitors "
        "come from and what they use.",
        html.charts_grid(traffic) + html.charts_grid(channels, devices),
    )


def _alerts_section(con: duckdb.DuckDBPyConnection, limits: Limits) -> html.Section:
    chart = charts.alerts_by_kind(queries.alerts_by_kind(con))
    table = render(
        queries.latest_alerts(con, limits.alerts),
        [
            Column("severity", "severity", badge=_badge, rank=_rank(queries.severities())),
            Column("alert_type", "kind", text),
            Column("account_name", "account"),
            Column("subject_type", "about", text),
            Column("subject_id", "subject id"),
            Column("detected_at", "detected (UTC)", moment),
            Column("message", "message", wrap=True),
        ],
        table_id="table-alerts",
        caption="Open alerts, critical first, then the most recent.",
        empty="No open alerts.",
    )
    return html.Section(
        "alerts",
        "Open alerts",
        "What needs attention now: inactive clients, stalled tasks, score drops, error spikes, feature-usage "
        "drops, accounts turning high-risk, slow agents and unhappy customers.",
        html.charts_grid(chart) + "<h3>Latest alerts</h3>" + table,
    )


def _kpis(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    h = queries.headline(con)
    return [
        ("accounts", f"{h['accounts']:,}"),
        ("accounts at high churn risk", f"{h['accounts_high_risk']:,}"),
        ("staff users active in 30 days", f"{h['users_active_30d']:,} of {h['users']:,}"),
        ("agents", f"{h['agents']:,}"),
        ("conversations in 30 days", f"{h['conversations_30d']:,}"),
        ("widget sessions in 30 days", f"{h['widget_sessions_30d']:,}"),
        ("open alerts (critical)", f"{h['open_alerts']:,} ({h['open_alerts_critical']:,})"),
    ]


def _check_as_of(info: BuildInfo, as_of: datetime | None) -> None:
    if as_of is not None and info.as_of != as_of:
        built = f"{info.as_of:%Y-%m-%d %H:%M:%S}" if info.as_of else "an unknown time"
        raise ExportError(
            f"the serving database is built as of {built} UTC, not {as_of:%Y-%m-%d %H:%M:%S} UTC: run "
            f"`ewh build --as-of {as_of:%Y-%m-%dT%H:%M:%SZ}` first, or leave out --as-of"
        )


def render_report(
    con: duckdb.DuckDBPyConnection, *, limits: Limits = Limits()
) -> tuple[str, BuildInfo, int, int]:
    """The report's HTML for the open serving database; with its build info and chart / table counts."""
    require_marts(con, queries.REPORT_MARTS, what="the report")
    info = build_info(con)
    makers = (
        _accounts_section,
        _health_section,
        _success_section,
        _agents_section,
        _widget_section,
        _alerts_section,
    )
    sections = [make(con, limits) for make in makers]
    as_of = f"{info.as_of:%Y-%m-%d %H:%M} UTC" if info.as_of else "an unknown time"
    published = f"{info.published_at:%Y-%m-%d %H:%M} UTC" if info.published_at else "unknown"
    document = html.page(
        title="Engagement Warehouse report",
        subtitle=f"As of {as_of} · published {published} · every figure is read from the serving database's marts",
        kpis=_kpis(con),
        sections=sections,
        footer=f"Built from the marts of the build as of {as_of}"
        + (f" ({info.models_built} models, {info.tests_passed} tests passed)" if info.models_built else "")
        + ". Aggregates only; long lists are capped (see each table's caption). Column meanings: the dbt docs "
        "(`make docs`).",
    )
    return document, info, document.count('<figure class="chart"'), document.count('<table class="sortable"')


def write_report(
    out: Path, *, serving: Path, as_of: datetime | None = None, limits: Limits = Limits()
) -> ReportResult:
    """Write the HTML report of the serving database to ``out`` (temporary file, then rename)."""
    con = open_serving(serving)
    try:
        _check_as_of(build_info(con), as_of)
        document, info, chart_count, tables = render_report(con, limits=limits)
    finally:
        con.close()
    write_text_atomically(out, document)
    return ReportResult(out, out.stat().st_size, info.as_of, chart_count, tables)
