"""The weekly digest as an HTML email: one table-based column, every style inline, no images or fonts
to fetch, so it reads the same in a mail client, a browser and offline."""

from __future__ import annotations

from html import escape

from ingestion.digest import wording
from ingestion.digest.queries import ClientWeek

FONT = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
MUTED = "#6b7280"


def _score_block(week: ClientWeek) -> str:
    colour = wording.BAND_COLOURS.get(week.score_band, "#374151")
    return (
        '<tr><td align="center" style="padding:28px 24px 8px;">'
        f'<div style="font-size:13px;color:{MUTED};text-transform:uppercase;letter-spacing:.06em;">Your success score</div>'
        f'<div class="score" style="font-size:72px;line-height:1.05;font-weight:800;color:{colour};">'
        f"{escape(wording.score_text(week.overall_score))}</div>"
        f'<div style="font-size:13px;color:{MUTED};">out of 100</div>'
        f'<div class="band" style="display:inline-block;margin-top:10px;padding:4px 14px;border-radius:14px;'
        f'background:{colour};color:#fff;font-weight:700;font-size:14px;">{escape(wording.band_label(week.score_band))}</div>'
        f'<div class="change" style="margin-top:10px;font-size:15px;color:#374151;">'
        f"{escape(wording.change_arrow(week))} {escape(wording.change_text(week))}</div>"
        "</td></tr>"
    )


def _stats_block(week: ClientWeek) -> str:
    cells = "".join(
        '<td width="33%" align="center" style="padding:12px 6px;border:1px solid #e5e7eb;border-radius:8px;">'
        f'<div style="font-size:26px;font-weight:700;color:#111827;">{escape(value)}</div>'
        f'<div style="font-size:13px;font-weight:600;color:#374151;">{escape(label)}</div>'
        f'<div style="font-size:12px;color:{MUTED};">{escape(detail)}</div></td>'
        for label, value, detail in wording.stats(week)
    )
    return (
        '<tr><td style="padding:16px 24px 4px;">'
        '<div style="font-size:16px;font-weight:700;margin-bottom:8px;">This week</div>'
        f'<table role="presentation" class="stats" width="100%" cellspacing="6" cellpadding="0"><tr>{cells}</tr></table>'
        "</td></tr>"
    )


def _components_block(week: ClientWeek) -> str:
    rows = []
    for key, value in week.components.items():
        width = max(0.0, min(100.0, value))
        rows.append(
            f'<tr><td style="padding:3px 0;font-size:13px;width:110px;">{escape(wording.COMPONENT_LABELS[key])}</td>'
            '<td style="padding:3px 8px;"><div style="background:#eef2f7;border-radius:4px;height:10px;">'
            f'<div style="background:#1565c0;width:{width:.0f}%;height:10px;border-radius:4px;"></div></div></td>'
            f'<td align="right" style="padding:3px 0;font-size:13px;width:36px;">{value:.0f}</td></tr>'
        )
    return (
        '<tr><td style="padding:16px 24px 4px;">'
        '<div style="font-size:16px;font-weight:700;margin-bottom:6px;">Score breakdown</div>'
        f'<table role="presentation" width="100%" cellspacing="0" cellpadding="0">{"".join(rows)}</table>'
        "</td></tr>"
    )


def _badge(insight_type: str) -> str:
    symbol, colour = wording.INSIGHT_BADGES.get(insight_type, ("•", "#6b7280"))
    return (
        f'<div style="width:24px;height:24px;border-radius:12px;background:{colour};color:#fff;'
        f'text-align:center;line-height:24px;font-size:14px;font-weight:700;">{escape(symbol)}</div>'
    )


def _insights_block(week: ClientWeek) -> str:
    if not week.insights:
        items = (
            f'<tr><td style="padding:6px 0;font-size:14px;color:{MUTED};">No new insights this week: '
            "keep going and check back next Monday.</td></tr>"
        )
    else:
        items = "".join(
            '<tr class="insight"><td valign="top" style="padding:10px 10px 8px 0;width:28px;">'
            f"{_badge(i.insight_type)}</td>"
            '<td style="padding:8px 0;border-bottom:1px solid #f1f5f9;">'
            f'<div style="font-size:12px;color:{MUTED};text-transform:uppercase;letter-spacing:.05em;">'
            f"{escape(wording.INSIGHT_LABELS.get(i.insight_type, i.insight_type))}</div>"
            f'<div style="font-size:15px;font-weight:700;color:#111827;">{escape(i.title)}</div>'
            f'<div style="font-size:14px;color:#374151;">{escape(i.message)}</div></td></tr>'
            for i in week.insights
        )
    return (
        '<tr><td style="padding:16px 24px 4px;">'
        '<div style="font-size:16px;font-weight:700;margin-bottom:6px;">Insights for you</div>'
        f'<table role="presentation" width="100%" cellspacing="0" cellpadding="0">{items}</table>'
        "</td></tr>"
    )


def _cta_block(cta_url: str) -> str:
    return (
        '<tr><td align="center" style="padding:24px;">'
        f'<a class="cta" href="{escape(cta_url)}" style="display:inline-block;background:#1565c0;color:#ffffff;'
        'text-decoration:none;font-weight:700;font-size:15px;padding:12px 28px;border-radius:6px;">'
        "Open your success dashboard</a></td></tr>"
    )


def render_html(week: ClientWeek, *, as_of: str, cta_url: str) -> str:
    """The whole email document for one client's week."""
    preheader = f"Your success score: {wording.score_text(week.overall_score)} ({wording.band_label(week.score_band)})"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Your weekly success summary — week of {escape(wording.week_label(week))}</title></head>"
        f'<body style="margin:0;padding:0;background:#f3f4f6;font-family:{FONT};color:#111827;">'
        f'<div style="display:none;max-height:0;overflow:hidden;">{escape(preheader)}</div>'
        '<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f3f4f6;">'
        '<tr><td align="center" style="padding:24px 12px;">'
        '<table role="presentation" width="600" cellspacing="0" cellpadding="0" '
        'style="max-width:600px;width:100%;background:#ffffff;border-radius:10px;overflow:hidden;">'
        '<tr><td style="background:#0f172a;color:#ffffff;padding:20px 24px;">'
        '<div style="font-size:20px;font-weight:700;">Your weekly success summary</div>'
        f'<div style="font-size:14px;color:#cbd5e1;margin-top:4px;">{escape(wording.greeting(week))}</div>'
        "</td></tr>"
        f"{_score_block(week)}{_stats_block(week)}{_components_block(week)}{_insights_block(week)}{_cta_block(cta_url)}"
        f'<tr><td style="padding:12px 24px 20px;font-size:12px;color:{MUTED};border-top:1px solid #e5e7eb;">'
        f"Scores are computed from your activity in the week (Monday to Sunday, UTC), as of {escape(as_of)}. "
        "Your score combines engagement, onboarding, progress, feedback and momentum.</td></tr>"
        "</table></td></tr></table></body></html>\n"
    )
