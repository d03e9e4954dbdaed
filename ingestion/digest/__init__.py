"""``ewh digest``: the weekly client-success digest (score, the week's stats, insights) per client.

- ``queries.py`` — the week, its clients and each client's scores and insights;
- ``wording.py`` — the phrases both formats share;
- ``html.py`` / ``text.py`` — the email's HTML and plain-text parts;
- ``write.py`` — :func:`write_digests`, one ``.html`` and one ``.txt`` per client.
"""

from ingestion.digest.queries import parse_week
from ingestion.digest.write import DEFAULT_CTA_URL, DigestResult, write_digests

__all__ = ["DEFAULT_CTA_URL", "DigestResult", "parse_week", "write_digests"]
