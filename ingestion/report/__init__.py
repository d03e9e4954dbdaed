"""``ewh report``: one self-contained HTML page of the serving database's marts.

- ``queries.py`` — the aggregates the page shows (capped, never raw rows);
- ``charts.py`` — plotly figures with titles, axis units and a "how to read this" line;
- ``tables.py`` — sortable HTML tables;
- ``html.py`` — the page: inline styles, plotly.js inlined once, a policy that forbids requests;
- ``build.py`` — :func:`write_report`, which ties them together and writes the file.
"""

from ingestion.report.build import Limits, ReportResult, render_report, write_report

__all__ = ["Limits", "ReportResult", "render_report", "write_report"]
