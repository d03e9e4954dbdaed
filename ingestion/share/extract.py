"""``ewh share``: one account's marts in a DuckDB file of their own, to hand to that account."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.exports import MARTS, ExportError, temporary_path
from ingestion.serving import open_serving
from ingestion.share.scope import dropped_columns, tie_for
from ingestion.warehouse import quote

SOURCE = "__serving"


@dataclass
class ShareResult:
    path: Path
    account_id: str
    tables: dict[str, int] = field(default_factory=dict)  # included mart -> rows
    excluded: list[str] = field(default_factory=list)  # marts not tied to one account
    dropped: dict[str, list[str]] = field(default_factory=dict)  # mart -> columns left out


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _check_account(serving: Path, account_id: str) -> None:
    con = open_serving(serving)
    try:
        known = con.execute(
            f"select count(*) from {MARTS}.dim_accounts where account_id = ?", [account_id]
        ).fetchone()[0]
        if not known:
            sample = [
                a
                for (a,) in con.execute(
                    f"select account_id from {MARTS}.dim_accounts order by 1 limit 3"
                ).fetchall()
            ]
            total = con.execute(f"select count(*) from {MARTS}.dim_accounts").fetchone()[0]
            hint = (
                f"known accounts include {', '.join(sample)} ({total} in all)"
                if sample
                else "it has no accounts"
            )
            raise ExportError(f"account {account_id!r} is not in the serving database ({serving}): {hint}")
    except duckdb.CatalogException as exc:
        raise ExportError(
            f"the serving database {serving} has no marts.dim_accounts: run `ewh build`"
        ) from exc
    finally:
        con.close()


def _marts(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_name, list(column_name order by column_index) from duckdb_columns() "
        "where database_name = ? and schema_name = ? group by table_name order by table_name",
        [SOURCE, MARTS],
    ).fetchall()
    return dict(rows)


def _copy_comments(con: duckdb.DuckDBPyConnection, table: str, kept: list[str]) -> None:
    comment = con.execute(
        "select comment from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
        [SOURCE, MARTS, table],
    ).fetchone()
    if comment and comment[0]:
        con.execute(f"comment on table {MARTS}.{quote(table)} is {_sql_str(comment[0])}")
    for column, text in con.execute(
        "select column_name, comment from duckdb_columns() where database_name = ? and schema_name = ? "
        "and table_name = ? and comment is not null and comment <> ''",
        [SOURCE, MARTS, table],
    ).fetchall():
        if column in kept:
            con.execute(f"comment on column {MARTS}.{quote(table)}.{quote(column)} is {_sql_str(text)}")


def _fill(con: duckdb.DuckDBPyConnection, account_id: str, result: ShareResult) -> list[tuple]:
    marts = _marts(con)
    with_account = {t for t, cols in marts.items() if "account_id" in cols}
    rows: list[tuple] = []
    for table, columns in marts.items():
        tie = tie_for(columns, with_account)
        if tie is None:
            result.excluded.append(table)
            rows.append((table, False, None, None, [], "platform-wide: no column ties a row to one account"))
            continue
        dropped = dropped_columns(table, columns)
        kept = [c for c in columns if c not in dropped]
        select = ", ".join(f"t.{quote(c)}" for c in kept)
        con.execute(
            f"create table {MARTS}.{quote(table)} as select {select} from {SOURCE}.{MARTS}.{quote(table)} as t "
            f"where {tie.where('t', SOURCE)}",
            {"account": account_id},
        )
        _copy_comments(con, table, kept)
        count = con.execute(f"select count(*) from {MARTS}.{quote(table)}").fetchone()[0]
        result.tables[table] = int(count)
        if dropped:
            result.dropped[table] = sorted(dropped)
        notes = "; ".join(f"{c}: {why}" for c, why in sorted(dropped.items()))
        rows.append((table, True, tie.describe(), int(count), sorted(dropped), notes or None))
    return rows


def write_share(account_id: str, out: Path, *, serving: Path) -> ShareResult:
    """Write the marts' rows of ``account_id`` to the DuckDB file ``out`` (temporary file, then rename)."""
    _check_account(serving, account_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(out)
    wal = tmp.with_name(tmp.name + ".wal")
    for leftover in (tmp, wal):
        leftover.unlink(missing_ok=True)
    result = ShareResult(out, account_id)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"attach {_sql_str(str(serving))} as {SOURCE} (read_only)")
        con.execute(f"create schema {MARTS}")
        con.execute("create schema meta")
        extract_rows = _fill(con, account_id, result)
        con.execute(
            """create table meta.extract (
                   table_name varchar, is_included boolean, tied_by varchar, row_count bigint,
                   dropped_columns varchar[], note varchar
               )"""
        )
        con.executemany("insert into meta.extract values (?, ?, ?, ?, ?, ?)", extract_rows)
        con.execute(
            "comment on table meta.extract is 'What this extract holds: every mart of the serving database, "
            "whether it is included, how its rows are tied to the account, and the columns left out.'"
        )
        con.execute(
            f"""create table meta.build as
                select cast(? as varchar) as account_id,
                       (select account_name from {MARTS}.dim_accounts limit 1) as account_name,
                       as_of, published_at, cast(? as timestamp) as extracted_at
                from {SOURCE}.meta.build""",
            [account_id, datetime.now(UTC).replace(tzinfo=None)],
        )
        con.execute(f"detach {SOURCE}")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        for leftover in (tmp, wal):
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    with contextlib.suppress(FileNotFoundError):
        wal.unlink()
    os.replace(tmp, out)
    return result
