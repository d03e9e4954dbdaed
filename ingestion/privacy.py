"""Right to be forgotten and data export.

``forget`` removes a person — a staff user or an end customer — from every raw table and
every table dbt built, and records tombstones so that a file re-landed later does not bring
them back (landing drops tombstoned rows and counts them); :func:`rewrite_database` then
copies the warehouse into a fresh file, so the erased values cannot be read from any byte of
it (DuckDB reuses freed blocks but does not wipe them). ``export_subject`` writes every row
about a person to one JSON file inside the exports folder.

Quarantined lines keep the producer's raw text: a line is about the person when one of their
ids appears in it as a whole JSON string (``"usr_123"``), never as a substring of other text.

A person is known by several ids: a staff ``user_id`` (= behavior ``customer_id`` =
client_success ``client_id``), an end customer's ``customerId``/widget ``user_id``, and the
anonymous visitor ids and widget sessions an identify tied to them. Both commands work on
that whole closure.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from ingestion.streams import QUARANTINE_TABLE, RAW_SCHEMA, STREAMS_BY_TABLE, TOMBSTONE_TABLE
from ingestion.warehouse import WarehouseError, quote

MIN_ID_LENGTH = 3


class SubjectError(ValueError):
    """The id cannot be erased or exported as given; the message says why."""


def check_subject_id(subject_id: str) -> str:
    """The id, or SubjectError when it is empty or too short to name one person safely."""
    if subject_id is None or not subject_id.strip():
        raise SubjectError("give the id of a person (a user_id, customer id or visitor id); it is empty")
    if len(subject_id.strip()) < MIN_ID_LENGTH:
        raise SubjectError(
            f"{subject_id!r} is too short to name one person (at least {MIN_ID_LENGTH} characters): "
            "pass the whole id"
        )
    if subject_id != subject_id.strip():
        raise SubjectError(f"{subject_id!r} starts or ends with spaces; pass the id exactly")
    return subject_id

# Per raw table: the columns that hold a person id ("id") or a widget session id ("session").
IDENTITY_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "product__tracks": (("user_id", "id"), ("anonymous_id", "id")),
    "product__users": (("user_id", "id"),),
    "product__accounts": (),
    "behavior__events": (("customer_id", "id"),),
    "widget__events": (("sessionId", "session"),),
    "widget__sessions": (("anonymous_id", "id"), ("session_id", "session")),
    "widget__identifies": (("user_id", "id"), ("session_id", "session")),
    "client_success__events": (("client_id", "id"),),
    "client_success__tasks": (("client_id", "id"),),
    "conversations__conversations": (("customerId", "id"),),
    "reference__agents": (),
}

# Columns of dbt-built tables that name a person.
MODEL_IDENTITY_COLUMNS = (
    "user_id",
    "anonymous_id",
    "blended_user_id",
    "customer_id",
    "client_id",
    "end_customer_id",
    "identified_user_id",
)
MODEL_SESSION_COLUMNS = ("client_session_id",)
MODEL_SCHEMAS = ("staging", "intermediate", "marts")


# Rows deleted one by one (a producer's soft delete): raw table -> (key column, tombstone kind).
DELETED_ROW_KEYS: dict[str, tuple[str, str]] = {"behavior__events": ("id", "behavior_event")}


def sha256_hex(value: str) -> str:
    """The digest tombstones keep instead of an erased id (DuckDB's ``sha256()`` gives the same)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def tombstone_filter(table: str, column_expr: Callable[[str], str]) -> str | None:
    """SQL predicate that is true for a row of ``table`` about an erased person (or a deleted row).

    ``column_expr`` gives the SQL expression of a raw column in the relation being filtered.
    """
    columns = IDENTITY_COLUMNS.get(table, ()) + ((DELETED_ROW_KEYS[table],) if table in DELETED_ROW_KEYS else ())
    if not columns:
        return None
    tests = [
        f"sha256({column_expr(col)}) in (select erased_id_sha256 from {TOMBSTONE_TABLE} where id_kind = '{kind}')"
        for col, kind in columns
    ]
    return "(" + " or ".join(tests) + ")"


@dataclass
class Subject:
    """Every id that names one person."""

    subject_id: str
    ids: set[str] = field(default_factory=set)
    sessions: set[str] = field(default_factory=set)


def resolve_subject(con: duckdb.DuckDBPyConnection, subject_id: str) -> Subject:
    """The person's ids: the id itself, visitors identified as it, and their widget sessions."""
    subject = Subject(subject_id, {subject_id})
    while True:
        before = (len(subject.ids), len(subject.sessions))
        ids = sorted(subject.ids)
        rows = con.execute(
            """
            select session_id from raw.widget__identifies where user_id in (select unnest(?))
            union select session_id from raw.widget__sessions where anonymous_id in (select unnest(?))
            """,
            [ids, ids],
        ).fetchall()
        subject.sessions |= {r[0] for r in rows if r[0]}
        rows = con.execute(
            """
            select anonymous_id from raw.widget__sessions where session_id in (select unnest(?))
            union select user_id from raw.widget__identifies where session_id in (select unnest(?))
            """,
            [sorted(subject.sessions) or [""], sorted(subject.sessions) or [""]],
        ).fetchall()
        subject.ids |= {r[0] for r in rows if r[0]}
        if (len(subject.ids), len(subject.sessions)) == before:
            return subject


def _raw_predicate(table: str, subject: Subject) -> tuple[str, list] | None:
    columns = IDENTITY_COLUMNS.get(table, ())
    if not columns:
        return None
    tests, params = [], []
    for col, kind in columns:
        values = sorted(subject.ids if kind == "id" else subject.sessions)
        if values:
            tests.append(f"{quote(col)} in (select unnest(?))")
            params.append(values)
    if not tests:
        return None
    return " or ".join(tests), params


def _model_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[str]]]:
    """(schema, table, person columns) of every base table dbt built."""
    rows = con.execute(
        """
        select c.table_schema, c.table_name, list(c.column_name order by c.ordinal_position)
        from information_schema.columns c
        join information_schema.tables t using (table_catalog, table_schema, table_name)
        where t.table_type = 'BASE TABLE' and c.table_schema in (select unnest(?))
        group by 1, 2
        order by 1, 2
        """,
        [list(MODEL_SCHEMAS)],
    ).fetchall()
    out = []
    for schema, table, columns in rows:
        person_cols = [c for c in columns if c in MODEL_IDENTITY_COLUMNS or c in MODEL_SESSION_COLUMNS]
        if person_cols:
            out.append((schema, table, person_cols))
    return out


