"""The raw landing contract: every stream, its table, key and typed fields.

This module is the single source of truth for what a raw table looks like. Landing,
the generator, the warehouse bootstrap and the tests all read it; the dbt sources
(``dbt_project/models/staging/*/_*__sources.yml``) describe the same tables.

A raw table holds the stream's fields, typed, plus the landing columns: ``_extra`` (every
field the producer sent that the contract does not name, as a JSON object; null when there is
none), ``_file``, ``_line``, ``_file_hash`` and ``_loaded_at``. The typed fields and ``_extra``
together are the record as sent (nested objects stay JSON exactly as sent), so the original
record stays recoverable without keeping a second copy of every row; the dump files themselves
hold the exact bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

RAW_SCHEMA = "raw"
QUARANTINE_TABLE = f"{RAW_SCHEMA}._quarantine"
MANIFEST_TABLE = f"{RAW_SCHEMA}._manifest"
TOMBSTONE_TABLE = f"{RAW_SCHEMA}._tombstones"

# DuckDB types used in raw tables. JSON keeps nested objects exactly as sent.
VARCHAR = "VARCHAR"
TIMESTAMP = "TIMESTAMP"  # UTC, naive
BIGINT = "BIGINT"
INTEGER = "INTEGER"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
JSON = "JSON"

# Columns landing adds to every raw table.
LANDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_extra", JSON),  # fields the producer sent outside the contract, as a JSON object (or null)
    ("_file", VARCHAR),  # path relative to the raw root: <source>/<stream>/...
    ("_line", BIGINT),  # 1-based line number (JSONL) or row number (Parquet)
    ("_file_hash", VARCHAR),  # sha256 of the file's bytes, joins raw._manifest
    ("_loaded_at", TIMESTAMP),  # UTC time the file's batch was landed
)

FORMATS = (".jsonl", ".jsonl.gz", ".parquet")


@dataclass(frozen=True)
class Stream:
    source: str
    name: str
    key: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    description: str
    # For streams whose lines carry a list of child records that each need a key
    # (widget event batches): (list field, child key field).
    child_key: tuple[str, str] | None = None

    @property
    def table(self) -> str:
        """Table name inside the raw schema, e.g. ``product__tracks``."""
        return f"{self.source}__{self.name}"

    @property
    def qualified_table(self) -> str:
        return f"{RAW_SCHEMA}.{self.table}"

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def field_type(self, name: str) -> str:
        return dict(self.fields)[name]


def _s(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, VARCHAR) for n in names)


STREAMS: tuple[Stream, ...] = (
    Stream(
        "product",
        "tracks",
        ("message_id",),
        _s("message_id", "event", "user_id", "anonymous_id", "account_id")
        + (("timestamp", TIMESTAMP), ("received_at", TIMESTAMP), ("properties", JSON), ("context", JSON)),
        "Product SDK `track` calls. `properties.utc_time` is the event time.",
    ),
    Stream(
        "product",
        "users",
        ("message_id",),
        _s("message_id", "user_id") + (("timestamp", TIMESTAMP), ("traits", JSON)),
        "Product SDK `identify_user` calls with the user's traits.",
    ),
    Stream(
        "product",
        "accounts",
        ("message_id",),
        _s("message_id", "account_id") + (("timestamp", TIMESTAMP), ("traits", JSON)),
        "Product SDK `identify_account` calls with the account's traits.",
    ),
    Stream(
        "behavior",
        "events",
        ("id",),
        _s(
            "id",
            "customer_id",
            "session_id",
            "event_type",
            "tool_id",
            "tool_section",
            "business_impact",
            "competency_area",
            "current_arr",
            "target_arr",
            "growth_stage",
        )
        + (
            ("event_metadata", JSON),
            ("session_duration", BIGINT),
            ("time_on_page", BIGINT),
            ("timestamp", TIMESTAMP),
            ("retention_days", INTEGER),
            ("anonymized", BOOLEAN),
            ("deleted_at", TIMESTAMP),
        )
        + _s("ip_address", "user_agent", "referrer"),
        "Rows of the behavior-tracking table; durations in milliseconds.",
    ),
    Stream(
        "widget",
        "events",
        ("sessionId",),
        _s("chatbotId", "sessionId") + (("events", JSON), ("received_at", TIMESTAMP)),
        "Chat-widget event batches, one line per POST as the widget sends it.",
        child_key=("events", "event_id"),
    ),
    Stream(
        "widget",
        "sessions",
        ("session_id",),
        _s(
            "chatbot_id",
            "session_id",
            "anonymous_id",
            "referrer",
            "landing_page",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "user_agent",
        )
        + (("screen_width", INTEGER), ("screen_height", INTEGER))
        + _s("ip_address")
        + (("created_at", TIMESTAMP),),
        "Chat-widget session payloads: attribution, user agent, screen, IP.",
    ),
    Stream(
        "widget",
        "identifies",
        ("message_id",),
        _s("message_id", "session_id", "user_id", "user_email", "user_name")
        + (("user_metadata", JSON), ("identified_at", TIMESTAMP)),
        "Chat-widget `identify()` calls tying a session to a known user.",
    ),
    Stream(
        "client_success",
        "events",
        ("id",),
        _s("id", "client_id", "organization_id", "event_type")
        + (("event_data", JSON),)
        + _s("session_id")
        + (("duration_seconds", INTEGER), ("created_at", TIMESTAMP)),
        "Client engagement events.",
    ),
    Stream(
        "client_success",
        "tasks",
        ("task_id", "updated_at"),
        _s("task_id", "client_id", "organization_id", "task_type", "title", "status")
        + (("updated_at", TIMESTAMP),),
        "Onboarding task state changes, one line per change.",
    ),
    Stream(
        "conversations",
        "conversations",
        ("conversationId",),
        _s("conversationId", "agentId", "customerId", "platform", "sessionId")
        + (
            ("startTime", TIMESTAMP),
            ("endTime", TIMESTAMP),
            ("duration", DOUBLE),
            ("messageCount", INTEGER),
            ("customerMessages", INTEGER),
            ("agentResponses", INTEGER),
            ("responseTimeAvg", DOUBLE),
            ("customerSatisfactionScore", DOUBLE),
            ("conversionEvent", JSON),
            ("sentiment", JSON),
            ("intents", JSON),
            ("escalation", JSON),
            ("followUpRequired", BOOLEAN),
            ("followUpActions", JSON),
            ("tags", JSON),
            ("customerJourney", JSON),
            ("messages", JSON),
        ),
        "One ConversationInsight record per agent conversation, with its messages.",
    ),
    Stream(
        "reference",
        "agents",
        ("agent_id",),
        _s("agent_id", "account_id", "name") + (("created_at", TIMESTAMP),),
        "Which account owns which agent (chatbot).",
    ),
)

STREAMS_BY_TABLE: dict[str, Stream] = {s.table: s for s in STREAMS}


class UnknownStreamError(ValueError):
    """A file lies in a folder that is not a known ``<source>/<stream>``."""


class UnknownFormatError(ValueError):
    """A file's extension is none of the landing formats."""


def file_format(path: str) -> str:
    """Return the landing format of a file name (``.jsonl``, ``.jsonl.gz`` or ``.parquet``)."""
    lower = path.lower()
    for fmt in sorted(FORMATS, key=len, reverse=True):
        if lower.endswith(fmt):
            return fmt
    raise UnknownFormatError(
        f"{path}: unknown format; raw files must end in {', '.join(FORMATS)}. "
        "Convert the file or move it out of the raw folder."
    )


def stream_for(relative_path: str) -> Stream:
    """Find the stream of a file from its path relative to the raw root."""
    parts = PurePosixPath(relative_path).parts
    if len(parts) < 3:
        raise UnknownStreamError(
            f"{relative_path}: raw files must lie under <source>/<stream>/ "
            f"(known: {', '.join(s.source + '/' + s.name for s in STREAMS)})."
        )
    table = f"{parts[0]}__{parts[1]}"
    stream = STREAMS_BY_TABLE.get(table)
    if stream is None:
        raise UnknownStreamError(
            f"{relative_path}: no stream '{parts[0]}/{parts[1]}'; "
            f"known streams: {', '.join(s.source + '/' + s.name for s in STREAMS)}."
        )
    return stream
