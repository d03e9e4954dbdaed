"""The Definitions load with the expected groups, keys, checks, jobs, schedules and sensor.

Expectations about dbt nodes are derived from the manifest, never from model names, so these
tests keep passing as models land.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster_dbt import DbtProject

import orchestration.definitions
from ingestion.retention import policies, tables
from ingestion.streams import STREAMS
from orchestration.assets.landing import landing_asset_key
from orchestration.assets.retention import prune_asset_name
from orchestration.checks.marts import MART_SUITES, marts_in_manifest
from orchestration.checks.raw import check_specs
from orchestration.dbt.project import load_manifest
from orchestration.dbt.translator import WarehouseDbtTranslator
from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_RUN_TAGS

pytestmark = pytest.mark.dagster

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def manifest(dbt_project_tmp: DbtProject) -> dict:
    return load_manifest(dbt_project_tmp)


@pytest.fixture(scope="module")
def asset_graph(definitions: dg.Definitions):
    return definitions.resolve_asset_graph()


def test_import_builds_nothing() -> None:
    # `defs` is loaded lazily by Dagster (@dg.definitions): importing the module needs no manifest.
    assert callable(orchestration.definitions.defs)
    workspace = yaml.safe_load((REPO / "workspace.yaml").read_text())
    assert workspace["load_from"][0]["python_module"]["module_name"] == "orchestration.definitions"


def test_groups(asset_graph, manifest: dict) -> None:
    groups: dict[str, set[dg.AssetKey]] = {}
    for key in asset_graph.get_all_asset_keys():
        groups.setdefault(asset_graph.get(key).group_name, set()).add(key)
    assert groups["landing"] == {landing_asset_key(s) for s in STREAMS}
    assert groups["retention"] == {dg.AssetKey(prune_asset_name(t)) for t in tables()}
    translator = WarehouseDbtTranslator()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        folders = node["fqn"][1:-1]
        expected = {"staging": "staging", "intermediate": "intermediate"}.get(folders[0])
        if folders[0] == "marts":
            expected = f"marts_{folders[1]}" if len(folders) > 1 else "marts"
        assert translator.get_asset_key(node) in groups[expected], node["unique_id"]


def test_dbt_sources_are_the_landing_assets(asset_graph, manifest: dict) -> None:
    translator = WarehouseDbtTranslator()
    source_keys = {translator.get_asset_key(s) for s in manifest["sources"].values()}
    assert source_keys == {landing_asset_key(s) for s in STREAMS}
    for key in source_keys:
        assert asset_graph.get(key).is_materializable  # defined by a landing asset, not an external stub


def test_staging_of_a_pruned_table_runs_after_its_pruning(asset_graph, manifest: dict) -> None:
    pruned_raw = {t.split(".", 1)[1] for t in tables() if t.startswith("raw.")}
    translator = WarehouseDbtTranslator()
    seen = 0
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for source_id in node["depends_on"]["nodes"]:
            if not source_id.startswith("source."):
                continue
            source = manifest["sources"][source_id]
            if source["identifier"] in pruned_raw:
                parents = asset_graph.get(translator.get_asset_key(node)).parent_keys
                assert dg.AssetKey(prune_asset_name(f"raw.{source['identifier']}")) in parents
                seen += 1
    assert seen, "no staging model reads a pruned raw table"


def test_checks(asset_graph, manifest: dict) -> None:
    checks = {}
    for check_key in asset_graph.asset_check_keys:
        checks.setdefault(check_key.asset_key, set()).add(check_key.name)
    for stream in STREAMS:
        specs = check_specs(stream)
        assert checks[landing_asset_key(stream)] >= {s.name for s in specs}
        assert all(s.blocking for s in specs)
    # dbt tests on models are asset checks of the model they test.
    translator = WarehouseDbtTranslator()
    models = {n["unique_id"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    tested = {
        translator.get_asset_key(models[n["attached_node"]])
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n.get("attached_node") in models
    }
    assert tested and all(checks.get(key) for key in tested)
    # Each mart of the manifest that has a suite carries it; marts not built yet carry nothing.
    for name, node in marts_in_manifest(manifest).items():
        assert {rule.name for rule in MART_SUITES[name]} <= checks[translator.get_asset_key(node)]


def test_jobs_schedules_sensor(definitions: dg.Definitions, ewh_env) -> None:
    jobs = {
        name: definitions.resolve_job_def(name)
        for name in ("landing_job", "hourly_build_job", "daily_job", "weekly_scores_job")
    }
    for job in jobs.values():
        assert job.tags.get("ewh/warehouse") == WAREHOUSE_RUN_TAGS["ewh/warehouse"]
        assert job.executor_def.name == "in_process"
    landing = {landing_asset_key(s) for s in STREAMS}
    assert set(jobs["landing_job"].asset_layer.executable_asset_keys) == landing
    assert set(jobs["hourly_build_job"].asset_layer.executable_asset_keys) > landing
    daily = set(jobs["daily_job"].asset_layer.executable_asset_keys)
    assert {dg.AssetKey(prune_asset_name(t)) for t in tables()} <= daily
    assert dg.AssetKey("serving_database") in daily
    assert dg.AssetKey("serving_database") in set(jobs["hourly_build_job"].asset_layer.executable_asset_keys)

    schedules = {s.name: s for s in definitions.schedules}
    assert {n: (s.cron_schedule, s.execution_timezone, s.job_name) for n, s in schedules.items()} == {
        "hourly_build": ("0 * * * *", "UTC", "hourly_build_job"),
        "daily_prune_and_alerts": ("0 2 * * *", "UTC", "daily_job"),
        "weekly_scores": ("0 0 * * 1", "UTC", "weekly_scores_job"),
    }
    tick = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    for name in ("hourly_build", "daily_prune_and_alerts", "weekly_scores"):
        with dg.build_schedule_context(scheduled_execution_time=tick) as context:
            request = schedules[name].evaluate_tick(context).run_requests[0]
        ops = request.run_config["ops"]
        assert {op["config"]["as_of"] for op in ops.values()} == {"2026-11-22 02:00:00"}
        job = jobs[schedules[name].job_name]
        assert dg.validate_run_config(job, request.run_config)

    sensors = {s.name: s for s in definitions.sensors}
    assert sensors["raw_files_sensor"].job_name == "landing_job"


def test_cadence_jobs_wait_only_for_tests_dbt_runs(
    definitions: dg.Definitions, asset_graph, manifest: dict
) -> None:
    # dbt runs a test only when the job builds every model it reads (--indirect-selection
    # cautious): a job whose checks include any other would wait for a result that never comes.
    translator = WarehouseDbtTranslator()
    unique_ids = {
        translator.get_asset_key(node): unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }
    jobs = {job.name: job for job in definitions.jobs}
    left_out_somewhere = False
    for name in ("daily_job", "weekly_scores_job"):
        selection = jobs[name].selection
        built = {unique_ids[key] for key in selection.resolve(asset_graph) if key in unique_ids}
        checks = selection.resolve_checks(asset_graph)
        tests = {
            node["name"]: node
            for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and node.get("attached_node") in built
        }
        assert tests and {key.name for key in checks} >= {
            test_name
            for test_name, test in tests.items()
            if all(parent in built for parent in test["depends_on"]["nodes"] if parent in manifest["nodes"])
        }, name
        for key in checks:
            test = tests.get(key.name)
            if test is not None:
                parents = [p for p in test["depends_on"]["nodes"] if p in manifest["nodes"]]
                assert all(parent in built for parent in parents), (name, key.name)
        on_built = {key for key in asset_graph.asset_check_keys if unique_ids.get(key.asset_key) in built}
        left_out_somewhere |= bool(on_built - checks)
    # the weekly marts' relationships to dims only the hourly build rebuilds are left out
    assert left_out_somewhere


def test_every_warehouse_op_is_in_the_pool(asset_graph, definitions: dg.Definitions) -> None:
    job = definitions.resolve_implicit_global_asset_job_def()
    pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
    assert pools and set(pools.values()) == {WAREHOUSE_POOL}, pools


def test_dagster_yaml_limits_warehouse_runs_to_one(tmp_path: Path) -> None:
    shutil.copy(REPO / "orchestration" / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
        assert config.pool_config.default_pool_limit == 1
        assert config.pool_config.pool_granularity.value == "run"
        limits = config.run_queue_config.tag_concurrency_limits
        assert {"key": "ewh/warehouse", "value": "write", "limit": 1} in limits


def test_incremental_models_over_pruned_data_have_a_policy(manifest: dict) -> None:
    """Retention (docs/retention.md): an incremental model keeps rows across builds, so pruning raw
    does not reach it.

    Any incremental model downstream of a raw table that loses rows to retention needs a rule of
    its own in ingestion/retention.py (policies()).
    """
    deleting = {r.table.split(".", 1)[1] for r in policies() if r.action == "delete" and r.schema == "raw"}
    nodes = {**manifest["nodes"], **manifest["sources"]}
    parents = {uid: node.get("depends_on", {}).get("nodes", []) for uid, node in nodes.items()}

    def reads_pruned(uid: str, seen: set[str]) -> bool:
        if uid in seen:
            return False
        seen.add(uid)
        node = nodes.get(uid, {})
        if node.get("resource_type") == "source":
            return node.get("identifier") in deleting
        return any(reads_pruned(p, seen) for p in parents.get(uid, []))

    covered = set(tables(with_kept=True))
    missing = [
        f"{node['schema']}.{node.get('alias') or node['name']}"
        for uid, node in manifest["nodes"].items()
        if node.get("config", {}).get("materialized") == "incremental"
        and reads_pruned(uid, set())
        and f"{node['schema']}.{node.get('alias') or node['name']}" not in covered
    ]
    assert not missing, f"add a retention rule to ingestion/retention.py policies() for: {', '.join(missing)}"
