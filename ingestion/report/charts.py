"""The report's charts: plotly figures built from the small frames of ``queries.py``.

Every figure has a title, axis titles with their units and a legend where colours mean something;
the one-line "how to read this" lives beside it on the page (:class:`Chart`). Colours are the same
everywhere: score bands and severities as the client-success tools show them (green, blue, amber,
red), churn risk red / amber / green.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ingestion.report.queries import Frame, grades, risk_levels, score_bands, severities

GREEN, BLUE, AMBER, RED, GREY = "#2e7d32", "#1565c0", "#f9a825", "#c62828", "#9e9e9e"
BAND_COLOURS = {"excellent": GREEN, "good": BLUE, "needs_attention": AMBER, "at_risk": RED}
RISK_COLOURS = {"high": RED, "medium": AMBER, "low": GREEN, "unknown": GREY}
SEVERITY_COLOURS = {"critical": RED, "warning": AMBER, "info": BLUE}
GRADE_COLOURS = {"A+": GREEN, "A": GREEN, "B+": BLUE, "B": BLUE, "C+": AMBER, "C": AMBER, "D": RED}
SERIES_COLOURS = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#9e9e9e"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    """A figure with the text the page shows around it."""

    key: str
    title: str
    how_to_read: str
    figure: go.Figure


def label(value: str) -> str:
    """'needs_attention' -> 'needs attention'."""
    return value.replace("_", " ")


def _layout(
    fig: go.Figure, title: str, x_title: str, y_title: str, *, height: int = 380, legend_rows: int = 1
) -> go.Figure:
    """Title, axis titles, fonts; the legend at the bottom of the figure, under the x axis title."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        template="plotly_white",
        font={"family": FONT, "size": 12},
        height=height + 22 * legend_rows,
        margin={"l": 60, "r": 20, "t": 50, "b": 64 + 22 * legend_rows},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "xanchor": "left",
            "x": 0,
            "traceorder": "normal",
        },
        hovermode="closest",
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def _whole_counts(fig: go.Figure, largest: int, axis: str = "y") -> None:
    """A count axis from 0 with whole-number ticks (no 0.2 accounts)."""
    settings = {"rangemode": "tozero", "tickformat": ",d"}
    if largest <= 10:
        settings["dtick"] = 1
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**settings)


def _no_data(fig: go.Figure, when_empty: bool, text: str = "no data as of this build") -> go.Figure:
    if when_empty:
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"size": 14, "color": GREY},
        )
    return fig


def _ordered(values: Iterable[str], order: tuple[str, ...]) -> list[str]:
    present = set(values)
    return [v for v in order if v in present] + sorted(present - set(order))


# ------------------------------------------------------------------ accounts


