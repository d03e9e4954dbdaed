"""Blocking data-quality checks on the raw landing assets, one suite per stream.

What each stream's suite expects (one check spec each, all ``blocking=True``: a failure stops
the dbt models downstream in the same run):

- ``columns_present``: the table has every field of the landing contract plus the landing columns;
- ``<key>_not_null``: every key column is set;
- ``<field>_plausible``: at least :data:`PLAUSIBLE_SHARE` of a timestamp field's values lie
  between :data:`EARLIEST` and two days after the batch landed (a producer sending epoch zero or
  a far-future clock is broken, even though each value parses);
- ``quarantine_share_at_most_<n>pct``: of the lines in the batch, at most
  :data:`QUARANTINE_SHARE_MAX` went to ``raw._quarantine`` — counted once more than
  :data:`QUARANTINE_LINES_TOLERATED` lines are: one malformed line is noise a producer sends now
  and then, and in a small batch (an hourly file of eight lines) it alone would be 12 %, while a
  broken producer sends many.

The suite judges the stream's **latest landing batch** on its own (one ``ingest`` call, one
landing asset materialization: its ``batch_id`` in ``raw._manifest``), on a reservoir sample of
:data:`MAX_ROWS` rows when there are more; an empty stream passes. A bad batch blocks the build
until a newer good batch of the stream lands, and a good batch after a bad one unblocks it; a
large good load never hides a bad batch. To let a bad batch through after review, build without
the landing step: materialize the dbt assets from the UI (or ``ewh build``); the quarantined
lines stay in ``raw._quarantine`` with their reasons.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from ingestion.streams import LANDING_COLUMNS, MANIFEST_TABLE, QUARANTINE_TABLE, STREAMS, TIMESTAMP, Stream
from ingestion.warehouse import quote
from orchestration.assets.landing import landing_asset_key
from orchestration.checks.expectations import Expect, Outcome, between, not_null, validate
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

QUARANTINE_SHARE_MAX = 0.05
QUARANTINE_LINES_TOLERATED = 1  # a batch with at most this many quarantined lines passes at any size
PLAUSIBLE_SHARE = 0.95
EARLIEST = "2000-01-01"
MAX_ROWS = 100_000


def timestamp_fields(stream: Stream) -> list[str]:
    return [name for name, dtype in stream.fields if dtype == TIMESTAMP]


def schema_suite(stream: Stream) -> list[Expect]:
    required = [*stream.field_names, *(name for name, _ in LANDING_COLUMNS)]
    return [
        Expect(
            name="columns_present",
            expectation="ExpectColumnDistinctValuesToContainSet",
            column="column_name",
            kwargs={"value_set": required},
            description=f"{stream.qualified_table} has every contract column ({len(required)})",
        )
    ]


def rows_suite(stream: Stream) -> list[Expect]:
    suite = [not_null(key, name=f"{key}_not_null") for key in stream.key]
    for field_name in timestamp_fields(stream):
        suite.append(
            Expect(
                name=f"{field_name}_plausible",
                expectation="ExpectColumnValuesToBeBetween",
                column=f"{field_name}_days_after_landing",
                kwargs={"min_value": None, "max_value": 2, "mostly": PLAUSIBLE_SHARE},
                description=f"at least {PLAUSIBLE_SHARE:.0%} of `{field_name}` lie between {EARLIEST} and two days "
                "after the batch landed",
            )
        )
    return suite


def landing_suite() -> list[Expect]:
    pct = round(QUARANTINE_SHARE_MAX * 100)
    return [
        between(
            "quarantine_share_judged",
            0,
            QUARANTINE_SHARE_MAX,
            name=f"quarantine_share_at_most_{pct}pct",
            description=f"at most {pct} % of the lines of the latest landed batch quarantined "
            f"(a batch with at most {QUARANTINE_LINES_TOLERATED} quarantined line passes)",
        )
    ]


def suites(stream: Stream) -> dict[str, list[Expect]]:
    """The stream's expectations by the frame they validate."""
    return {"schema": schema_suite(stream), "rows": rows_suite(stream), "landing": landing_suite()}


