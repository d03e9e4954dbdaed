"""The dbt models, seeds and snapshots as Dagster assets; dbt tests become asset checks."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from pydantic import Field

from ingestion.dbt_runner import dbt_environment, dbt_vars, file_log_args
from orchestration.as_of import format_as_of, parse_as_of
from orchestration.dbt.translator import WarehouseDbtTranslator
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

DBT_ASSETS_NAME = "dbt_models"  # the op's name: run config goes under ops.dbt_models.config
_PARTIAL_PARSE = "partial_parse.msgpack"


class DbtBuildConfig(dg.Config):
    """Run config of the dbt op (Launchpad: ``ops: {dbt_models: {config: {...}}}``)."""

    as_of: str | None = Field(
        default=None,
        description="UTC time every time-relative model is computed as of, e.g. '2026-11-20 00:00:00' "
        "(dbt var as_of). Empty: now.",
    )
    full_refresh: bool = Field(default=False, description="Rebuild incremental models from scratch.")
    unit_tests: bool = Field(
        default=False,
        description="Also run dbt's unit tests. They check the SQL against hand-made rows, not the data, "
        "so scheduled builds leave them out (they run in `make test` and `ewh build`).",
    )


def dbt_build_args(config: DbtBuildConfig) -> list[str]:
    # A job that builds some models runs only the tests whose every parent it builds.
    args = ["build", "--indirect-selection", "cautious", *file_log_args()]
    if config.full_refresh:
        args.append("--full-refresh")
    if not config.unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    values = dbt_vars()
    if values:
        args += ["--vars", json.dumps(values)]
    return args


def dbt_build_environment(config: DbtBuildConfig) -> dict[str, str]:
    """``EWH_AS_OF`` from the run config (an environment variable, so dbt keeps its partial parse)."""
    return dbt_environment(format_as_of(parse_as_of(config.as_of)) if config.as_of else None)


def _run_target_path(project: DbtProject, context: dg.AssetExecutionContext) -> Path:
    """A target folder of this run's own, seeded with the project's partial parse (faster start)."""
    target_root = project.project_dir.joinpath(project.target_path)
    run_target = target_root / f"run-{context.run.run_id[:8]}"
    run_target.mkdir(parents=True, exist_ok=True)
    partial = target_root / _PARTIAL_PARSE
    if partial.exists() and not (run_target / _PARTIAL_PARSE).exists():
        shutil.copy(partial, run_target / _PARTIAL_PARSE)
    return run_target


def _keep_partial_parse(project: DbtProject, run_target: Path) -> None:
    """Make this run's partial parse the project's, so the next run starts from it.

    dbt checks a partial parse against the files, vars and profile before it trusts it, so a
    stale one only costs a full parse. Written under a temporary name, then renamed: a run
    starting meanwhile copies either the old file or the new one, never half of one."""
    source = run_target / _PARTIAL_PARSE
    if not source.exists():
        return
    target_root = project.project_dir.joinpath(project.target_path)
    temporary = target_root / f".{_PARTIAL_PARSE}.{run_target.name}"
    shutil.copy(source, temporary)
    temporary.replace(target_root / _PARTIAL_PARSE)


def build_dbt_assets(project: DbtProject, translator: WarehouseDbtTranslator) -> dg.AssetsDefinition:
    """Every node of the manifest as an asset of one ``dbt build`` op."""

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=translator,
        name=DBT_ASSETS_NAME,
        pool=WAREHOUSE_POOL,
    )
    def dbt_models(
        context: dg.AssetExecutionContext,
        config: DbtBuildConfig,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
    ) -> Iterator[Any]:
        target = _run_target_path(project, context)
        # dbt opens the file itself: a notebook holding it read-only is waited for, then named
        warehouse.wait_until_free()
        # dbt's profile reads EWH_WAREHOUSE and as_of() reads EWH_AS_OF when the process starts
        with warehouse.dbt_env(dbt_build_environment(config)):
            invocation = dbt.cli(dbt_build_args(config), context=context, target_path=target)
        yield from invocation.stream()
        # Keep the artifacts of a failed build for debugging; a successful one leaves nothing behind.
        if invocation.is_successful():
            _keep_partial_parse(project, target)
            shutil.rmtree(target, ignore_errors=True)

    return dbt_models
