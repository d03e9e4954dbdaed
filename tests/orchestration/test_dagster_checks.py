"""great-expectations suites as asset checks: a broken mart fails, bad raw data blocks downstream."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest
from rawdata import records, write_jsonl

from ingestion.config import vocabulary
from ingestion.streams import STREAMS_BY_TABLE
from ingestion.warehouse import warehouse
from orchestration.assets.landing import build_landing_asset, landing_asset_key
from orchestration.checks.expectations import between, in_set
from orchestration.checks.marts import MART_SUITES, build_mart_checks, marts_in_manifest
from orchestration.checks.raw import build_raw_check
from orchestration.resources import RawRootResource, WarehouseResource

pytestmark = pytest.mark.dagster

AGENT_PERFORMANCE = dg.AssetKey(["marts", "agent_performance"])


def manifest_with(*names: str) -> dict:
    return {
        "nodes": {
            f"model.engagement_warehouse.{name}": {
                "resource_type": "model",
                "name": name,
                "schema": "marts",
                "alias": name,
            }
            for name in names
        }
    }


def resources(tmp_path: Path) -> dict:
    return {
        "warehouse": WarehouseResource(path=str(tmp_path / "warehouse.duckdb")),
        "raw_root": RawRootResource(path=str(tmp_path / "raw")),
    }


def test_checks_only_for_marts_in_the_manifest() -> None:
    manifest = manifest_with("agent_performance", "some_other_model")
    manifest["nodes"]["test.engagement_warehouse.alerts"] = {"resource_type": "test", "name": "alerts"}
    assert set(marts_in_manifest(manifest)) == {"agent_performance"}
    checks = build_mart_checks(manifest, lambda node: dg.AssetKey(["marts", node["name"]]))
    assert len(checks) == 1
    assert {key.name for key in checks[0].check_keys} == {r.name for r in MART_SUITES["agent_performance"]}
    assert build_mart_checks({"nodes": {}}, lambda node: dg.AssetKey(node["name"])) == []


def test_score_of_140_fails_its_check(tmp_path: Path) -> None:
    @dg.asset(key=AGENT_PERFORMANCE)
    def broken_mart(warehouse: WarehouseResource) -> None:
        with warehouse.connect() as con:
            con.execute("create schema marts")
            con.execute(
                """create table marts.agent_performance as
                   select * from (values ('ag1', 'all_time', 140.0, 80.5, 'A', 0.125),
                                         ('ag2', 'all_time', 55.0, 60.0, 'C', 0.03),
                                         ('ag3', '2026-10', 71.0, 70.0, 'C', 45.36))
                   as t(agent_id, period, performance_score, quality_score, performance_grade, conversion_rate)"""
            )

    suites = {
        "agent_performance": (
            *MART_SUITES["agent_performance"],
            between("*_ratio", 0, 1, name="ratios_in_0_1", numeric_only=True),  # matches no column
            in_set("performance_grade", vocabulary("performance_grades"), name="performance_grade_in_set"),
            in_set("missing_band", ("a",), name="missing_band_in_set"),  # a named column that is missing
        )
    }
    checks = build_mart_checks(manifest_with("agent_performance"), lambda node: AGENT_PERFORMANCE, suites)
    result = dg.materialize([broken_mart, *checks], resources=resources(tmp_path), raise_on_error=False)
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}

    scores = evaluations["scores_in_0_100"]
    assert not scores.passed and scores.severity == dg.AssetCheckSeverity.ERROR
    assert "performance_score" in scores.description
    per_column = scores.metadata["results"].value
    assert per_column["performance_score"]["unexpected_count"] == 1
    assert per_column["performance_score"]["partial_unexpected_list"] == [140.0]
    assert per_column["quality_score"]["unexpected_count"] == 0
    assert evaluations["performance_grade_in_set"].passed
    rates = evaluations["rates_in_0_1"]  # a percentage where the mart keeps fractions
    assert not rates.passed
    assert rates.metadata["results"].value["conversion_rate"]["partial_unexpected_list"] == [45.36]
    assert not evaluations["ratios_in_0_1"].passed
    assert evaluations["ratios_in_0_1"].severity == dg.AssetCheckSeverity.WARN
    assert not evaluations["missing_band_in_set"].passed
    assert "missing column `missing_band`" in evaluations["missing_band_in_set"].description


def test_bad_raw_file_fails_blocking_checks_and_stops_downstream(tmp_path: Path) -> None:
    stream = STREAMS_BY_TABLE["product__tracks"]
    rows = records()["product/tracks"]
    write_jsonl(
        tmp_path / "raw" / "product" / "tracks" / "d" / "bad.jsonl", [*rows[:2], "{not json", "{nope"]
    )
    with warehouse(tmp_path / "warehouse.duckdb"):
        pass

    @dg.asset(deps=[landing_asset_key(stream)])
    def downstream() -> None:
        pass

    result = dg.materialize(
        [build_landing_asset(stream), build_raw_check(stream), downstream],
        resources=resources(tmp_path),
        raise_on_error=False,
    )
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["quarantine_share_at_most_5pct"].passed
    assert evaluations["quarantine_share_at_most_5pct"].metadata["quarantine_share"].value == 0.5
    assert evaluations["quarantine_share_at_most_5pct"].metadata["top_quarantine_reasons"].value == {
        "invalid JSON": 2
    }
    assert evaluations["message_id_not_null"].passed
    assert evaluations["columns_present"].passed
    assert evaluations["timestamp_plausible"].passed and evaluations["received_at_plausible"].passed
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert landing_asset_key(stream) in materialized
    assert dg.AssetKey("downstream") not in materialized  # blocked by the failed blocking check
    assert not result.success


def test_one_malformed_line_in_a_small_batch_does_not_block(tmp_path: Path) -> None:
    """An hourly file of 5 lines with one bad line (20 %) is noise, not a broken producer."""
    stream = STREAMS_BY_TABLE["product__tracks"]
    rows = records()["product/tracks"]
    write_jsonl(tmp_path / "raw" / "product" / "tracks" / "d" / "h14.jsonl", [*rows, "[1, 2]"])
    with warehouse(tmp_path / "warehouse.duckdb"):
        pass

    @dg.asset(deps=[landing_asset_key(stream)])
    def downstream() -> None:
        pass

    result = dg.materialize(
        [build_landing_asset(stream), build_raw_check(stream), downstream],
        resources=resources(tmp_path),
        raise_on_error=False,
    )
    check = {e.check_name: e for e in result.get_asset_check_evaluations()}["quarantine_share_at_most_5pct"]
    assert check.passed
    assert check.metadata["quarantine_share"].value == 0.2  # still reported as it is
    assert check.metadata["top_quarantine_reasons"].value == {"not a JSON object (array)": 1}
    assert dg.AssetKey("downstream") in {e.asset_key for e in result.get_asset_materialization_events()}
    assert result.success


def test_raw_suite_catches_null_keys_and_implausible_timestamps(tmp_path: Path) -> None:
    """Rows written around landing (not through it) still get caught."""
    stream = STREAMS_BY_TABLE["product__tracks"]
    with warehouse(tmp_path / "warehouse.duckdb") as con:
        _write_rows_around_landing(con)
    result = dg.materialize(
        [build_raw_check(stream)],
        resources=resources(tmp_path),
        raise_on_error=False,
        selection=dg.AssetSelection.checks_for_assets(landing_asset_key(stream)),
    )
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["message_id_not_null"].passed
    assert not evaluations["received_at_plausible"].passed  # one of three in 1970: below 95 %
    assert (
        evaluations["received_at_plausible"]
        .metadata["results"]
        .value["received_at_days_after_landing"]["unexpected_count"]
        == 1
    )
    assert evaluations["timestamp_plausible"].passed  # never sent: nothing to judge
    assert evaluations["quarantine_share_at_most_5pct"].passed


def _write_rows_around_landing(con) -> None:
    manifest_row = {
        "file_hash": "h1",
        "file_path": "product/tracks/x.jsonl",
        "table_name": "product__tracks",
        "file_format": ".jsonl",
        "file_bytes": 10,
        "rows_landed": 3,
        "rows_quarantined": 0,
        "landed_at": datetime(2026, 11, 20, 10),
        "batch_id": "b1",
    }
    columns = [
        c
        for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = '_manifest'"
        ).fetchall()
    ]
    con.execute(
        f"insert into raw._manifest ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
        [manifest_row.get(c, 0) for c in columns],  # counters added later default to 0
    )
    loaded = "timestamp '2026-11-20 10:00:00'"
    con.execute(
        f"""insert into raw.product__tracks (message_id, received_at, _file_hash, _loaded_at) values
           ('m1', timestamp '2026-11-20 09:00:00', 'h1', {loaded}),
           (null, timestamp '2026-11-20 09:30:00', 'h1', {loaded}),
           ('m3', timestamp '1970-01-01 00:00:00', 'h1', {loaded})"""
    )