def health_histogram(frame: Frame, bin_width: int = 5) -> Chart:
    fig = go.Figure()
    counts: dict[str, dict[float, int]] = defaultdict(dict)
    for bin_start, risk, accounts in frame.rows:
        counts[risk][float(bin_start)] = int(accounts)
    for risk in _ordered(counts, (*risk_levels(), "unknown")):
        bins = sorted(counts[risk])
        fig.add_bar(
            x=[b + bin_width / 2 for b in bins],
            y=[counts[risk][b] for b in bins],
            width=bin_width * 0.95,
            name=f"churn risk {risk}",
            marker_color=RISK_COLOURS.get(risk, GREY),
            customdata=[f"{b:g}–{b + bin_width:g}" for b in bins],
            hovertemplate="health %{customdata}: %{y} accounts<extra>" + f"churn risk {risk}" + "</extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.05)
    fig.update_xaxes(range=[0, 100], dtick=10)
    per_bin: dict[float, int] = defaultdict(int)
    for values in counts.values():
        for b, n in values.items():
            per_bin[b] += n
    _whole_counts(fig, max(per_bin.values(), default=0))
    _layout(fig, "Account health on the as-of day", "health score (0–100, bins of 5 points)", "accounts")
    return Chart(
        "health",
        "Account health distribution",
        "Each bar counts the accounts whose health score falls in that 5-point bin; colour is the "
        "account's churn risk. Bars on the left are the accounts to call first.",
        _no_data(fig, not frame.rows),
    )


# ------------------------------------------------------------------ client success


def engagement_heatmap(frame: Frame) -> Chart:
    clients: list[str] = []
    dates: list[date] = sorted({row[1] for row in frame.rows})
    cells: dict[tuple[str, date], int] = {}
    for client_id, activity_date, events, _ in frame.rows:
        if client_id not in clients:
            clients.append(client_id)
        cells[(client_id, activity_date)] = int(events)
    z = [[cells.get((c, d), 0) for d in dates] for c in clients]
    fig = go.Figure(
        go.Heatmap(
            x=dates,
            y=clients,
            z=z,
            colorscale=[
                [0, "#f1f5f9"],
                [0.01, "#c6e48b"],
                [0.4, "#7bc96f"],
                [0.7, "#239a3b"],
                [1, "#196127"],
            ],
            colorbar={"title": {"text": "events<br>per day"}},
            hovertemplate="%{y}<br>%{x|%a %d %b %Y}: %{z} events<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    shown = len(clients)
    height = max(320, 120 + 18 * shown)
    _layout(
        fig,
        "Client activity per day, last 30 days",
        "day (UTC)",
        "client (staff user id)",
        height=height,
        legend_rows=0,
    )
    capped = f" Shows the {shown} most active of {frame.total} clients." if frame.total > shown else ""
    return Chart(
        "heatmap",
        "Engagement heatmap",
        "One row per client, one column per day; the darker the cell, the more client-success events "
        "that day (pale = no activity). Rows are ordered by total activity, most active on top." + capped,
        _no_data(fig, not frame.rows),
    )


def success_trend(bands: Frame, means: Frame) -> Chart:
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    per_band: dict[str, dict[date, int]] = defaultdict(dict)
    current_weeks = set()
    for week_start, is_current, band, clients, _ in bands.rows:
        per_band[band][week_start] = int(clients)
        if is_current:
            current_weeks.add(week_start)
    weeks = sorted({row[0] for row in bands.rows})
    keys = [w.isoformat() for w in weeks]  # one category per week, labelled below
    for band in _ordered(per_band, tuple(reversed(score_bands()))):
        fig.add_bar(
            x=keys,
            y=[per_band[band].get(w, 0) for w in weeks],
            name=label(band),
            marker_color=BAND_COLOURS.get(band, GREY),
            hovertemplate="week of %{x}: %{y} clients<extra>" + label(band) + "</extra>",
            secondary_y=False,
        )
    mean_rows = sorted(r for r in means.rows if r[0] in set(weeks))
    fig.add_scatter(
        x=[r[0].isoformat() for r in mean_rows],
        y=[round(float(r[2]), 1) for r in mean_rows],
        name="mean overall score",
        mode="lines+markers",
        line={"color": "#212121", "width": 2},
        hovertemplate="week of %{x}: mean score %{y}<extra></extra>",
        secondary_y=True,
    )
    fig.update_layout(barmode="stack")
    _layout(fig, "Client-success score bands by ISO week", "week starting Monday (UTC)", "clients")
    fig.update_xaxes(
        type="category",
        tickvals=keys,
        ticktext=[f"{w:%d %b %Y}" + (" (partial)" if w in current_weeks else "") for w in weeks],
    )
    fig.update_yaxes(title_text="clients", secondary_y=False)
    fig.update_yaxes(
        title_text="mean overall score (0–100)",
        range=[0, 100],
        tickmode="linear",
        dtick=20,
        secondary_y=True,
        showgrid=False,
    )
    note = " The last week is still running (partial)." if current_weeks else ""
    return Chart(
        "success",
        "Client-success score trends",
        "Bars stack the clients of each week by score band (green excellent ≥ 80, blue good ≥ 60, "
        "amber needs attention ≥ 40, red at risk); the line is their mean overall score (right axis)." + note,
        _no_data(fig, not bands.rows),
    )


# ------------------------------------------------------------------ agents


def agent_grades(frame: Frame) -> Chart:
    counts = {grade: int(n) for grade, n in frame.rows}
    order = grades()
    present = _ordered(counts, order)
    fig = go.Figure(
        go.Bar(
            x=present,
            y=[counts[g] for g in present],
            marker_color=[GRADE_COLOURS.get(g, GREY) for g in present],
            hovertemplate="grade %{x}: %{y} agents<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(order))
    _whole_counts(fig, max(counts.values(), default=0))
    _layout(
        fig,
        "Agents per all-time performance grade",
        "performance grade (A+ best, D worst)",
        "agents",
        height=320,
        legend_rows=0,
    )
    return Chart(
        "grades",
        "Agent grades",
        "How many agents earn each grade from their all-time performance score (A+ ≥ 95, A ≥ 90, "
        "B+ ≥ 85, B ≥ 80, C+ ≥ 75, C ≥ 70, else D).",
        _no_data(fig, not frame.rows),
    )


# ------------------------------------------------------------------ widget


def widget_traffic(frame: Frame) -> Chart:
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    days = frame.column("stat_date")
    fig.add_bar(
        x=days,
        y=frame.column("sessions"),
        name="sessions",
        marker_color="#90caf9",
        hovertemplate="%{x|%a %d %b}: %{y} sessions<extra></extra>",
        secondary_y=False,
    )
    fig.add_bar(
        x=days,
        y=frame.column("conversations"),
        name="sessions with a conversation",
        marker_color=BLUE,
        hovertemplate="%{x|%a %d %b}: %{y} with a conversation<extra></extra>",
        secondary_y=False,
    )
    fig.add_scatter(
        x=days,
        y=[None if r is None else round(100 * float(r), 1) for r in frame.column("conversation_rate")],
        name="conversation rate",
        mode="lines+markers",
        line={"color": "#ef6c00"},
        hovertemplate="%{x|%a %d %b}: %{y} % of sessions<extra></extra>",
        secondary_y=True,
    )
    fig.update_layout(barmode="overlay")
    _layout(fig, "Widget sessions and conversations per day", "day (UTC)", "sessions per day")
    fig.update_yaxes(title_text="sessions per day", secondary_y=False)
    fig.update_yaxes(
        title_text="conversation rate (% of sessions)",
        rangemode="tozero",
        tickmode="auto",
        tickformat=".0f",
        secondary_y=True,
        showgrid=False,
    )
    return Chart(
        "widget",
        "Widget sessions and conversions",
        "Light bars are the day's widget sessions (bots left out), dark bars the sessions in which the "
        "visitor started a conversation; the orange line is their share (right axis).",
        _no_data(fig, not frame.rows),
    )


def _stacked_by_day(frame: Frame, series_column: str, order: tuple[str, ...] = ()) -> go.Figure:
    per_series: dict[str, dict[date, int]] = defaultdict(dict)
    for row in frame.records():
        per_series[row[series_column]][row["stat_date"]] = int(row["sessions"])
    days = sorted({row[0] for row in frame.rows})
    totals = {name: sum(v.values()) for name, v in per_series.items()}
    names = (
        _ordered(per_series, order)
        if order
        else sorted(per_series, key=lambda n: (n == "Other", -totals[n], n))
    )
    fig = go.Figure()
    for i, name in enumerate(names):
        fig.add_bar(
            x=days,
            y=[per_series[name].get(d, 0) for d in days],
            name=name,
            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)] if name != "Other" else GREY,
            hovertemplate="%{x|%a %d %b}: %{y} sessions<extra>" + name + "</extra>",
        )
    fig.update_layout(barmode="stack")
    return fig


def widget_channels(frame: Frame) -> Chart:
    fig = _stacked_by_day(frame, "channel")
    _layout(fig, "Widget sessions per day by channel", "day (UTC)", "sessions per day", legend_rows=3)
    return Chart(
        "channels",
        "Widget channels",
        "Each bar is a day's widget sessions split by the channel the visitor came from (Google "
        "Analytics 4 default channel groups: UTM tags first, else the referrer, else Direct); small "
        "channels are grouped as Other.",
        _no_data(fig, not frame.rows),
    )


def widget_devices(frame: Frame) -> Chart:
    fig = _stacked_by_day(frame, "device_type", ("desktop", "mobile", "tablet", "unknown"))
    _layout(fig, "Widget sessions per day by device", "day (UTC)", "sessions per day")
    return Chart(
        "devices",
        "Widget devices",
        "Each bar is a day's widget sessions split by the visitor's device type, parsed from the browser's user agent.",
        _no_data(fig, not frame.rows),
    )


# ------------------------------------------------------------------ alerts


def alerts_by_kind(frame: Frame) -> Chart:
    per_severity: dict[str, dict[str, int]] = defaultdict(dict)
    for alert_type, severity, alerts in frame.rows:
        per_severity[severity][alert_type] = int(alerts)
    totals: dict[str, int] = defaultdict(int)
    for values in per_severity.values():
        for kind, n in values.items():
            totals[kind] += n
    kinds = sorted(totals, key=lambda k: (totals[k], k))
    fig = go.Figure()
    for severity in _ordered(per_severity, severities()):
        fig.add_bar(
            y=[label(k) for k in kinds],
            x=[per_severity[severity].get(k, 0) for k in kinds],
            orientation="h",
            name=severity,
            marker_color=SEVERITY_COLOURS.get(severity, GREY),
            hovertemplate="%{y}: %{x} " + severity + " alerts<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    _whole_counts(fig, max(totals.values(), default=0), axis="x")
    _layout(
        fig,
        "Open alerts by kind and severity",
        "open alerts",
        "kind of alert",
        height=max(300, 120 + 32 * len(kinds)),
    )
    fig.update_yaxes(type="category")
    return Chart(
        "alerts",
        "Open alerts",
        "One bar per kind of alert, split by severity (red critical, amber warning, blue info); "
        "the longest bars are where most attention goes.",
        _no_data(fig, not frame.rows, "no open alerts"),
    )
