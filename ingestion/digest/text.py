"""The weekly digest as plain text (the email's text part): the same content as the HTML, in lines."""

from __future__ import annotations

import textwrap

from ingestion.digest import wording
from ingestion.digest.queries import ClientWeek

WIDTH = 72


def _wrap(text: str, indent: str = "", hanging: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + hanging) or [indent]


def render_text(week: ClientWeek, *, as_of: str, cta_url: str) -> str:
    lines = [
        f"YOUR WEEKLY SUCCESS SUMMARY — week of {wording.week_label(week)}",
        *_wrap(wording.greeting(week)),
        "",
        f"Success score: {wording.score_text(week.overall_score)} / 100 — {wording.band_label(week.score_band)}",
        f"{wording.change_arrow(week)} {wording.change_text(week)}",
        "",
        "THIS WEEK",
    ]
    lines += [f"  {label + ':':<17} {value}  ({detail})" for label, value, detail in wording.stats(week)]
    lines += ["", "SCORE BREAKDOWN"]
    lines += [
        f"  {wording.COMPONENT_LABELS[key] + ':':<17} {value:>3.0f} / 100"
        for key, value in week.components.items()
    ]
    lines += ["", "INSIGHTS FOR YOU"]
    if not week.insights:
        lines += _wrap("No new insights this week: keep going and check back next Monday.", "  ")
    for insight in week.insights:
        label = wording.INSIGHT_LABELS.get(insight.insight_type, insight.insight_type)
        lines += _wrap(f"* {label}: {insight.title}. {insight.message}", "  ", "  ")
    lines += [
        "",
        f"Open your success dashboard: {cta_url}",
        "",
        *_wrap(
            f"Scores are computed from your activity in the week (Monday to Sunday, UTC), as of {as_of}. "
            "Your score combines engagement, onboarding, progress, feedback and momentum."
        ),
    ]
    return "\n".join(lines) + "\n"
