"""Retention and IP scrubbing (DESIGN.md §5): delete or null what is past its policy.

Plain Python over a DuckDB connection; the ``ewh prune`` command and the Dagster
``prune_<table>`` assets both call :func:`prune`.

Every rule is relative to an ``as_of`` time (default: now, UTC) so a prune is reproducible.
Rows are deleted from raw tables, which the staging views read, so a later ``dbt build`` cannot
bring them back. Incremental models keep rows across builds, so each one that holds rows of a
pruned raw table has a rule of its own: by age, or "delete the rows whose raw row is gone"
(:func:`delete_missing_from_raw`, which also follows erasures). An incremental model that holds
nothing personal is declared kept (:func:`keep`). The orchestration tests fail when an
incremental model downstream of a pruned raw table has no rule, so a new one gets its line::

    delete_older_than("marts.my_incremental_mart", "occurred_at", days=365, policy="..."),

Rules on a table that does not exist (a model not built yet) are reported as ``absent`` and do
nothing; rules on a view do nothing either (a view stores no rows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import duckdb

Action = Literal["delete", "null", "keep"]

DEFAULT_BEHAVIOR_RETENTION_DAYS = 365


class RetentionError(RuntimeError):
    """A rule does not fit its table (e.g. a column it names is missing)."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class Rule:
    """One retention rule on one table.

    ``where`` is a SQL predicate over the table's columns that selects the rows past policy; it
    may use the parameter ``$as_of`` (a naive UTC timestamp). A ``delete`` rule deletes those
    rows; a ``null`` rule sets ``fields`` to NULL on them. A field is a column name
    (``ip_address``) or a path into a JSON column (``context.ip``); for raw tables the same path is
    also removed from ``_record``, the original record kept by landing. A ``keep`` rule records
    that a table is kept indefinitely and does nothing. ``reads`` names the tables the predicate
    reads, whose own rules must run first.
    """

    table: str  # schema-qualified, e.g. raw.widget__events
    action: Action
    policy: str  # what DESIGN §5 says, for reports
    where: str
    columns: tuple[str, ...]  # columns the predicate and fields need (checked before running)
    fields: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()

    @property
    def schema(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def table_name(self) -> str:
        return self.table.split(".", 1)[1]


def delete_older_than(table: str, time_column: str, *, days: int, policy: str) -> Rule:
    """Delete rows whose ``time_column`` is more than ``days`` before as_of."""
    return Rule(
        table=table,
        action="delete",
        policy=policy,
        where=f"{_quote(time_column)} < $as_of - interval {int(days)} day",
        columns=(time_column,),
    )


def null_after(table: str, time_column: str, *, days: int, fields: tuple[str, ...], policy: str) -> Rule:
    """Null ``fields`` on rows whose ``time_column`` is more than ``days`` before as_of."""
    return Rule(
        table=table,
        action="null",
        policy=policy,
        where=f"{_quote(time_column)} < $as_of - interval {int(days)} day",
        columns=(time_column, *(f.split(".", 1)[0] for f in fields)),
        fields=fields,
    )


def delete_missing_from_raw(
    table: str, key: str, *, raw: str, raw_keys: str, where: str, policy: str
) -> Rule:
    """Delete rows of an incremental model (``where`` picks those from ``raw``) whose key is no
    longer among ``raw_keys`` (a query of one column over ``raw``): they were pruned or erased."""
    return Rule(
        table=table,
        action="delete",
        policy=policy,
        where=f"({where}) and {_quote(key)} not in (select k from ({raw_keys}) as raw_keys(k) where k is not null)",
        columns=(key,),
        reads=(raw,),
    )


def keep(table: str, *, policy: str) -> Rule:
    """Declare an incremental model kept indefinitely (aggregates, nothing personal)."""
    return Rule(table=table, action="keep", policy=policy, where="false", columns=())


BEHAVIOR_IDS = "select id from raw.behavior__events"
WIDGET_EVENT_IDS = "select unnest(json_extract_string(events, '$[*].event_id')) from raw.widget__events"

# The retention policy of DESIGN.md §5, one line per (table, rule). Raw tables come first, then
# the incremental models that follow them; deletes come before the nulling of the same table.
POLICIES: tuple[Rule, ...] = (
    delete_older_than("raw.widget__events", "received_at", days=90, policy="raw widget events: 90 days"),
    delete_older_than("raw.widget__sessions", "created_at", days=365, policy="sessions: 1 year"),
    Rule(
        table="raw.behavior__events",
        action="delete",
        policy=f"behavior events: own retention_days (default {DEFAULT_BEHAVIOR_RETENTION_DAYS}) or soft-deleted",
        where=(
            "(deleted_at is not null and deleted_at <= $as_of) or "
            f'"timestamp" < $as_of - coalesce(retention_days, {DEFAULT_BEHAVIOR_RETENTION_DAYS}) * interval 1 day'
        ),
        columns=("deleted_at", "timestamp", "retention_days"),
    ),
    null_after(
        "raw.widget__sessions", "created_at", days=30, fields=("ip_address",), policy="IP addresses: 30 days"
    ),
    null_after(
        "raw.behavior__events", "timestamp", days=30, fields=("ip_address",), policy="IP addresses: 30 days"
    ),
    null_after(
        "raw.product__tracks", "received_at", days=30, fields=("context.ip",), policy="IP addresses: 30 days"
    ),
    # Quarantined lines keep the producer's raw text (IPs, emails): kept for 90 days for review.
    delete_older_than("raw._quarantine", "quarantined_at", days=90, policy="quarantined lines: 90 days"),
    # Incremental models.
    delete_older_than("marts.fct_sessions", "started_at", days=365, policy="sessions: 1 year"),
    *(
        rule
        for model in ("intermediate.int_events_unioned", "marts.fct_events")
        for rule in (
            delete_missing_from_raw(
                model,
                "event_id",
                raw="raw.widget__events",
                raw_keys=WIDGET_EVENT_IDS,
                where="source = 'widget'",
                policy="widget events: as long as their raw batch (90 days)",
            ),
            delete_missing_from_raw(
                model,
                "event_id",
                raw="raw.behavior__events",
                raw_keys=BEHAVIOR_IDS,
                where="source = 'behavior'",
                policy="behavior events: as long as their raw row",
            ),
        )
    ),
    keep("marts.widget_daily_stats", policy="daily stats: indefinitely"),
    keep("marts.widget_top_events", policy="daily aggregates per chatbot: indefinitely, as daily stats"),
    keep("marts.widget_traffic_sources", policy="daily aggregates per chatbot: indefinitely, as daily stats"),
    keep("marts.widget_devices", policy="daily aggregates per chatbot: indefinitely, as daily stats"),
    keep(
        "intermediate.int_user_agents_parsed",
        policy="parsed user-agent strings, nothing personal: indefinitely",
    ),
)


def tables(policies: Iterable[Rule] = POLICIES, *, with_kept: bool = False) -> list[str]:
    """The tables that rules delete from or null in (and with ``with_kept`` those declared kept),
    in policy order, each once."""
    return list(dict.fromkeys(r.table for r in policies if with_kept or r.action != "keep"))


def reads_first(table: str, policies: Iterable[Rule] = POLICIES) -> list[str]:
    """The tables whose rules must run before ``table``'s (those its rules read)."""
    return list(dict.fromkeys(t for r in policies if r.table == table for t in r.reads))


@dataclass(frozen=True)
class RuleResult:
    table: str
    action: Action
    policy: str
    rows: int  # rows deleted / nulled (or that would be, in a dry run)
    status: str  # done | dry-run | absent | view


@dataclass
class PruneReport:
    as_of: datetime
    dry_run: bool
    results: list[RuleResult] = field(default_factory=list)

    def rows(self, table: str | None = None, action: Action | None = None) -> int:
        return sum(
            r.rows
            for r in self.results
            if (table is None or r.table == table) and (action is None or r.action == action)
        )

    def format_table(self) -> str:
        """The counts as a text table (what ``ewh prune`` prints)."""
        verb = "would touch" if self.dry_run else "rows"
        header = ("table", "action", "policy", verb, "status")
        rows = [(r.table, r.action, r.policy, f"{r.rows:,}", r.status) for r in self.results]
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        lines = []
        for i, row in enumerate([header, *rows]):
            cells = [
                str(c).rjust(w) if j == 3 and i else str(c).ljust(w)
                for j, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _to_naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def _relation_kind(con: duckdb.DuckDBPyConnection, rule: Rule) -> str | None:
    row = con.execute(
        "select table_type from information_schema.tables where table_schema = ? and table_name = ?",
        [rule.schema, rule.table_name],
    ).fetchone()
    return None if row is None else row[0]


def _columns(con: duckdb.DuckDBPyConnection, rule: Rule) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [rule.schema, rule.table_name],
    ).fetchall()
    return {name for (name,) in rows}


def _removal_patch(path: list[str]) -> dict:
    """A JSON merge patch (RFC 7396) that removes ``path``: ``{"a": {"b": null}}``."""
    patch: dict | None = None
    for part in reversed(path):
        patch = {part: patch}
    assert patch is not None
    return patch


def _merge(into: dict, patch: dict) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _json_path(path: list[str]) -> str:
    return "$." + ".".join('"' + p.replace('"', '\\"') + '"' for p in path)


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _null_sql(rule: Rule, has_record: bool) -> tuple[list[str], list[str]]:
    """SET clauses and 'there is something to null' conditions of a ``null`` rule."""
    sets: list[str] = []
    present: list[str] = []
    record_patch: dict = {}
    for dotted in rule.fields:
        column, *path = dotted.split(".")
        col = _quote(column)
        if path:
            sets.append(
                f"{col} = case when {col} is null then null "
                f"else json_merge_patch({col}, {_sql_str(json.dumps(_removal_patch(path)))}) end"
            )
            present.append(f"json_extract_string({col}, {_sql_str(_json_path(path))}) is not null")
        else:
            sets.append(f"{col} = null")
            present.append(f"{col} is not null")
        if has_record:
            present.append(
                f"json_extract_string(_record, {_sql_str(_json_path([column, *path]))}) is not null"
            )
            _merge(record_patch, _removal_patch([column, *path]))
    if has_record:
        # The original record keeps what the producer sent: remove the same fields from it.
        sets.append(
            "_record = case when _record is null then null "
            f"else json_merge_patch(_record, {_sql_str(json.dumps(record_patch))}) end"
        )
    return sets, present


def _apply(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: datetime) -> int:
    """Run one rule; return the rows it deleted or nulled."""
    table = ".".join(_quote(p) for p in (rule.schema, rule.table_name))
    params = {"as_of": as_of} if "$as_of" in rule.where else {}
    if rule.action == "delete":
        return con.execute(f"delete from {table} where ({rule.where})", params).fetchone()[0]
    sets, present = _null_sql(rule, has_record="_record" in _columns(con, rule))
    where = f"({rule.where}) and ({' or '.join(present)})"
    return con.execute(f"update {table} set {', '.join(sets)} where {where}", params).fetchone()[0]


def _check_columns(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> None:
    existing = _columns(con, rules[0])
    for rule in rules:
        missing = [c for c in rule.columns if c not in existing]
        if missing:
            raise RetentionError(
                f"{rule.table} has no column {', '.join(missing)} needed by the rule '{rule.policy}'; "
                "fix the table or its rule in ingestion/retention.py (POLICIES)."
            )


def prune(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime | None = None,
    dry_run: bool = False,
    only_tables: Iterable[str] | None = None,
    policies: Iterable[Rule] = POLICIES,
) -> PruneReport:
    """Apply the retention rules (of ``only_tables``, default all) as of ``as_of`` (default now).

    Each table's rules commit together, tables in policy order. A ``dry_run`` runs every rule in
    one transaction and rolls it back: nothing changes, and the counts are exactly what a real
    run would delete or null (rules that follow a raw deletion included).
    """
    policies = tuple(policies)
    as_of = _to_naive_utc(as_of) if as_of else _now()
    wanted = set(only_tables) if only_tables is not None else None
    rules = [r for r in policies if r.action != "keep" and (wanted is None or r.table in wanted)]
    if wanted:
        unknown = wanted - {r.table for r in rules}
        if unknown:
            raise RetentionError(
                f"no retention rule deletes from or nulls in {', '.join(sorted(unknown))}; "
                f"tables with rules: {', '.join(tables(policies))}"
            )
    report = PruneReport(as_of=as_of, dry_run=dry_run)
    if dry_run:
        con.begin()
    try:
        for table in tables(rules):
            table_rules = [r for r in rules if r.table == table]
            kind = _relation_kind(con, table_rules[0])
            if kind is None or kind == "VIEW":
                status = "absent" if kind is None else "view"
                report.results += [RuleResult(r.table, r.action, r.policy, 0, status) for r in table_rules]
                continue
            _check_columns(con, table_rules)
            if not dry_run:
                con.begin()
            try:
                for rule in table_rules:
                    rows = int(_apply(con, rule, as_of))
                    status = "dry-run" if dry_run else "done"
                    report.results.append(RuleResult(rule.table, rule.action, rule.policy, rows, status))
            except BaseException:
                if not dry_run:
                    con.rollback()
                raise
            if not dry_run:
                con.commit()
    finally:
        if dry_run:
            con.rollback()
    return report
