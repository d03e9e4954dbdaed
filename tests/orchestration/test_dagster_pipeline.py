"""Everything materializes in-process against a temporary warehouse; pruning sticks across builds.

Two real runs on the hand-made dataset (rawdata.py), as of a fixed time:
1. ``hourly_build_job``: landing (11 assets) + blocking raw checks + dbt build with its tests;
2. every asset with the great-expectations checks (dbt's tests already ran in 1; leaving them out
   halves the second build): landing again (all files skipped), pruning, dbt build again. The rows
   past policy are gone from raw and from every model, incremental ones included.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from rawdata import AS_OF_TEXT, IP_TO_NULL, PAST_POLICY, PRUNED_IDS, records, write_dataset

from ingestion.retention import tables
from ingestion.streams import STREAMS, STREAMS_BY_TABLE
from orchestration.assets.landing import landing_asset_key
from orchestration.assets.retention import prune_asset_name
from orchestration.dbt.assets import DBT_ASSETS_NAME

pytestmark = pytest.mark.dagster


def run_config(*ops: str) -> dict:
    return {"ops": {op: {"config": {"as_of": AS_OF_TEXT}} for op in ops}}


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


def test_everything_materializes_and_pruning_sticks(definitions: dg.Definitions, ewh_env, instance) -> None:
    write_dataset(ewh_env.raw_root)

    hourly = definitions.resolve_job_def("hourly_build_job").execute_in_process(
        instance=instance, run_config=run_config(DBT_ASSETS_NAME), raise_on_error=False
    )
    assert hourly.success
    assert not failed_checks(hourly)
    landed = materializations(hourly)
    for stream in STREAMS:
        meta = landed[landing_asset_key(stream)]
        assert (meta["files_landed"], meta["rows_quarantined"]) == (1, 0)
        assert meta["dagster/row_count"] == len(records()[f"{stream.source}/{stream.name}"])
    assert any(key.path[0] == "marts" for key in landed)  # dbt built the marts

    ge_checks = [key for c in definitions.asset_checks for key in c.check_keys]
    everything = dg.materialize(
        [*definitions.assets, *definitions.asset_checks],
        selection=dg.AssetSelection.all().without_checks() | dg.AssetSelection.checks(*ge_checks),
        resources=definitions.resources,
        instance=instance,
        run_config=run_config(DBT_ASSETS_NAME, *(prune_asset_name(t) for t in tables())),
        raise_on_error=False,
    )
    assert everything.success
    assert not failed_checks(everything)
    evaluated = {(e.asset_key, e.check_name) for e in everything.get_asset_check_evaluations()}
    assert {(k.asset_key, k.name) for k in ge_checks} == evaluated
    done = materializations(everything)
    assert all(done[landing_asset_key(s)]["files_skipped"] == 1 for s in STREAMS)  # landing is idempotent
    for table, gone in PAST_POLICY.items():
        assert done[dg.AssetKey(prune_asset_name(f"raw.{table}"))]["rows_deleted"] == len(gone)
    for table, nulled in IP_TO_NULL.items():
        assert done[dg.AssetKey(prune_asset_name(f"raw.{table}"))]["rows_nulled"] == len(nulled)

    con = duckdb.connect(str(ewh_env.warehouse), read_only=True)
    try:
        for table, gone in PAST_POLICY.items():
            key = STREAMS_BY_TABLE[table].key[0]
            left = {k for (k,) in con.execute(f'select "{key}" from raw.{table}').fetchall()}
            assert not left & gone
        # The build after pruning brought none of the pruned rows back, in any model.
        relations = model_relations(con)
        assert relations
        for relation in relations:
            assert not mentions(con, relation, PRUNED_IDS), relation
    finally:
        con.close()
