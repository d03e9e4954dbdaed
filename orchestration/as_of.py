"""The ``as_of`` time runs are computed as of: parsed from run config, formatted for dbt."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg


def parse_as_of(value: str) -> datetime:
    """'2026-11-20T00:00:00Z' or '2026-11-20 00:00:00' -> naive UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise dg.Failure(
            f"as_of {value!r} is not an ISO-8601 time; use e.g. '2026-11-20 00:00:00' (UTC)"
        ) from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def format_as_of(value: datetime) -> str:
    """Naive UTC 'YYYY-MM-DD HH:MM:SS', the form of the dbt var ``as_of``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S")