def _model_predicate(columns: list[str], subject: Subject) -> tuple[str, list]:
    tests, params = [], []
    for col in columns:
        values = sorted(subject.sessions if col in MODEL_SESSION_COLUMNS else subject.ids)
        if values:
            tests.append(f"cast({quote(col)} as varchar) in (select unnest(?))")
            params.append(values)
    return " or ".join(tests) or "false", params


@dataclass
class ForgetReport:
    subject: Subject
    deleted: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def quarantine_predicate(subject: Subject) -> tuple[str, list]:
    """SQL (and params) true for a quarantined line that holds one of the ids as a JSON string."""
    needles = sorted(json.dumps(i) for i in subject.ids | subject.sessions)
    return (
        "exists (select 1 from (select unnest(?) as needle) where contains(raw_text, needle))",
        [needles],
    )


def forget(
    con: duckdb.DuckDBPyConnection, subject_id: str, reason: str = "erasure request", dry_run: bool = False
) -> ForgetReport:
    """Delete every row about a person from raw and built tables; record tombstones.

    Raises SubjectError for an empty or too-short id, and for an id that no table holds.
    """
    subject = resolve_subject(con, check_subject_id(subject_id))
    deleted: dict[str, int] = {}
    con.begin()
    try:
        for table in STREAMS_BY_TABLE:
            predicate = _raw_predicate(table, subject)
            if predicate is None:
                continue
            sql, params = predicate
            qualified = f"{RAW_SCHEMA}.{table}"
            deleted[qualified] = con.execute(
                f"select count(*) from {qualified} where {sql}", params
            ).fetchone()[0]
            if not dry_run:
                con.execute(f"delete from {qualified} where {sql}", params)
        # The quarantine keeps raw text: drop lines that hold any of the ids as a JSON string.
        q_sql, q_params = quarantine_predicate(subject)
        deleted[QUARANTINE_TABLE] = con.execute(
            f"select count(*) from {QUARANTINE_TABLE} where {q_sql}", q_params
        ).fetchone()[0]
        if not dry_run:
            con.execute(f"delete from {QUARANTINE_TABLE} where {q_sql}", q_params)
        for schema, table, columns in _model_tables(con):
            sql, params = _model_predicate(columns, subject)
            qualified = f"{quote(schema)}.{quote(table)}"
            deleted[f"{schema}.{table}"] = con.execute(
                f"select count(*) from {qualified} where {sql}", params
            ).fetchone()[0]
            if not dry_run:
                con.execute(f"delete from {qualified} where {sql}", params)
        if not dry_run:
            erased_at = datetime.now(UTC).replace(tzinfo=None)
            # only digests: the tombstone recognises the ids without holding them
            subject_digest = sha256_hex(subject_id)
            rows = [(sha256_hex(i), "id", subject_digest, reason, erased_at) for i in sorted(subject.ids)]
            rows += [
                (sha256_hex(s), "session", subject_digest, reason, erased_at) for s in sorted(subject.sessions)
            ]
            con.executemany(f"insert into {TOMBSTONE_TABLE} values (?, ?, ?, ?, ?)", rows)
        found = {k: v for k, v in deleted.items() if v}
        if not found:
            raise SubjectError(
                f"no row of any table names {subject_id!r}; nothing to erase (check the id: a user_id, "
                "customer id or visitor id)"
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return ForgetReport(subject, found)


def rewrite_database(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Copy the open database ``con`` (the file ``path``) into a fresh file and swap it in.

    Deleted rows leave their bytes in freed blocks of the old file; the copy holds only live
    data. The caller holds the writer lock and must not use ``con`` afterwards (it is closed).
    """
    path = Path(path)
    fresh = path.with_name(f".{path.name}.rewrite.tmp")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    source = con.execute("select current_database()").fetchone()[0]
    con.execute("checkpoint")
    con.execute(f"attach '{fresh}' as __fresh")
    try:
        con.execute(f'copy from database "{source}" to __fresh')
        con.execute("checkpoint __fresh")
    finally:
        con.execute("detach __fresh")
    con.close()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        raise WarehouseError(f"{wal} is still there after a checkpoint; the rewrite of {path} stopped")
    os.replace(fresh, path)
    return path


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def export_path(exports_dir: Path, out: str | None, subject_id: str) -> Path:
    """Where an export goes: ``out`` (a name or a path) inside ``exports_dir``, else ``<id>.json``.

    Raises SubjectError when the path would leave the exports folder.
    """
    exports_dir = Path(exports_dir).resolve()
    if out is None:
        safe = "".join(c if c.isalnum() or c in "-_.@+" else "_" for c in subject_id).lstrip(".")
        candidate = exports_dir / f"{safe or 'subject'}.json"
    else:
        given = Path(out).expanduser()
        candidate = (given if given.is_absolute() else exports_dir / given).resolve()
    if candidate != exports_dir and exports_dir not in candidate.parents:
        raise SubjectError(
            f"exports stay in {exports_dir}: {out!r} would write {candidate}; pass a file name "
            "(or set EWH_EXPORTS_DIR to another folder)"
        )
    return candidate


def export_subject(con: duckdb.DuckDBPyConnection, subject_id: str, out_path: Path) -> dict[str, int]:
    """Write every raw and modelled row about a person to ``out_path`` (one JSON document).

    Raises SubjectError when the id is empty, too short, or in no table.
    """
    subject = resolve_subject(con, check_subject_id(subject_id))
    tables: dict[str, list[dict]] = {}
    for table in STREAMS_BY_TABLE:
        predicate = _raw_predicate(table, subject)
        if predicate is None:
            continue
        sql, params = predicate
        cursor = con.execute(f"select * from {RAW_SCHEMA}.{table} where {sql}", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, map(_jsonable, row), strict=True)) for row in cursor.fetchall()]
        if rows:
            tables[f"{RAW_SCHEMA}.{table}"] = rows
    q_sql, q_params = quarantine_predicate(subject)
    cursor = con.execute(f"select * from {QUARANTINE_TABLE} where {q_sql}", q_params)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, map(_jsonable, row), strict=True)) for row in cursor.fetchall()]
    if rows:
        tables[QUARANTINE_TABLE] = rows
    for schema, table, columns in _model_tables(con):
        sql, params = _model_predicate(columns, subject)
        cursor = con.execute(f"select * from {quote(schema)}.{quote(table)} where {sql}", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, map(_jsonable, row), strict=True)) for row in cursor.fetchall()]
        if rows:
            tables[f"{schema}.{table}"] = rows
    if not tables:
        raise SubjectError(
            f"no row of any table names {subject_id!r}; nothing to export (check the id: a user_id, "
            "customer id or visitor id)"
        )
    document = {
        "subject_id": subject_id,
        "ids": sorted(subject.ids),
        "widget_sessions": sorted(subject.sessions),
        "exported_at": datetime.now(UTC).isoformat(),
        "tables": tables,
    }
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(document, indent=2, default=str))
    return {name: len(rows) for name, rows in tables.items()}
