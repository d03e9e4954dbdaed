"""The landing sensor: a new file triggers a run of its stream's landing asset; a landed one does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
from rawdata import records, write_jsonl

from ingestion.landing import ingest
from ingestion.warehouse import warehouse
from orchestration.assets.landing import LANDING_GROUP
from orchestration.resources import RawRootResource, WarehouseResource
from orchestration.sensors import build_raw_files_sensor

SENSOR = build_raw_files_sensor(
    dg.define_asset_job("landing_job", selection=dg.AssetSelection.groups(LANDING_GROUP))
)


def evaluate(tmp_path: Path, cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:
    with dg.build_sensor_context(
        cursor=cursor,
        resources={
            "raw_root": RawRootResource(path=str(tmp_path / "raw")),
            "warehouse": WarehouseResource(path=str(tmp_path / "warehouse.duckdb")),
        },
    ) as context:
        return SENSOR(context)


def write(tmp_path: Path, stream: str, name: str = "part-0.jsonl") -> Path:
    return write_jsonl(tmp_path / "raw" / stream / "2026-11-20" / name, records()[stream])


def test_new_file_fires_once_it_stopped_changing_landed_file_does_not(tmp_path: Path) -> None:
    write(tmp_path, "product/tracks")
    with warehouse(tmp_path / "warehouse.duckdb") as con:
        ingest(tmp_path / "raw", con)  # landed by hand before the sensor ever ran
    write(tmp_path, "widget/sessions")

    seen = evaluate(tmp_path)  # first sight: it may still be growing
    assert isinstance(seen, dg.SensorResult) and not seen.run_requests
    assert "still changing" in seen.skip_reason.skip_message
    first = evaluate(tmp_path, seen.cursor)  # unchanged for a tick: land it
    assert len(first.run_requests) == 1
    assert first.run_requests[0].asset_selection == [dg.AssetKey(["widget", "sessions"])]
    assert set(json.loads(first.cursor)["files"]) == {
        "product/tracks/2026-11-20/part-0.jsonl",
        "widget/sessions/2026-11-20/part-0.jsonl",
    }

    again = evaluate(tmp_path, first.cursor)  # nothing new since: the cursor remembers the file
    assert not again.run_requests
    assert "no new files" in again.skip_reason.skip_message

    grown = write(tmp_path, "widget/sessions", "part-1.jsonl")
    (tmp_path / "raw" / "unknown" / "stream").mkdir(parents=True)
    (tmp_path / "raw" / "unknown" / "stream" / "x.jsonl").write_text("{}\n")
    third = evaluate(tmp_path, again.cursor)
    assert not third.run_requests
    with grown.open("a") as fh:  # the producer is still writing it
        fh.write(json.dumps(records()["widget/sessions"][0]) + "\n")
    os.utime(grown, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    fourth = evaluate(tmp_path, third.cursor)
    assert not fourth.run_requests
    fifth = evaluate(tmp_path, fourth.cursor)
    assert [r.asset_selection for r in fifth.run_requests] == [[dg.AssetKey(["widget", "sessions"])]]
    assert fifth.run_requests[0].run_key != first.run_requests[0].run_key


def test_empty_raw_root_and_no_warehouse(tmp_path: Path) -> None:
    result = evaluate(tmp_path)
    assert not result.run_requests
    assert "no new files" in result.skip_reason.skip_message


def test_busy_warehouse_skips_the_tick(tmp_path: Path) -> None:
    with warehouse(tmp_path / "warehouse.duckdb"):
        pass
    write(tmp_path, "product/tracks")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(60)",
            str(tmp_path / "warehouse.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = evaluate(tmp_path)
        assert isinstance(result, dg.SkipReason)
        assert "cannot read the warehouse" in result.skip_message
    finally:
        holder.kill()
        holder.wait()
    later = evaluate(tmp_path)
    assert evaluate(tmp_path, later.cursor).run_requests  # the ticks after see the file


def test_ops_wait_for_a_reader_to_let_go(tmp_path: Path) -> None:
    """A landing/prune/check op waits while another process briefly holds the file (e.g. the sensor)."""
    with warehouse(tmp_path / "warehouse.duckdb"):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); print('locked', flush=True);"
            " time.sleep(1.5); c.close()",
            str(tmp_path / "warehouse.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with WarehouseResource(path=str(tmp_path / "warehouse.duckdb")).connect() as con:
            assert con.execute("select 1").fetchone() == (1,)
        assert time.monotonic() - started > 0.5  # it waited for the reader
    finally:
        holder.kill()
        holder.wait()
