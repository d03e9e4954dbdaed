"""Words and numbers both digest formats use, so the HTML and the plain text say the same thing."""

from __future__ import annotations

import math

from ingestion.digest.queries import ClientWeek

BAND_LABELS = {
    "excellent": "Excellent",
    "good": "Good",
    "needs_attention": "Needs attention",
    "at_risk": "At risk",
}
BAND_COLOURS = {"excellent": "#2e7d32", "good": "#1565c0", "needs_attention": "#b7791f", "at_risk": "#c62828"}
COMPONENT_LABELS = {
    "engagement": "Engagement",
    "activation": "Activation",
    "progress": "Progress",
    "satisfaction": "Satisfaction",
    "momentum": "Momentum",
}
INSIGHT_LABELS = {
    "achievement": "Achievement",
    "milestone": "Milestone",
    "recommendation": "Recommendation",
    "tip": "Tip",
}
# (symbol, colour) of each insight's round badge: symbols every system font has, no emoji
INSIGHT_BADGES = {
    "achievement": ("★", "#b7791f"),
    "milestone": ("✓", "#2e7d32"),
    "recommendation": ("!", "#1565c0"),
    "tip": ("i", "#6a1b9a"),
}


def band_label(band: str) -> str:
    return BAND_LABELS.get(band, band.replace("_", " ").capitalize())


def week_label(week: ClientWeek) -> str:
    """'9–15 Nov 2026' (or '27 Oct – 2 Nov 2026' across months)."""
    start, end = week.week_start, week.week_end
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def score_text(value: float) -> str:
    """Whole points, rounded down: the shown number is always in the band it is labelled with
    (39.6 shows 39, at risk; rounding would show 40, the first needs-attention score)."""
    return f"{math.floor(value + 1e-9):.0f}"


def change_text(week: ClientWeek) -> str:
    """'up 4.2 points on last week (rising)', or the first week's note."""
    if week.score_change is None:
        return "your first scored week"
    if abs(week.score_change) < 0.05:
        return "unchanged on last week"
    direction = "up" if week.score_change > 0 else "down"
    trend = {"rising": " (rising)", "declining": " (declining)"}.get(week.trend, "")
    return f"{direction} {abs(week.score_change):.1f} points on last week{trend}"


def change_arrow(week: ClientWeek) -> str:
    if week.score_change is None or abs(week.score_change) < 0.05:
        return "•"
    return "▲" if week.score_change > 0 else "▼"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def stats(week: ClientWeek) -> list[tuple[str, str, str]]:
    """(label, value, detail) of the week's stats: active days, tasks, content."""
    return [
        ("Active days", f"{week.active_days} of 7", plural(week.events, "activity", "activities")),
        ("Tasks completed", f"{week.tasks_done:,}", "moved to done this week"),
        (
            "Content created",
            f"{week.content_created:,}",
            f"{plural(week.content_generated, 'piece')} of content, {plural(week.visuals_created, 'visual')}",
        ),
    ]


def greeting(week: ClientWeek) -> str:
    team = f" at {week.account_name}" if week.account_name else ""
    return f"Here is how your week of {week_label(week)}{team} went."
