"""Configuration and report of the sample-data generator."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

FORMATS = ("jsonl", "jsonl.gz", "parquet")
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000


@dataclass
class GenerateConfig:
    """What to generate. Field names match the options of ``ewh generate``.

    ``target_events`` counts the event rows of the four event streams: product tracks,
    behavior events, widget events (each element of a batch's ``events``) and client
    success events. ``overwrite`` allows writing into stream folders that already hold
    files (their old files are removed first, so partitions never mix two runs).
    """

    out_dir: Path
    accounts: int = 8
    users_per_account: int = 6
    agents_per_account: int = 2
    days: int = 60
    end: datetime | None = None
    seed: int = 42
    fmt: str = "jsonl"
    target_events: int | None = None
    bad_line_rate: float = 0.0
    duplicate_rate: float = 0.0
    late_rate: float = 0.0
    overwrite: bool = False


@dataclass
class GenerateReport:
    """What ``generate`` wrote. Stream keys are raw table names (``product__tracks`` …)."""

    files: list[Path] = field(default_factory=list)
    rows_per_stream: dict[str, int] = field(default_factory=dict)
    bad_lines: int = 0
    bad_lines_per_stream: dict[str, int] = field(default_factory=dict)
    bad_lines_per_kind: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    duplicates_per_stream: dict[str, int] = field(default_factory=dict)
    late_events: int = 0
    events: int = 0
    widget_events: int = 0
    start: datetime | None = None
    end: datetime | None = None
    scale: float = 1.0
    bytes_written: int = 0
    seconds: float = 0.0


def validate(config: GenerateConfig) -> None:
    """Raise ``ValueError`` naming the first option that is out of range."""
    checks = [
        (config.accounts >= 1, "accounts must be at least 1"),
        (config.users_per_account >= 1, "users_per_account must be at least 1"),
        (config.agents_per_account >= 1, "agents_per_account must be at least 1"),
        (config.days >= 1, "days must be at least 1"),
        (config.fmt in FORMATS, f"format must be one of {', '.join(FORMATS)} (got {config.fmt!r})"),
        (config.target_events is None or config.target_events >= 1, "events must be a positive number"),
        (0.0 <= config.bad_line_rate < 1.0, "bad_line_rate must be in [0, 1)"),
        (0.0 <= config.duplicate_rate < 1.0, "duplicate_rate must be in [0, 1)"),
        (0.0 <= config.late_rate < 1.0, "late_rate must be in [0, 1)"),
    ]
    for ok, message in checks:
        if not ok:
            raise ValueError(message)


def resolve_end(end: datetime | None) -> datetime:
    """The UTC end of the data: ``end`` converted to UTC (naive = UTC), else now to the minute."""
    if end is None:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    if end.tzinfo is None:
        return end.replace(tzinfo=UTC)
    return end.astimezone(UTC)


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime."""
    return int(round(moment.timestamp() * 1000))


def from_ms(ms: int) -> datetime:
    """Aware UTC datetime of epoch milliseconds."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(ms))


def record_salt(config: GenerateConfig, end_ms: int) -> str:
    """Salt for record ids: two different configs never share a message id.

    The output folder, the format and the fault rates are left out: the same records get
    the same ids in every format, and a run with faults holds the records of the clean run
    (plus duplicates, late arrivals and bad lines), so deduping it must give the clean data.
    """
    parts = (
        config.seed,
        end_ms,
        config.accounts,
        config.users_per_account,
        config.agents_per_account,
        config.days,
        config.target_events,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]
