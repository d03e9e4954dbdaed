"""The scheduled jobs, run in-process on the hand-made dataset (rawdata.py): a build after a prune is green.

1. ``hourly_build_job`` as of AS_OF, its landing as of long before (so every row of the dataset
   lands, also those past policy at AS_OF): landing, blocking raw checks, the dbt build with its
   tests, the great-expectations checks of the marts, the serving database;
2. ``daily_job`` as of AS_OF, with the run config its schedule gives: pruning first, then the
   daily marts with every model they read that depends on as_of, then the serving database;
3. ``hourly_build_job`` again, an hour later: green, with none of the pruned rows back anywhere.
"""

from __future__ import annotations

from datetime import UTC

import dagster as dg
import duckdb
import pytest
from rawdata import AS_OF, AS_OF_TEXT, IP_TO_NULL, PAST_POLICY, PRUNED_IDS, records, write_dataset

from ingestion.streams import STREAMS, STREAMS_BY_TABLE
from orchestration.assets.landing import landing_asset_key
from orchestration.assets.retention import prune_asset_name
from orchestration.dbt.assets import DBT_ASSETS_NAME
from orchestration.schedules import landing_ops

pytestmark = pytest.mark.dagster


def run_config(*ops: str, as_of: str = AS_OF_TEXT) -> dict:
    return {"ops": {op: {"config": {"as_of": as_of}} for op in ops}}


def materializations(result: dg.ExecuteInProcessResult) -> dict[dg.AssetKey, dict]:
    out = {}
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        out[mat.asset_key] = {k: v.value for k, v in mat.metadata.items()}
    return out


def failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    return [
        f"{e.asset_key.to_user_string()}:{e.check_name}"
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]


def model_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('staging', 'intermediate', 'marts')"
    ).fetchall()
    return [f'"{s}"."{t}"' for s, t in rows]


def mentions(con: duckdb.DuckDBPyConnection, relation: str, values: set[str]) -> set[str]:
    """Which of ``values`` appear anywhere in a row of ``relation`` (any column, as text)."""
    text = con.execute(f"select string_agg(cast(t as varchar), ' ') from {relation} as t").fetchone()[0] or ""
    return {v for v in values if v in text}


def test_a_build_after_a_prune_is_green_and_pruning_sticks(
    definitions: dg.Definitions, ewh_env, instance
) -> None:
    write_dataset(ewh_env.raw_root)
    first = run_config(DBT_ASSETS_NAME, "serving_database")
    for op in landing_ops():  # landed before anything was past policy: every row arrives
        first["ops"][op] = {"config": {"as_of": "2025-10-01 00:00:00"}}
    hourly = definitions.resolve_job_def("hourly_build_job").execute_in_process(
        instance=instance, run_config=first, raise_on_error=False
    )
    assert hourly.success
    assert not failed_checks(hourly)
    landed = materializations(hourly)
    for stream in STREAMS:
        meta = landed[landing_asset_key(stream)]
        assert (meta["files_landed"], meta["rows_quarantined"], meta["rows_expired"]) == (1, 0, 0)
        assert meta["dagster/row_count"] == len(records()[f"{stream.source}/{stream.name}"])
    assert any(key.path[0] == "marts" for key in landed)  # dbt built the marts
    assert ewh_env.serving.exists()  # published for readers
    ge_checks = {(e.asset_key, e.check_name) for e in hourly.get_asset_check_evaluations()}
    assert any(key.path[0] == "marts" for key, _ in ge_checks)  # the marts' own suites ran too

    daily_schedule = next(s for s in definitions.schedules if s.name == "daily_prune_and_alerts")
    with dg.build_schedule_context(scheduled_execution_time=AS_OF.replace(tzinfo=UTC)) as context:
        request = daily_schedule.evaluate_tick(context).run_requests[0]
    daily = definitions.resolve_job_def("daily_job").execute_in_process(
        instance=instance, run_config=request.run_config, raise_on_error=False
    )
    assert daily.success, [e.message for e in daily.all_events if e.is_step_failure]
    assert not failed_checks(daily)
    done = materializations(daily)
    for table, gone in PAST_POLICY.items():
        assert done[dg.AssetKey(prune_asset_name(f"raw.{table}"))]["rows_deleted"] == len(gone)
    for table, nulled in IP_TO_NULL.items():
        assert done[dg.AssetKey(prune_asset_name(f"raw.{table}"))]["rows_nulled"] == len(nulled)
    # pruning ran before the dbt step
    log = [r for r in instance.all_logs(daily.run_id) if r.dagster_event is not None]
    started = {r.dagster_event.step_key: r.timestamp for r in log if r.dagster_event.is_step_start}
    finished = {r.dagster_event.step_key: r.timestamp for r in log if r.dagster_event.is_step_success}
    dbt_steps = [k for k in started if k.startswith(DBT_ASSETS_NAME)]
    prune_steps = [k for k in finished if k.startswith("prune_")]
    assert dbt_steps and prune_steps
    assert max(finished[k] for k in prune_steps) <= min(started[k] for k in dbt_steps)

    again = definitions.resolve_job_def("hourly_build_job").execute_in_process(
        instance=instance,
        run_config=run_config(
            *landing_ops(), DBT_ASSETS_NAME, "serving_database", as_of="2026-11-20 13:00:00"
        ),
        raise_on_error=False,
    )
    assert again.success, [e.message for e in again.all_events if e.is_step_failure]
    assert not failed_checks(again)
    assert all(materializations(again)[landing_asset_key(s)]["files_skipped"] == 1 for s in STREAMS)

    con = duckdb.connect(str(ewh_env.warehouse), read_only=True)
    try:
        for table, gone in PAST_POLICY.items():
            key = STREAMS_BY_TABLE[table].key[0]
            left = {k for (k,) in con.execute(f'select "{key}" from raw.{table}').fetchall()}
            assert not left & gone
        # The builds after pruning brought none of the pruned rows back, in any model.
        relations = model_relations(con)
        assert relations
        for relation in relations:
            assert not mentions(con, relation, PRUNED_IDS), relation
    finally:
        con.close()
