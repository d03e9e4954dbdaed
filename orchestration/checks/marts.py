"""Data-quality suites of the marts: a table of mart name -> expectations.

What these add to the dbt tests: dbt tests name their columns one by one (keys, relationships,
the accepted values of ``dbt_project.yml``'s vocabularies, ranges); these rules name column
*families* by glob (every ``*_score`` in 0-100, every ``*_rate`` a fraction, every count
non-negative), so a column a model gains later is checked from its first build, and they run on
the built tables as Dagster asset checks with per-column counts and samples in their metadata.
They do not restate the dbt tests' value lists: those live once, in the dbt vars.

A suite is attached (as asset checks on the dbt asset) only to marts the dbt manifest holds, so a
mart that lands later is checked from its first build without a Python change, and a mart named
here that does not exist yet is simply left out. Add a mart by adding a line to
:data:`MART_SUITES`.

A glob that matches nothing fails with severity WARN (the suite and the mart disagree on names), a
named column that is missing fails with severity ERROR. Mart checks do not block (marts are
leaves). Marts bigger than :data:`MAX_ROWS` are validated on a reservoir sample of that many rows.

Units: every mart stores rates and shares as fractions (``*_rate`` / ``*_share`` in 0–1, a
percentage only ever as ``*_pct``).
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from ingestion.warehouse import quote
from orchestration.checks.expectations import Expect, between, validate
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

MAX_ROWS = 200_000


def scores_0_100(column: str = "*_score") -> Expect:
    return between(column, 0, 100, name="scores_in_0_100", numeric_only=True)


def rates_0_1(column: str = "*_rate") -> Expect:
    return between(column, 0, 1, name="rates_in_0_1", numeric_only=True)


def non_negative(column: str = "*", name: str = "stats_non_negative") -> Expect:
    return between(column, 0, None, name=name, numeric_only=True)


MART_SUITES: Mapping[str, tuple[Expect, ...]] = {
    # Product
    "user_engagement_scores": (
        scores_0_100(),
        non_negative("*_count", name="counts_non_negative"),
        non_negative("*_minutes", name="minutes_non_negative"),
        non_negative("*_days", name="day_counts_non_negative"),
        non_negative("*_28d", name="window_counts_non_negative"),
    ),
    "account_health": (
        scores_0_100(),
        non_negative("*_30d", name="window_counts_non_negative"),
    ),
    # Client success
    "client_success_scores": (scores_0_100(),),
    "client_engagement_heatmap": (non_negative(),),
    # Agents
    "agent_performance": (scores_0_100(), rates_0_1()),
    "agent_comparison": (scores_0_100(), rates_0_1()),
    "platform_distribution": (rates_0_1(),),
    "system_performance": (rates_0_1(),),
    "customer_insights": (rates_0_1(),),
    # Behavior
    "behavior_insights": (scores_0_100(),),
    # Web / widget
    "fct_sessions": (
        non_negative("*_count", name="counts_non_negative"),
        non_negative("*_seconds", name="durations_non_negative"),
    ),
    "widget_daily_stats": (non_negative(), rates_0_1()),
    "widget_top_events": (non_negative(),),
    "widget_traffic_sources": (non_negative(),),
    "widget_devices": (non_negative(),),
}

_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")
_NUMERIC_TYPES += tuple("U" + t for t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"))


def _is_numeric(data_type: str) -> bool:
    return data_type.upper().startswith(_NUMERIC_TYPES)


def mart_frame(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, suite: tuple[Expect, ...]
) -> pd.DataFrame:
    """The columns the suite needs (numbers as DOUBLE), all rows or a reservoir sample."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    if not rows:
        raise dg.Failure(
            f"{schema}.{table} is not in the warehouse: build it (materialize the dbt asset) before its checks."
        )
    types = dict(rows)
    names = list(types)
    numeric = {c for c, t in types.items() if _is_numeric(t)}
    wanted = list(dict.fromkeys(c for rule in suite for c in rule.columns_in(names, numeric)))
    if not wanted:
        return pd.DataFrame()
    select = ", ".join(
        f"cast({quote(c)} as double) as {quote(c)}" if c in numeric else quote(c) for c in wanted
    )
    relation = f"{quote(schema)}.{quote(table)}"
    return con.execute(
        f"select * from (select {select} from {relation}) using sample reservoir({MAX_ROWS} rows) repeatable (7)"
    ).df()


def marts_in_manifest(
    manifest: Mapping[str, Any], suites: Mapping[str, tuple[Expect, ...]] = MART_SUITES
) -> dict[str, Mapping[str, Any]]:
    """The manifest's model nodes that have a suite, by mart name."""
    return {
        node["name"]: node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model" and node.get("name") in suites
    }


def build_mart_check(
    name: str, node: Mapping[str, Any], key: dg.AssetKey, suite: tuple[Expect, ...]
) -> dg.AssetChecksDefinition:
    schema, table = node["schema"], node.get("alias") or node["name"]

    @dg.multi_asset_check(
        specs=[dg.AssetCheckSpec(rule.name, asset=key, description=rule.description) for rule in suite],
        name=f"{name}_quality",
        description=f"great-expectations suite of {schema}.{table} (orchestration/checks/marts.py)",
        pool=WAREHOUSE_POOL,
    )
    def _check(warehouse: WarehouseResource) -> Iterator[dg.AssetCheckResult]:
        with warehouse.connect(read_only=True) as con:
            frame = mart_frame(con, schema, table, suite)
        outcomes = validate(frame, suite, f"{name}_suite")
        for rule in suite:
            outcome = outcomes[rule.name]
            glob_unmatched = rule.is_glob and not outcome.metadata.get("columns_checked")
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=rule.name,
                passed=outcome.passed,
                severity=dg.AssetCheckSeverity.WARN if glob_unmatched else dg.AssetCheckSeverity.ERROR,
                description=outcome.description,
                metadata=outcome.metadata,
            )

    return _check


def build_mart_checks(
    manifest: Mapping[str, Any],
    key_for_node: Callable[[Mapping[str, Any]], dg.AssetKey],
    suites: Mapping[str, tuple[Expect, ...]] = MART_SUITES,
) -> list[dg.AssetChecksDefinition]:
    """Checks for every mart of ``suites`` the manifest holds; ``key_for_node`` gives its asset key."""
    present = marts_in_manifest(manifest, suites)
    return [
        build_mart_check(name, node, key_for_node(node), suites[name])
        for name, node in sorted(present.items())
    ]
