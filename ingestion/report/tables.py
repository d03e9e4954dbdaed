"""Sortable HTML tables: a header per column, cells escaped and formatted, raw values kept for sorting.

A cell carries its raw value in ``data-sort`` (numbers unformatted, empty for nulls), so the page's
few lines of JavaScript (``html.SORT_SCRIPT``) sort numbers as numbers whatever their display.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape
from typing import Any

from ingestion.report.queries import Frame

Format = Callable[[Any], str]


def integer(value: Any) -> str:
    return f"{int(value):,}"


def decimal1(value: Any) -> str:
    return f"{float(value):,.1f}"


def decimal2(value: Any) -> str:
    return f"{float(value):,.2f}"


def percent(value: Any) -> str:
    """A fraction (0–1) shown as a percentage."""
    return f"{100 * float(value):.1f} %"


def moment(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def text(value: Any) -> str:
    return str(value).replace("_", " ") if isinstance(value, str) and value.islower() else str(value)


@dataclass(frozen=True)
class Column:
    """How one frame column shows: its header, its format and an optional badge class per value."""

    key: str
    header: str
    fmt: Format = str
    numeric: bool = False
    badge: Callable[[Any], str | None] | None = None
    title: str | None = None  # tooltip of the header (what the column means)
    group: str = ""  # a header over neighbouring columns of the same group
    wrap: bool = False  # long text that may wrap (other cells stay on one line)
    rank: dict[str, int] | None = None  # sort these values by rank, not alphabetically (high > low)


def _sort_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return repr(float(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).lower()


def _cell(column: Column, value: Any) -> str:
    sort = column.rank.get(value, 0) if column.rank is not None and value is not None else value
    classes = (["num"] if column.numeric else []) + (["wrap"] if column.wrap else ["nowrap"])
    shown = "" if value is None or value == "" else escape(column.fmt(value))
    if value is None:
        shown = '<span class="muted">–</span>'
    elif column.badge and (badge := column.badge(value)):
        shown = f'<span class="badge {escape(badge)}">{shown}</span>'
    attrs = f' class="{" ".join(classes)}"' if classes else ""
    return f'<td{attrs} data-sort="{escape(_sort_value(sort))}">{shown}</td>'


def _group_row(columns: Sequence[Column]) -> str:
    if not any(c.group for c in columns):
        return ""
    cells: list[tuple[str, int]] = []
    for column in columns:
        if cells and cells[-1][0] == column.group:
            cells[-1] = (column.group, cells[-1][1] + 1)
        else:
            cells.append((column.group, 1))
    return (
        '<tr class="groups">'
        + "".join(f'<th scope="colgroup" colspan="{span}">{escape(name)}</th>' for name, span in cells)
        + "</tr>"
    )


def render(frame: Frame, columns: Sequence[Column], *, table_id: str, caption: str, empty: str) -> str:
    """A sortable table of ``frame``'s rows (in ``columns`` order), with a caption saying what it holds."""
    if not frame.rows:
        return f'<p class="empty" id="{escape(table_id)}">{escape(empty)}</p>'
    heads = []
    for column in columns:
        tip = f' title="{escape(column.title)}"' if column.title else ""
        cls = ' class="num"' if column.numeric else ""
        heads.append(f'<th scope="col"{cls}{tip} tabindex="0">{escape(column.header)}</th>')
    body = []
    for record in frame.records():
        body.append("<tr>" + "".join(_cell(c, record.get(c.key)) for c in columns) + "</tr>")
    note = f" Showing {len(frame.rows):,} of {frame.total:,}." if frame.capped else ""
    return (
        f'<p class="caption">{escape(caption)}{escape(note)} Click a column header to sort.</p>'
        f'<div class="table-wrap"><table class="sortable" id="{escape(table_id)}">'
        f"<thead>{_group_row(columns)}<tr>{''.join(heads)}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
