"""bench/run.py's report: every target row states figure, floor, ratio and met (no speed asserted)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _step(seconds: float, **extra) -> dict:
    return {
        "seconds": seconds,
        "peak_rss_self_mb": 100,
        "peak_rss_subprocess_mb": 2048,
        "peak_scratch_gb": 1.5,
        "load_average_before": [1.0, 1.0, 1.0],
        **extra,
    }


def _results(bench, events: int) -> dict:
    dbt = {"command": "dbt build", "counts": {}, "dbt_elapsed": 1.0}
    results = {
        "started_at": "s",
        "finished_at": "f",
        "machine": {
            "platform": "p",
            "python": "3.11",
            "cpu_count": 2,
            "duckdb": "x",
            "duckdb_threads": "2",
            "duckdb_memory_limit": "8GB",
            "load_average_at_start": [1, 1, 1],
            "load_average_at_end": [2, 2, 2],
        },
        "config": {
            "target_events": events,
            "days": 60,
            "end": "e",
            "late_rate": 0.02,
            "duplicate_rate": 0.005,
            "increment": "i",
        },
        "generated": {"events": events, "widget_events": 1},
        "counts": {"fct_events": 1, "pandas_sessions": 3},
        "sizes": {
            "parquet_dumps_bytes": 10,
            "warehouse_after_landing_bytes": 20,
            "warehouse_final_bytes": 40,
        },
        "steps": {
            "land Parquet (ingest)": _step(30.0),
            "floor: create table as select * from read_parquet": _step(10.0),
            bench.FULL: _step(100.0, model_seconds={"fct_events": 8.0, "fct_sessions": 2.0}, **dbt),
            "floor: hand-written DuckDB sessionization": _step(4.0),
            "pandas sessionization (floor)": _step(40.0),
            "land the next hour (ingest)": _step(1.0),
            bench.HOURLY: _step(12.0, model_seconds={}, **dbt),
            bench.NOOP: _step(9.0, model_seconds={}, **dbt),
        },
    }
    results["summary"] = bench.summarize(results)
    return results


def test_summary_states_figure_floor_ratio_and_verdict():
    bench = _bench()
    rows = {r["name"]: r for r in _results(bench, 10_000_000)["summary"]}
    assert rows["no-op run vs full refresh"]["ratio"] == 0.09
    assert rows["no-op run vs full refresh"]["met"] is True
    assert rows["hourly increment (dbt) vs full refresh"]["met"] is True
    assert rows["land Parquet (ingest)"]["ratio"] == 3.0
    assert rows["land Parquet (ingest)"]["met"] is False
    assert rows["warehouse file (final: landed + built + increment)"]["ratio"] == 4.0
    assert rows["fct_sessions (full refresh model time)"]["ratio"] == 0.5
    assert rows["sessionization speed-up over pandas: fct_events + fct_sessions"]["ratio"] == 4.0
    # the 100 M targets are not judged on a 10 M run
    assert rows["hourly increment (dbt), absolute"]["met"] is None
    assert rows["land + full build"]["met"] is None


def test_markdown_has_a_verdict_per_target():
    bench = _bench()
    results = _results(bench, 100_000_000)
    text = bench.render_markdown(results)
    assert (
        "| land Parquet (ingest) | 30.00 s | 10.00 s (create table as select * from read_parquet) | 3.00 |"
        in text
    )
    assert text.count("**no**") == sum(r["met"] is False for r in results["summary"])
    assert text.count("**yes**") == sum(r["met"] is True for r in results["summary"])
    assert "load average" in text


def test_a_stopped_run_reports_what_was_measured_and_leaves_the_stopped_step_out(tmp_path: Path):
    bench = _bench()
    results = _results(bench, 100_000_000)
    for label in (bench.HOURLY, bench.NOOP, "land the next hour (ingest)"):
        del results["steps"][label]
    del results["finished_at"]
    results["steps"][bench.FULL] = _step(1500.0, failed="KeyboardInterrupt: stopped by signal 15")
    results["failed"] = {"error": "KeyboardInterrupt: stopped by signal 15", "at": "t"}
    bench.write_report(results, tmp_path / "r.md")
    text = (tmp_path / "r.md").read_text()
    assert (
        'The run did not finish.** Step "dbt build --full-refresh (whole graph)" stopped after 1,500 s'
        in text
    )
    assert "| dbt build --full-refresh (whole graph) (**stopped**) | 1,500.00 |" in text
    rows = {r["name"]: r for r in results["summary"]}
    # a stopped step's time is a lower bound: no ratio is taken against it
    assert rows["no-op run vs full refresh"]["ratio"] is None
    assert "land + full build" not in rows
    assert rows["land Parquet (ingest)"]["ratio"] == 3.0
    # and the file renders again from its JSON
    again = tmp_path / "again.md"
    bench.write_report(json.loads((tmp_path / "r.json").read_text()), again)
    assert again.read_text() == text
