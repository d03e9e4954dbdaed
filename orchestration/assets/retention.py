"""Retention pruning as assets ``prune_<table>``, one per table under a policy (docs/retention.md).

The rules live in ``ingestion/retention.py`` (``policies()``); a table added there gets its asset
here with no other change. Each materialization reports the rows it deleted and nulled.
"""

from collections.abc import Callable

import dagster as dg
from pydantic import Field

from ingestion.retention import Rule, policies, prune, reads_first, tables
from orchestration.as_of import format_as_of, parse_as_of
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

RETENTION_GROUP = "retention"


class PruneConfig(dg.Config):
    """Run config of a prune asset (Launchpad: ``ops: {prune_<table>: {config: {...}}}``)."""

    as_of: str | None = Field(
        default=None,
        description="UTC time the retention periods count back from, e.g. '2026-11-20 02:00:00'. Empty: now.",
    )
    dry_run: bool = Field(default=False, description="Only count what would be deleted or nulled.")


def prune_asset_name(table: str) -> str:
    """``raw.widget__events`` -> ``prune_widget__events``; ``marts.fct_sessions`` -> ``prune_fct_sessions``."""
    return "prune_" + table.split(".", 1)[1]


def build_prune_asset(table: str, rules: list[Rule], deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    policy_lines = "\n".join(f"- {r.action}: {r.policy}" for r in rules)

    @dg.asset(
        name=prune_asset_name(table),
        group_name=RETENTION_GROUP,
        deps=deps,
        description=f"Retention of `{table}` (ingestion/retention.py):\n{policy_lines}",
        kinds={"duckdb", "python"},
        pool=WAREHOUSE_POOL,
    )
    def _prune(
        context: dg.AssetExecutionContext, config: PruneConfig, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        as_of = parse_as_of(config.as_of) if config.as_of else None
        with warehouse.connect() as con:
            report = prune(con, as_of=as_of, dry_run=config.dry_run, only_tables=[table])
        context.log.info(f"{table} as of {format_as_of(report.as_of)}:\n{report.format_table()}")
        statuses = {r.status for r in report.results}
        return dg.MaterializeResult(
            metadata={
                "table": table,
                "as_of": format_as_of(report.as_of),
                "dry_run": config.dry_run,
                "rows_deleted": report.rows(action="delete"),
                "rows_nulled": report.rows(action="null"),
                "table_status": ", ".join(sorted(statuses)),
                "rules": dg.MetadataValue.md(f"```\n{report.format_table()}\n```"),
            }
        )

    return _prune


def build_retention_assets(
    key_for_table: Callable[[str], dg.AssetKey | None], rules: tuple[Rule, ...] | None = None
) -> list[dg.AssetsDefinition]:
    """One asset per table with rules. The pruning of a raw table depends on its landing asset;
    the pruning of a model table depends on the pruning of the tables its rules read (which must
    run first) but not on the model: the models that read the table depend on its pruning
    instead (``orchestration/dbt/translator.py``), so a job that prunes and builds prunes first,
    and the asset graph stays acyclic (a dbt model -> prune -> dbt model path would make the one
    dbt op depend on itself)."""
    rules = policies() if rules is None else rules
    assets = []
    for table in tables(rules):
        writer = key_for_table(table) if table.startswith("raw.") else None
        deps = [writer] if writer else []
        deps += [dg.AssetKey(prune_asset_name(first)) for first in reads_first(table, rules)]
        assets.append(build_prune_asset(table, [r for r in rules if r.table == table], deps))
    return assets
