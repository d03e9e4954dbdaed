"""An order-independent fingerprint of tables: the same rows give the same hash, in any order.

Used to prove determinism (the same landed data built with the same ``as_of`` gives identical
marts, whatever the number of rebuilds or the names the files were landed under) and by
``ewh fingerprint``. Columns that record *when* a run happened, not what the data says, are
left out: see :data:`RUN_TIME_COLUMNS`.
"""

from __future__ import annotations

import duckdb

from ingestion.warehouse import quote

# processed_at: when a dbt run wrote the row; parsed_at: when the user agent was parsed;
# loaded_at: when the raw rows behind an event were landed.
RUN_TIME_COLUMNS = ("processed_at", "parsed_at", "loaded_at")


def fingerprint_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, leave_out: tuple[str, ...] = RUN_TIME_COLUMNS
) -> str:
    """'<rows>:<md5 of the sorted md5s of every row>' of ``schema.table``."""
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ? order by column_index",
            [schema, table],
        ).fetchall()
        if name not in leave_out
    ]
    row = "cast(struct_pack(" + ", ".join(f"{quote(c)} := {quote(c)}" for c in columns) + ") as varchar)"
    count, digest = con.execute(
        f"select count(*), md5(coalesce(string_agg(h, '' order by h), '')) "
        f"from (select md5({row}) as h from {quote(schema)}.{quote(table)})"
    ).fetchone()
    return f"{count}:{digest}"


def fingerprint_tables(con: duckdb.DuckDBPyConnection, schema: str = "marts") -> dict[str, str]:
    """The fingerprint of every table of ``schema``, by ``schema.table``."""
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = ? order by table_name",
            [schema],
        ).fetchall()
    ]
    return {f"{schema}.{t}": fingerprint_table(con, schema, t) for t in tables}
