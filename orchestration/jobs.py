"""Asset jobs the schedules and the sensor launch. Selections are by group and dbt tag, never by model.

- ``landing_job``: group ``landing`` (and its blocking raw checks);
- ``hourly_build_job``: landing + the whole dbt build (event models are incremental, so the
  hourly run is cheap and every mart stays fresh and buildable on a new warehouse);
- ``daily_job``: group ``retention`` + dbt nodes tagged ``daily`` (health and alerts), rebuilt
  as of 02:00 UTC after pruning;
- ``weekly_scores_job``: dbt nodes tagged ``weekly`` (the score marts), rebuilt as of Sunday
  00:00 UTC, the end of the ISO week they close.

A model joins the daily or weekly cadence with a dbt tag (``+tags: ["weekly"]`` in
``dbt_project.yml`` or ``config(tags=[...])``). Tagged models are not left out of the hourly
build: tags decide which models are re-materialized as of the cadence's tick, and excluding
them hourly would leave their untagged children (and their unit tests) without a parent on a
new warehouse. Checks of the selected assets run in the same job (``AssetSelection`` includes them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dagster as dg

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition
from dagster_dbt import build_dbt_asset_selection

from orchestration.assets.landing import LANDING_GROUP
from orchestration.assets.retention import RETENTION_GROUP
from orchestration.resources import WAREHOUSE_RUN_TAGS

DAILY_TAG = "daily"
WEEKLY_TAG = "weekly"


def manifest_has_tag(manifest: Mapping[str, Any], tag: str) -> bool:
    """Whether any model, seed or snapshot of the manifest carries ``tag``."""
    return any(
        tag in (node.get("tags") or [])
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") in ("model", "seed", "snapshot")
    )


@dataclass(frozen=True)
class Jobs:
    landing: UnresolvedAssetJobDefinition
    hourly: UnresolvedAssetJobDefinition
    daily: UnresolvedAssetJobDefinition
    weekly: UnresolvedAssetJobDefinition
    # Whether the job runs dbt (its run config then carries the dbt op's config).
    daily_runs_dbt: bool
    weekly_runs_dbt: bool

    def all(self) -> list[UnresolvedAssetJobDefinition]:
        return [self.landing, self.hourly, self.daily, self.weekly]


def build_jobs(dbt_assets: dg.AssetsDefinition, manifest: Mapping[str, Any]) -> Jobs:
    landing = dg.AssetSelection.groups(LANDING_GROUP)
    retention = dg.AssetSelection.groups(RETENTION_GROUP)
    has_daily = manifest_has_tag(manifest, DAILY_TAG)
    has_weekly = manifest_has_tag(manifest, WEEKLY_TAG)
    hourly_dbt = build_dbt_asset_selection([dbt_assets], dbt_select="fqn:*")
    daily = retention
    if has_daily:
        daily = daily | build_dbt_asset_selection([dbt_assets], dbt_select=f"tag:{DAILY_TAG}")
    weekly = (
        build_dbt_asset_selection([dbt_assets], dbt_select=f"tag:{WEEKLY_TAG}")
        if has_weekly
        else dg.AssetSelection.assets()  # empty until a model is tagged weekly
    )
    return Jobs(
        landing=dg.define_asset_job(
            "landing_job", selection=landing, tags=WAREHOUSE_RUN_TAGS, description="Land new raw files."
        ),
        hourly=dg.define_asset_job(
            "hourly_build_job",
            selection=landing | hourly_dbt,
            tags=WAREHOUSE_RUN_TAGS,
            description="Land new raw files, then dbt build (incremental event models, every mart).",
        ),
        daily=dg.define_asset_job(
            "daily_job",
            selection=daily,
            tags=WAREHOUSE_RUN_TAGS,
            description=f"Retention pruning, then the dbt models tagged {DAILY_TAG} (health alerts).",
        ),
        weekly=dg.define_asset_job(
            "weekly_scores_job",
            selection=weekly,
            tags=WAREHOUSE_RUN_TAGS,
            description=f"The dbt models tagged {WEEKLY_TAG} (scores).",
        ),
        daily_runs_dbt=has_daily,
        weekly_runs_dbt=has_weekly,
    )
