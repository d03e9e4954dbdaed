"""The one ``Definitions`` of the warehouse, loaded by ``workspace.yaml``.

``defs`` is built when Dagster loads the code location (``@dg.definitions``), not when the
module is imported: importing this module reads nothing and runs nothing. Loading reads the dbt
manifest (``make ui`` makes it; under ``dagster dev`` it is re-made when stale) and ``.env``
from the project root, like the ``ewh`` command (a variable already set wins).
Tests call :func:`build_definitions` with a project whose manifest lies in a temporary folder.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtProject

from ingestion.config import load_env
from orchestration.assets.landing import build_landing_assets
from orchestration.assets.retention import build_retention_assets
from orchestration.assets.serving import build_serving_asset
from orchestration.checks.marts import build_mart_checks
from orchestration.checks.raw import build_raw_checks
from orchestration.dbt.assets import build_dbt_assets
from orchestration.dbt.project import dbt_project, load_manifest
from orchestration.dbt.translator import WarehouseDbtTranslator
from orchestration.jobs import build_jobs
from orchestration.lineage import mart_asset_keys, pruned_models, pruned_raw_sources, table_key_resolver
from orchestration.resources import build_resources
from orchestration.schedules import build_schedules
from orchestration.sensors import build_raw_files_sensor


def build_definitions(project: DbtProject | None = None) -> dg.Definitions:
    """Landing, dbt, retention and serving assets; raw and mart checks; jobs, schedules, sensor; resources."""
    load_env()
    project = project or dbt_project()
    manifest = load_manifest(project)
    translator = WarehouseDbtTranslator(
        extra_source_deps=pruned_raw_sources(), extra_model_deps=pruned_models(manifest)
    )
    dbt_assets = build_dbt_assets(project, translator)
    mart_checks = build_mart_checks(manifest, translator.get_asset_key)
    jobs = build_jobs(dbt_assets, manifest, mart_checks)
    return dg.Definitions(
        assets=[
            *build_landing_assets(),
            dbt_assets,
            *build_retention_assets(table_key_resolver(manifest, translator)),
            build_serving_asset(mart_asset_keys(manifest, translator)),
        ],
        asset_checks=[*build_raw_checks(), *mart_checks],
        jobs=jobs.all(),
        schedules=build_schedules(jobs),
        sensors=[build_raw_files_sensor(jobs.landing)],
        resources=build_resources(project),
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
