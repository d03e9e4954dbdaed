"""Retention and IP scrubbing: delete or null what is past its policy.

Plain Python over a DuckDB connection; the ``ewh prune`` command, the Dagster ``prune_<table>``
assets and landing (which drops rows already past policy, and nulls old IPs, before they are
stored) all use the rules of :func:`policies`.

The periods are dbt vars of ``dbt_project/dbt_project.yml`` (``retention_*_days``), read here
through :func:`ingestion.config.project_var`: the models filter their inputs by the same
periods, so a ``--full-refresh`` cannot rebuild what a prune removed, and one edit changes the
policy everywhere.

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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

import duckdb

from ingestion.config import project_var

Action = Literal["delete", "null", "keep"]


class RetentionError(RuntimeError):
    """A rule does not fit its table (e.g. a column it names is missing)."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def period_days(name: str) -> int:
    """A retention period of dbt_project.yml, e.g. ``period_days('sessions')`` ->
    var ``retention_sessions_days``."""
    return int(project_var(f"retention_{name}_days"))


@dataclass(frozen=True)
class Rule:
    """One retention rule on one table.

    ``where`` is a SQL predicate over the table's columns that selects the rows past policy; it
    may use the parameter ``$as_of`` (a naive UTC timestamp). A ``delete`` rule deletes those
    rows; a ``null`` rule sets ``fields`` to NULL on them. A field is a column name
    (``ip_address``) or a path into a JSON column (``context.ip``). A ``keep`` rule records
    that a table is kept indefinitely and does nothing. ``reads`` names the tables the predicate
    reads, whose own rules must run first.
    """

    table: str  # schema-qualified, e.g. raw.widget__events
    action: Action
    policy: str  # the policy in words, for reports
    where: str
    columns: tuple[str, ...]  # columns the predicate and fields need (checked before running)
    fields: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    # the rows are sessionized events (source, actor_id, occurred_at): a delete first records
    # their actors in PRUNED_EVENT_ACTORS, so the next build re-sessionizes what is left of them
    resessionize: bool = False

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

# Actors whose events a prune deleted from marts.fct_events, with the time of the earliest one:
# the next build of fct_events re-sessionizes them from there (a full refresh would sessionize
# what is left) and then empties the table (models/marts/core/fct_events.sql).
PRUNED_EVENT_ACTORS = "raw._pruned_event_actors"


def policies() -> tuple[Rule, ...]:
    """The retention policy, one line per (table, rule), with the periods of dbt_project.yml.

    Raw tables come first, then the incremental models that follow them; deletes come before
    the nulling of the same table.
    """
    widget_days = period_days("widget_raw_events")
    session_days = period_days("sessions")
    behavior_days = period_days("behavior_default")
    ip_days = period_days("ip_address")
    return (
        delete_older_than(
            "raw.widget__events",
            "received_at",
            days=widget_days,
            policy=f"raw widget events: {widget_days} days",
        ),
        delete_older_than(
            "raw.widget__sessions", "created_at", days=session_days, policy=f"sessions: {session_days} days"
        ),
        Rule(
            table="raw.behavior__events",
            action="delete",
            policy=f"behavior events: own retention_days (default {behavior_days}) or soft-deleted",
            where=(
                "(deleted_at is not null and deleted_at <= $as_of) or "
                f'"timestamp" < $as_of - coalesce(retention_days, {behavior_days}) * interval 1 day'
            ),
            columns=("deleted_at", "timestamp", "retention_days"),
        ),
        null_after(
            "raw.widget__sessions",
            "created_at",
            days=ip_days,
            fields=("ip_address",),
            policy=f"IP addresses: {ip_days} days",
        ),
        null_after(
            "raw.behavior__events",
            "timestamp",
            days=ip_days,
            fields=("ip_address",),
            policy=f"IP addresses: {ip_days} days",
        ),
        null_after(
            "raw.product__tracks",
            "received_at",
            days=ip_days,
            fields=("context.ip",),
            policy=f"IP addresses: {ip_days} days",
        ),
        # Quarantined lines keep the producer's raw text (IPs, emails): kept for review, then gone.
        delete_older_than(
            "raw._quarantine",
            "quarantined_at",
            days=period_days("quarantine"),
            policy=f"quarantined lines: {period_days('quarantine')} days",
        ),
        # Incremental models.
        *(
            rule
            for model in ("intermediate.int_events_unioned", "marts.fct_events")
            for rule in (
                Rule(
                    table=model,
                    action="delete",
                    policy=f"widget events: as long as their raw batch ({widget_days} days)",
                    where=f"source = 'widget' and received_at < $as_of - interval {widget_days} day",
                    columns=("source", "received_at"),
                ),
                # the events of one behavior session can have different retention_days: the
                # rest of a session whose first event goes is re-sessionized by the next build
                replace(
                    delete_missing_from_raw(
                        model,
                        "event_id",
                        raw="raw.behavior__events",
                        raw_keys=BEHAVIOR_IDS,
                        where="source = 'behavior'",
                        policy="behavior events: as long as their raw row",
                    ),
                    resessionize=model == "marts.fct_events",
                ),
            )
        ),
        delete_older_than(
            "marts.fct_sessions", "started_at", days=session_days, policy=f"sessions: {session_days} days"
        ),
        # A behavior session whose events are all gone goes with them (the next build rebuilds
        # the sessions of which only some events went; widget sessions outlive their events).
        Rule(
            table="marts.fct_sessions",
            action="delete",
            policy="behavior sessions: as long as one of their events",
            where=(
                "source = 'behavior' and session_id not in (select session_id from marts.fct_events "
                "where source = 'behavior' and session_id is not null)"
            ),
            columns=("source", "session_id"),
            reads=("marts.fct_events",),
        ),
        # An event keeps its row after its session is pruned, but no longer points at it.
        null_after(
            "marts.fct_events",
            "session_started_at",
            days=session_days,
            fields=("session_id",),
            policy=f"session reference: {session_days} days",
        ),
        keep("marts.widget_daily_stats", policy="daily stats: indefinitely"),
        keep("marts.widget_top_events", policy="daily aggregates per chatbot: indefinitely, as daily stats"),
        keep(
            "marts.widget_traffic_sources",
            policy="daily aggregates per chatbot: indefinitely, as daily stats",
        ),
        keep("marts.widget_devices", policy="daily aggregates per chatbot: indefinitely, as daily stats"),
        keep(
            "intermediate.int_widget_visitor_events_aggregated",
            policy="visitor first / last seen times: aggregated again from the events left (the model)",
        ),
        keep(
            "intermediate.int_user_agents_parsed",
            policy="parsed user-agent strings, nothing personal: as long as an event has one (the model's post-hook)",
        ),
    )


