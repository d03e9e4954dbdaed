"""The report page: one HTML document with every style and script inlined.

plotly.js is inlined once in the head and every figure is a ``<div>`` with its own small
``Plotly.newPlot`` script; a Content-Security-Policy forbids any request (no ``connect-src``,
images only as ``data:``), so the page opens offline and cannot leak a request even if a
library tried. Tables sort with :data:`SORT_SCRIPT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import plotly.offline

from ingestion.report.charts import Chart

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

STYLE = """
:root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --card: #fff;
        --green: #2e7d32; --blue: #1565c0; --amber: #b7791f; --red: #c62828; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); background: var(--bg); }
header { background: #0f172a; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #cbd5e1; }
nav { position: sticky; top: 0; z-index: 5; background: var(--card); border-bottom: 1px solid var(--line);
      padding: 8px 32px; display: flex; flex-wrap: wrap; gap: 16px; }
nav a { color: var(--blue); text-decoration: none; font-weight: 500; }
main { padding: 16px 32px 48px; max-width: 1500px; margin: 0 auto; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px;
          margin: 16px 0; }
section > h2 { margin: 0 0 4px; font-size: 18px; }
.intro { margin: 0 0 12px; color: var(--muted); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 16px 0; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.kpi .value { font-size: 24px; font-weight: 700; }
.kpi .label { color: var(--muted); font-size: 12px; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; }
@media (min-width: 1100px) { .grid.two { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
figure.chart { margin: 0 0 12px; min-width: 0; }
figure.chart h3 { margin: 8px 0 2px; font-size: 15px; }
figure.chart .how { margin: 0 0 4px; color: var(--muted); font-size: 13px; }
.table-wrap { overflow-x: auto; max-height: 640px; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
.caption { color: var(--muted); margin: 4px 0 6px; font-size: 13px; }
td.nowrap { white-space: nowrap; }
td.wrap { min-width: 260px; max-width: 480px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #f1f5f9; cursor: pointer; user-select: none; white-space: nowrap; }
tr.groups th { cursor: default; text-align: center; background: #e2e8f0; border-left: 1px solid #cbd5e1; }
thead tr.groups + tr th { top: 28px; }
th:hover, th:focus { background: #e2e8f0; outline: none; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.high, .badge.critical, .badge.at_risk, .badge.D { background: var(--red); }
.badge.medium, .badge.warning, .badge.needs_attention, .badge.C, .badge.C\\+ { background: var(--amber); }
.badge.low, .badge.excellent, .badge.A, .badge.A\\+ { background: var(--green); }
.badge.info, .badge.good, .badge.B, .badge.B\\+ { background: var(--blue); }
footer { color: var(--muted); font-size: 12px; padding: 0 32px 32px; max-width: 1500px; margin: 0 auto; }
"""

# Click (or Enter / Space on) a header to sort its table by that column; again to reverse.
# Cells carry their raw value in data-sort: numbers sort as numbers, empty cells last.
SORT_SCRIPT = """
(function () {
  function key(row, index) {
    var cell = row.cells[index];
    var raw = cell.getAttribute('data-sort');
    if (raw === null) raw = cell.textContent.trim();
    if (raw === '') return null;
    var number = Number(raw);
    return isNaN(number) ? raw : number;
  }
  function sortBy(table, th) {
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, index), y = key(b, index);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      var order = (typeof x === typeof y) ? (x < y ? -1 : 1) : (typeof x === 'number' ? -1 : 1);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  document.querySelectorAll('table.sortable thead tr:last-child th').forEach(function (th) {
    var table = th.closest('table');
    th.addEventListener('click', function () { sortBy(table, th); });
    th.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(table, th); }
    });
  });
  // charts drawn while the page was still being laid out take their final width once it is
  window.addEventListener('load', function () {
    document.querySelectorAll('.plotly-graph-div').forEach(function (div) { Plotly.Plots.resize(div); });
  });
})();
"""


@dataclass(frozen=True)
class Section:
    """A card of the page: a heading, one sentence about it and its content (charts and tables)."""

    key: str
    title: str
    intro: str
    body: str


def chart_html(chart: Chart) -> str:
    """A chart as a figure: heading, how to read it, and the plotly div (no library inlined here)."""
    div = chart.figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=f"chart-{chart.key}", config=PLOTLY_CONFIG
    )
    return (
        f'<figure class="chart" data-chart="{escape(chart.key)}"><h3>{escape(chart.title)}</h3>'
        f'<p class="how"><strong>How to read this:</strong> {escape(chart.how_to_read)}</p>{div}</figure>'
    )


def charts_grid(*charts: Chart) -> str:
    """Charts side by side (two per row on a wide screen), each as wide as its column from the start."""
    cls = "grid two" if len(charts) > 1 else "grid"
    return f'<div class="{cls}">' + "".join(chart_html(c) for c in charts) + "</div>"


def kpi_cards(kpis: list[tuple[str, str]]) -> str:
    cards = "".join(
        f'<div class="kpi"><div class="value">{escape(value)}</div><div class="label">{escape(name)}</div></div>'
        for name, value in kpis
    )
    return f'<div class="kpis">{cards}</div>'


def page(
    *, title: str, subtitle: str, kpis: list[tuple[str, str]], sections: list[Section], footer: str
) -> str:
    """The whole document."""
    nav = "".join(f'<a href="#{escape(s.key)}">{escape(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{escape(s.key)}"><h2>{escape(s.title)}</h2><p class="intro">{escape(s.intro)}</p>{s.body}</section>'
        for s in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
        "</head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{kpi_cards(kpis)}{body}</main>"
        f"<footer>{escape(footer)}</footer>"
        f"<script>{SORT_SCRIPT}</script>"
        "</body></html>\n"
    )