def _recent_files_sql() -> str:
    """The files of the stream's latest landing batch."""
    return f"""
        select file_hash, rows_landed, rows_quarantined from {MANIFEST_TABLE}
        where table_name = $table
          and batch_id = (
              select batch_id from {MANIFEST_TABLE} where table_name = $table
              order by landed_at desc, batch_id desc limit 1
          )
    """


def frames(con: duckdb.DuckDBPyConnection, stream: Stream) -> dict[str, Any]:
    """The frames the suites validate (schema, rows, landing) and the top quarantine reasons."""
    params = {"table": stream.table}
    schema = con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = $table",
        params,
    ).df()
    select = [quote(c) for c in stream.key] + [
        # days after the batch landed; a value before EARLIEST counts as far out of range (9999)
        f"case when {quote(f)} < timestamp '{EARLIEST}' then 9999 "
        f"else date_diff('second', _loaded_at, {quote(f)}) / 86400.0 end as {quote(f + '_days_after_landing')}"
        for f in timestamp_fields(stream)
    ]
    rows = con.execute(
        f"""
        select * from (
            select {", ".join(select)} from {stream.qualified_table}
            where _file_hash in (select file_hash from ({_recent_files_sql()}))
        ) using sample reservoir({MAX_ROWS} rows) repeatable (7)
        """,
        params,
    ).df()
    landed, quarantined = con.execute(
        f"select coalesce(sum(rows_landed), 0), coalesce(sum(rows_quarantined), 0) from ({_recent_files_sql()})",
        params,
    ).fetchone()
    total = landed + quarantined
    share = quarantined / total if total else 0.0
    landing = pd.DataFrame(
        {
            "quarantine_share": [share],
            "quarantine_share_judged": [share if quarantined > QUARANTINE_LINES_TOLERATED else 0.0],
            "rows_landed": [landed],
            "rows_quarantined": [quarantined],
        }
    )
    reasons = con.execute(
        f"""select reason, count(*) from {QUARANTINE_TABLE}
            where file_hash in (select file_hash from ({_recent_files_sql()}))
            group by 1 order by 2 desc, 1 limit 5""",
        params,
    ).fetchall()
    return {"schema": schema, "rows": rows, "landing": landing, "reasons": {r: int(n) for r, n in reasons}}


def check_specs(stream: Stream) -> list[dg.AssetCheckSpec]:
    key = landing_asset_key(stream)
    return [
        dg.AssetCheckSpec(rule.name, asset=key, description=rule.description, blocking=True)
        for suite in suites(stream).values()
        for rule in suite
    ]


def _result(key: dg.AssetKey, name: str, outcome: Outcome, extra: dict) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.description,
        metadata={**outcome.metadata, **extra},
    )


def build_raw_check(stream: Stream) -> dg.AssetChecksDefinition:
    key = landing_asset_key(stream)

    @dg.multi_asset_check(
        specs=check_specs(stream),
        name=f"{stream.table}_quality",
        description=f"great-expectations suite of {stream.qualified_table} (orchestration/checks/raw.py)",
        pool=WAREHOUSE_POOL,
    )
    def _check(warehouse: WarehouseResource) -> Iterator[dg.AssetCheckResult]:
        with warehouse.connect(read_only=True) as con:
            data = frames(con, stream)
        extra = {
            "rows_validated": len(data["rows"]),
            "top_quarantine_reasons": data["reasons"],
            "quarantine_share": float(data["landing"]["quarantine_share"].iloc[0]),
        }
        for frame_name, suite in suites(stream).items():
            outcomes = validate(data[frame_name], suite, f"{stream.table}_{frame_name}")
            for rule in suite:
                yield _result(key, rule.name, outcomes[rule.name], extra)

    return _check


def build_raw_checks() -> list[dg.AssetChecksDefinition]:
    return [build_raw_check(stream) for stream in STREAMS]
