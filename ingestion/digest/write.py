"""``ewh digest``: one HTML and one plain-text digest per client of a week, from the serving database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingestion.digest.html import render_html
from ingestion.digest.queries import choose_week, client_ids, client_weeks
from ingestion.digest.text import render_text
from ingestion.exports import build_info, safe_filename, write_text_atomically
from ingestion.serving import open_serving

DEFAULT_CTA_URL = "https://app.example.com/client/dashboard/success"


@dataclass
class DigestResult:
    week_start: date
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    clients: int = 0


def write_digests(
    out_dir: Path,
    *,
    serving: Path,
    client: str | None = None,
    week: date | None = None,
    cta_url: str = DEFAULT_CTA_URL,
) -> DigestResult:
    """Write ``<client>.html`` and ``<client>.txt`` under ``out_dir`` for every client of the week
    (default: the latest complete week), or for ``client`` alone."""
    con = open_serving(serving)
    try:
        chosen = choose_week(con, week)
        weeks = client_weeks(con, chosen, client_ids(con, chosen, client))
        info = build_info(con)
    finally:
        con.close()
    as_of = f"{info.as_of:%Y-%m-%d %H:%M} UTC" if info.as_of else "the last build"
    result = DigestResult(chosen, out_dir)
    for client_week in weeks:
        name = safe_filename(client_week.client_id)
        result.files.append(
            write_text_atomically(
                out_dir / f"{name}.html", render_html(client_week, as_of=as_of, cta_url=cta_url)
            )
        )
        result.files.append(
            write_text_atomically(
                out_dir / f"{name}.txt", render_text(client_week, as_of=as_of, cta_url=cta_url)
            )
        )
        result.clients += 1
    return result
