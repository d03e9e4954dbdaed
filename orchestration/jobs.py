"""Asset jobs the schedules and the sensor launch. Selections are by group and dbt tag, never by model.

- ``landing_job``: group ``landing`` (and its blocking raw checks); what the sensor launches;
- ``hourly_build_job``: landing, the whole dbt build (event models are incremental, so the
  hourly run costs what the new hour costs) and the serving database;
- ``daily_job``: group ``retention`` first, then the dbt models tagged ``daily`` (health and
  alerts) and the serving database, as of 02:00 UTC;
- ``weekly_scores_job``: the dbt models tagged ``weekly`` (the score marts) and the serving
  database, as of Monday 00:00 UTC, when the ISO week they close is complete.

A cadence job rebuilds its tagged models *with every model they read that depends on as_of*:
their ancestors, leaving out only the incremental models (which hold everything landed and do
not depend on as_of). So a tick re-run later gives the same marts: nothing compiled with
another as_of (a view built by the last hourly run) reaches them. The prune assets come before
the dbt models in the daily job because every model that reads a pruned table depends on its
prune asset (``orchestration/dbt/translator.py``).

dbt runs a test only when the job builds every model the test reads (``--indirect-selection
cautious``), so a cadence job also leaves out the checks of such tests (a relationships test
from a weekly mart to a dim only the hourly build rebuilds): the hourly build runs them.

A model joins the daily or weekly cadence with a dbt tag (``+tags: ["weekly"]`` in
``dbt_project.yml`` or ``config(tags=[...])``). Tagged models are also built hourly, so every
mart stays fresh and buildable on a new warehouse; the cadence jobs rebuild them as of their tick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import dagster as dg
from dagster_dbt import build_dbt_asset_selection

from orchestration.assets.landing import LANDING_GROUP
from orchestration.assets.retention import RETENTION_GROUP
from orchestration.assets.serving import SERVING_GROUP
from orchestration.resources import WAREHOUSE_RUN_TAGS

# What dg.define_asset_job returns (dagster's UnresolvedAssetJobDefinition, a class dagster does
# not export): a job of an asset selection, resolved against the Definitions it is given to.
AssetJob: TypeAlias = Any

DAILY_TAG = "daily"
WEEKLY_TAG = "weekly"
# What a cadence job leaves out of its tagged models' ancestors: the incremental models.
NOT_AS_OF_RELATIVE = "config.materialized:incremental"
# The check metadata dagster-dbt gives every dbt test: the test's unique id in the manifest.
DBT_UNIQUE_ID = "dagster_dbt/unique_id"


def manifest_has_tag(manifest: Mapping[str, Any], tag: str) -> bool:
    """Whether any model, seed or snapshot of the manifest carries ``tag``."""
    return any(
        tag in (node.get("tags") or [])
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") in ("model", "seed", "snapshot")
    )


def cadence_selection(tag: str) -> tuple[str, str]:
    """dbt select and exclude of a cadence job: the tagged models and their as_of-relative ancestors."""
    return f"+tag:{tag}", NOT_AS_OF_RELATIVE


def cadence_nodes(manifest: Mapping[str, Any], tag: str) -> set[str]:
    """The unique ids ``cadence_selection(tag)`` selects: the tagged nodes and their ancestors,
    without the incremental models (what dbt selects with ``+tag:<tag>`` and that exclude)."""
    nodes = manifest.get("nodes", {})
    pending = [
        unique_id
        for unique_id, node in nodes.items()
        if node.get("resource_type") in ("model", "seed", "snapshot") and tag in (node.get("tags") or [])
    ]
    selected: set[str] = set()
    while pending:
        unique_id = pending.pop()
        if unique_id in selected:
            continue
        selected.add(unique_id)
        pending.extend(nodes.get(unique_id, {}).get("depends_on", {}).get("nodes", []))
    return {
        unique_id
        for unique_id in selected
        if nodes.get(unique_id, {}).get("config", {}).get("materialized") != "incremental"
    }


def checks_dbt_will_not_run(
    dbt_assets: dg.AssetsDefinition, manifest: Mapping[str, Any], selected: set[str]
) -> list[dg.AssetCheckKey]:
    """The asset checks of selected models whose dbt test also reads a model the job does not build.

    dbt runs a test only when it builds every model the test reads (``--indirect-selection
    cautious``): a relationships test from a weekly mart to a dim the weekly job does not rebuild
    is left to the hourly build. Dagster would otherwise wait for a result that never comes."""
    nodes = manifest.get("nodes", {})
    left_out = []
    for spec in dbt_assets.check_specs:
        test = nodes.get((spec.metadata or {}).get(DBT_UNIQUE_ID, ""))
        if test is None or test.get("attached_node") not in selected:
            continue
        parents = [p for p in test.get("depends_on", {}).get("nodes", []) if p in nodes]
        if any(parent not in selected for parent in parents):
            left_out.append(spec.key)
    return left_out


@dataclass(frozen=True)
class Jobs:
    landing: AssetJob
    hourly: AssetJob
    daily: AssetJob
    weekly: AssetJob
    # Whether the job runs dbt (its run config then carries the dbt op's config).
    daily_runs_dbt: bool
    weekly_runs_dbt: bool

    def all(self) -> list[AssetJob]:
        return [self.landing, self.hourly, self.daily, self.weekly]


def build_jobs(
    dbt_assets: dg.AssetsDefinition,
    manifest: Mapping[str, Any],
    mart_checks: Sequence[dg.AssetChecksDefinition] = (),
) -> Jobs:
    """``mart_checks`` (great-expectations suites of the marts) run in every job that builds marts."""
    landing = dg.AssetSelection.groups(LANDING_GROUP)
    retention = dg.AssetSelection.groups(RETENTION_GROUP)
    serving = dg.AssetSelection.groups(SERVING_GROUP)
    if mart_checks:
        serving = serving | dg.AssetSelection.checks(*mart_checks)
    has_daily = manifest_has_tag(manifest, DAILY_TAG)
    has_weekly = manifest_has_tag(manifest, WEEKLY_TAG)
    hourly_dbt = build_dbt_asset_selection([dbt_assets], dbt_select="fqn:*")

    def cadence(tag: str) -> dg.AssetSelection:
        select, exclude = cadence_selection(tag)
        models = build_dbt_asset_selection([dbt_assets], dbt_select=select, dbt_exclude=exclude)
        left_out = checks_dbt_will_not_run(dbt_assets, manifest, cadence_nodes(manifest, tag))
        return models - dg.AssetSelection.checks(*left_out) if left_out else models

    daily = retention | (cadence(DAILY_TAG) | serving if has_daily else dg.AssetSelection.assets())
    weekly = cadence(WEEKLY_TAG) | serving if has_weekly else dg.AssetSelection.assets()
    return Jobs(
        landing=dg.define_asset_job(
            "landing_job", selection=landing, tags=WAREHOUSE_RUN_TAGS, description="Land new raw files."
        ),
        hourly=dg.define_asset_job(
            "hourly_build_job",
            selection=landing | hourly_dbt | serving,
            tags=WAREHOUSE_RUN_TAGS,
            description="Land new raw files, dbt build (incremental event models, every mart), publish the marts.",
        ),
        daily=dg.define_asset_job(
            "daily_job",
            selection=daily,
            tags=WAREHOUSE_RUN_TAGS,
            description=f"Retention pruning, then the dbt models tagged {DAILY_TAG} (health, alerts), "
            "then publish the marts.",
        ),
        weekly=dg.define_asset_job(
            "weekly_scores_job",
            selection=weekly,
            tags=WAREHOUSE_RUN_TAGS,
            description=f"The dbt models tagged {WEEKLY_TAG} (scores) as of the week's end, then publish the marts.",
        ),
        daily_runs_dbt=has_daily,
        weekly_runs_dbt=has_weekly,
    )
