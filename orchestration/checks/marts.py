"""Data-quality suites of the marts: a table of mart name -> expectations.

A suite is attached (as asset checks on the dbt asset) only to marts the dbt manifest holds, so a
mart that lands later is checked from its first build without a Python change, and a mart named
here that does not exist yet is simply left out. Add a mart by adding a line to
:data:`MART_SUITES`.

Columns may be globs (``*_score``) that expand over the mart's columns when the check runs; a glob
that matches nothing fails with severity WARN (the suite and the mart disagree on names), a named
column that is missing fails with severity ERROR. Mart checks do not block (marts are leaves).
Marts bigger than :data:`MAX_ROWS` are validated on a reservoir sample of that many rows.

Units: every mart stores rates and shares as fractions (``*_rate`` / ``*_share`` in 0–1, a
percentage only ever as ``*_pct``); ``churn_risk`` / ``upsell_potential`` of customers are
probabilities in 0–1.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from ingestion.warehouse import quote
from orchestration.checks.expectations import Expect, between, in_set, validate
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

MAX_ROWS = 200_000

GRADES = ("A+", "A", "B+", "B", "C+", "C", "D")
RISK_LEVELS = ("low", "medium", "high")
SEVERITIES = ("info", "warning", "critical")
GA4_CHANNELS = (
    "Direct",
    "Cross-network",
    "Paid Shopping",
    "Paid Search",
    "Paid Social",
    "Paid Video",
    "Display",
    "Paid Other",
    "Organic Shopping",
    "Organic Social",
    "Organic Video",
    "Organic Search",
    "Referral",
    "Email",
    "Affiliates",
    "Audio",
    "SMS",
    "Mobile Push Notifications",
    "Unassigned",
)


def scores_0_100(column: str = "*_score") -> Expect:
    return between(column, 0, 100, name="scores_in_0_100", numeric_only=True)


def rates_0_1(column: str = "*_rate") -> Expect:
    return between(column, 0, 1, name="rates_in_0_1", numeric_only=True)


def non_negative(column: str = "*", name: str = "stats_non_negative") -> Expect:
    return between(column, 0, None, name=name, numeric_only=True)


MART_SUITES: Mapping[str, tuple[Expect, ...]] = {
    # Product (seed 000)
    "user_engagement_scores": (
        scores_0_100(),
        non_negative("*_count", name="counts_non_negative"),
        non_negative("active_minutes", name="active_minutes_non_negative"),
        non_negative("login_streak_days", name="login_streak_non_negative"),
        non_negative("support_tickets_28d", name="support_tickets_non_negative"),
    ),
    "account_health": (
        scores_0_100(),
        in_set("churn_risk", RISK_LEVELS, name="churn_risk_in_set"),
        in_set("churn_risk_simple", RISK_LEVELS, name="churn_risk_simple_in_set"),
        between("churn_risk_points", 0, 100, name="churn_risk_points_in_0_100"),
    ),
    "user_segments": (in_set("*segment", ("power", "active", "casual", "dormant"), name="segment_in_set"),),
    # Client success (seed 003)
    "client_success_scores": (
        scores_0_100(),
        in_set("score_band", ("excellent", "good", "needs_attention", "at_risk"), name="score_band_in_set"),
        in_set("trend", ("rising", "stable", "declining"), name="trend_in_set"),
    ),
    "client_momentum_alerts": (
        in_set("severity", SEVERITIES, name="severity_in_set"),
        in_set(
            "alert_type",
            ("inactivity", "zero_activity", "task_stalled", "score_drop", "churn_risk"),
            name="alert_type_in_set",
        ),
    ),
    "client_engagement_heatmap": (non_negative(),),
    # Agents (seed 004)
    "agent_performance": (
        scores_0_100(),
        in_set("performance_grade", GRADES, name="performance_grade_in_set"),
        rates_0_1(),
    ),
    "agent_comparison": (
        scores_0_100(),
        in_set("performance_grade", GRADES, name="performance_grade_in_set"),
        rates_0_1(),
    ),
    "platform_distribution": (rates_0_1(),),
    "system_performance": (rates_0_1(),),
    "customer_insights": (
        in_set(
            "customer_segment",
            ("new", "at_risk", "high_value", "regular", "occasional"),
            name="customer_segment_in_set",
        ),
        between("churn_risk", 0, 1, name="churn_risk_in_0_1"),
        between("upsell_potential", 0, 1, name="upsell_potential_in_0_1"),
    ),
    # Behavior (seed 001)
    "behavior_insights": (
        scores_0_100(),
        non_negative("days_since_last_activity", name="days_since_activity_non_negative"),
    ),
    # Web / widget (seed 002)
    "fct_sessions": (
        non_negative("duration_seconds", name="duration_non_negative"),
        non_negative("events_count", name="events_count_non_negative"),
        non_negative("page_views", name="page_views_non_negative"),
        in_set("channel", GA4_CHANNELS, name="channel_in_ga4_set"),
    ),
    "widget_daily_stats": (
        non_negative(),
        between("conversion_rate", 0, 1, name="conversion_rate_is_a_fraction"),
    ),
    "widget_top_events": (non_negative(),),
    "widget_traffic_sources": (non_negative(), in_set("channel", GA4_CHANNELS, name="channel_in_ga4_set")),
    "widget_devices": (non_negative(),),
    # Monitoring
    "alerts": (in_set("severity", SEVERITIES, name="severity_in_set"),),
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