def landing_rules(table: str) -> list[Rule]:
    """The delete and null rules of one raw table (landing applies them before storing rows)."""
    return [r for r in policies() if r.table == f"raw.{table}" and r.action != "keep"]


def tables(rules: Iterable[Rule] | None = None, *, with_kept: bool = False) -> list[str]:
    """The tables that rules delete from or null in (and with ``with_kept`` those declared kept),
    in policy order, each once."""
    rules = policies() if rules is None else rules
    return list(dict.fromkeys(r.table for r in rules if with_kept or r.action != "keep"))


def reads_first(table: str, rules: Iterable[Rule] | None = None) -> list[str]:
    """The tables whose rules must run before ``table``'s (those its rules read)."""
    rules = policies() if rules is None else rules
    return list(dict.fromkeys(t for r in rules if r.table == table for t in r.reads))


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


def _json_path(path: list[str]) -> str:
    return "$." + ".".join('"' + p.replace('"', '\\"') + '"' for p in path)


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def null_assignments(rule: Rule) -> tuple[list[str], list[str]]:
    """SET clauses and 'there is something to null' conditions of a ``null`` rule."""
    sets: list[str] = []
    present: list[str] = []
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
    return sets, present


def apply_rule(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    as_of: datetime,
    *,
    relation: str | None = None,
    where: str = "true",
    delete_sets: str | None = None,
) -> int:
    """Run one rule on its table (or on ``relation``, a table with the same columns, limited to
    the rows of ``where``); return the rows it deleted or nulled. With ``delete_sets`` a delete
    rule marks rows (``update … set <delete_sets>``) instead of deleting them."""
    target = relation or ".".join(_quote(p) for p in (rule.schema, rule.table_name))
    params = {"as_of": as_of} if "$as_of" in rule.where else {}
    if rule.action == "delete":
        if rule.resessionize and not delete_sets:
            record_pruned_event_actors(con, target, f"({where}) and ({rule.where})", params, as_of)
        if delete_sets:
            sql = f"update {target} set {delete_sets} where ({where}) and ({rule.where})"
        else:
            sql = f"delete from {target} where ({where}) and ({rule.where})"
        return int(con.execute(sql, params).fetchone()[0])
    sets, present = null_assignments(rule)
    sql = f"update {target} set {', '.join(sets)} where ({where}) and ({rule.where}) and ({' or '.join(present)})"
    return int(con.execute(sql, params).fetchone()[0])


def record_pruned_event_actors(
    con: duckdb.DuckDBPyConnection, relation: str, where: str, params: dict, as_of: datetime
) -> None:
    """Add the actors of the events of ``relation`` that ``where`` selects (about to be deleted)
    to PRUNED_EVENT_ACTORS, each with the time of its earliest such event."""
    con.execute(
        f"create table if not exists {PRUNED_EVENT_ACTORS} "
        "(source varchar, actor_id varchar, first_pruned_at timestamp, pruned_as_of timestamp)"
    )
    con.execute(
        f"insert into {PRUNED_EVENT_ACTORS} "
        f"select source, actor_id, min(occurred_at), $pruned_as_of from {relation} "
        f"where {where} and actor_id is not null group by source, actor_id",
        {**params, "pruned_as_of": as_of},
    )


def _check_columns(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> None:
    existing = _columns(con, rules[0])
    for rule in rules:
        needed = (*rule.columns, *(("source", "actor_id", "occurred_at") if rule.resessionize else ()))
        missing = [c for c in needed if c not in existing]
        if missing:
            raise RetentionError(
                f"{rule.table} has no column {', '.join(missing)} needed by the rule '{rule.policy}'; "
                "fix the table or its rule in ingestion/retention.py (policies())."
            )


def prune(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: datetime | None = None,
    dry_run: bool = False,
    only_tables: Iterable[str] | None = None,
    rules: Iterable[Rule] | None = None,
) -> PruneReport:
    """Apply the retention rules (of ``only_tables``, default all) as of ``as_of`` (default now).

    Each table's rules commit together, tables in policy order. A ``dry_run`` runs every rule in
    one transaction and rolls it back: nothing changes, and the counts are exactly what a real
    run would delete or null (rules that follow a raw deletion included).
    """
    all_rules = policies() if rules is None else tuple(rules)
    as_of = _to_naive_utc(as_of) if as_of else _now()
    wanted = set(only_tables) if only_tables is not None else None
    rules = [r for r in all_rules if r.action != "keep" and (wanted is None or r.table in wanted)]
    if wanted:
        unknown = wanted - {r.table for r in rules}
        if unknown:
            raise RetentionError(
                f"no retention rule deletes from or nulls in {', '.join(sorted(unknown))}; "
                f"tables with rules: {', '.join(tables(all_rules))}"
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
                    rows = apply_rule(con, rule, as_of)
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
