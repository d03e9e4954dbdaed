"""Benchmark (``make bench``): ~10 M events through landing, dbt and a hand-written query.

Steps, each timed (wall clock; measured, never asserted):
1. generate ~10 M events as Parquet with the sample-data generator into a scratch folder
   (skipped when the folder already holds a run of the same config, see ``--reuse``);
2. land them into a new warehouse with the same code as ``ewh ingest``;
3. ``dbt build --select +fct_sessions`` (data tests left out) on the empty warehouse (a full build of fct_sessions and
   everything upstream: staging views, int_events_unioned, dims, fct_events, the user-agent
   Python model, fct_sessions), with dbt's per-model times;
4. the same command again: an incremental run with no new data (it re-reads the staging views
   and re-processes the event-time look-back window);
5. a hand-written plain DuckDB query over marts.fct_events that sessionizes the same events
   (30-minute rule, integer hash partition key, epoch microseconds, one window pass) and
   aggregates per session, for comparison with fct_events + fct_sessions.

Results go to ``bench/results.md`` and ``bench/results.json`` with the machine's facts.
Usage: ``python bench/run.py [--events N] [--dir SCRATCH] [--reuse [--reuse-landed]]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from ingestion.dbt_runner import run_dbt  # noqa: E402
from ingestion.generate import GenerateConfig, generate  # noqa: E402
from ingestion.landing import ingest  # noqa: E402
from ingestion.warehouse import connect  # noqa: E402

END = datetime(2024, 6, 30, tzinfo=UTC)
AS_OF = "2024-06-30 00:00:00"
# models and the seed, not the data tests (their cost is not what is measured here)
SELECT = [
    "--select",
    "+fct_sessions",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
]

HAND_WRITTEN_SESSIONIZATION = """
create or replace table bench_sessions as
with events as (
    select
        source,
        actor_id,
        event_id,
        event_name,
        page_path,
        hash(source, actor_id) as actor_key,
        epoch_us(occurred_at) as t
    from marts.fct_events
),
flagged as (
    select
        *,
        coalesce(t - lag(t) over (partition by actor_key order by t) >= 1800000000, true) as is_start
    from events
),
assigned as (
    select
        *,
        max(case when is_start then t end) over (
            partition by actor_key order by t rows between unbounded preceding and current row
        ) as started_us
    from flagged
)
select
    actor_key,
    started_us,
    any_value(source) as source,
    any_value(actor_id) as actor_id,
    max(t) as ended_us,
    (max(t) - started_us) // 1000000 as duration_seconds,
    count(*) as events_count,
    count(*) filter (where event_name in ('page_viewed', 'navigation', 'page_view', 'widget_loaded')) as page_views,
    arg_min(page_path, t) filter (where page_path is not null) as landing_page,
    arg_max(page_path, t) filter (where page_path is not null) as exit_page
from assigned
group by actor_key, started_us
"""


def machine_facts() -> dict:
    facts: dict = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "duckdb": duckdb.__version__,
        "duckdb_threads": os.environ.get("EWH_DUCKDB_THREADS", "2"),
        "duckdb_memory_limit": os.environ.get("EWH_DUCKDB_MEMORY_LIMIT", "8GB"),
    }
    try:
        from importlib.metadata import version

        facts["dbt_core"] = version("dbt-core")
        facts["dbt_duckdb"] = version("dbt-duckdb")
    except Exception:  # noqa: BLE001 - facts are best effort
        pass
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                facts["cpu_model"] = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                facts["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    if hasattr(os, "getloadavg"):
        facts["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return facts


def timed(label: str, results: dict, fn):
    print(f"[bench] {label} ...", flush=True)
    start = time.perf_counter()
    value = fn()
    seconds = round(time.perf_counter() - start, 2)
    results["steps"][label] = {"seconds": seconds}
    print(f"[bench] {label}: {seconds} s", flush=True)
    return value


def model_times(run_results: dict | None) -> dict[str, float]:
    out = {}
    for r in (run_results or {}).get("results", []):
        if r["unique_id"].startswith("model."):
            out[r["unique_id"].split(".")[-1]] = round(r["execution_time"], 2)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="target events (default 10 M)")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("EWH_BENCH_DIR", "/tmp/ewh-bench")),
        help="scratch folder (raw dumps, warehouse, dbt target); default $EWH_BENCH_DIR or /tmp/ewh-bench",
    )
    parser.add_argument("--reuse", action="store_true", help="reuse generated dumps of the same config")
    parser.add_argument(
        "--reuse-landed",
        action="store_true",
        help="with --reuse: keep the landed raw tables of the previous run, drop only what dbt built",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args()

    scratch: Path = args.dir
    raw = scratch / "raw"
    config = GenerateConfig(
        out_dir=raw, days=args.days, end=END, seed=42, fmt="parquet", target_events=args.events
    )
    config_key = json.dumps({"events": args.events, "days": args.days, "end": END.isoformat(), "seed": 42})
    marker = scratch / "generated.json"

    results: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "config": {"target_events": args.events, "days": args.days, "format": "parquet", "as_of": AS_OF},
        "steps": {},
    }

    regenerated = False
    if args.reuse and marker.exists() and json.loads(marker.read_text()).get("key") == config_key:
        report = json.loads(marker.read_text())["report"]
        results["steps"]["generate"] = {"seconds": None, "note": "reused dumps of an earlier run"}
    else:
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        generated = timed("generate", results, lambda: generate(config))
        regenerated = True
        report = {
            k: v
            for k, v in asdict(generated).items()
            if k in ("events", "widget_events", "rows_per_stream", "bytes_written")
        }
        marker.write_text(json.dumps({"key": config_key, "report": report}))
    results["generated"] = report

    warehouse_dir = scratch / "warehouse"
    warehouse = warehouse_dir / "warehouse.duckdb"
    if args.reuse and args.reuse_landed and warehouse.exists() and not regenerated:
        con = duckdb.connect(str(warehouse))
        try:
            for schema in ("staging", "intermediate", "marts", "seeds"):
                con.execute(f"drop schema if exists {schema} cascade")
        finally:
            con.close()
        results["steps"]["land (ewh ingest)"] = {
            "seconds": None,
            "note": "reused the landed raw tables of an earlier run",
        }
    else:
        shutil.rmtree(warehouse_dir, ignore_errors=True)
        warehouse_dir.mkdir(parents=True)
        connect(warehouse).close()

        def land():
            con = connect(warehouse)
            try:
                return ingest(raw, con)
            finally:
                con.close()

        landed = timed("land (ewh ingest)", results, land)
        results["steps"]["land (ewh ingest)"]["rows_landed"] = landed.rows_landed
        results["steps"]["land (ewh ingest)"]["rows_quarantined"] = landed.rows_quarantined

    target = scratch / "target"
    full = timed(
        "dbt build +fct_sessions (full)",
        results,
        lambda: run_dbt(["build", *SELECT], warehouse=warehouse, as_of=AS_OF, target_path=target),
    )
    results["steps"]["dbt build +fct_sessions (full)"]["model_seconds"] = model_times(full.run_results)

    incremental = timed(
        "dbt build +fct_sessions (incremental, no new data)",
        results,
        lambda: run_dbt(["build", *SELECT], warehouse=warehouse, as_of=AS_OF, target_path=target),
    )
    results["steps"]["dbt build +fct_sessions (incremental, no new data)"]["model_seconds"] = model_times(
        incremental.run_results
    )

    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"set threads = {int(results['machine']['duckdb_threads'])}")
        con.execute(f"set memory_limit = '{results['machine']['duckdb_memory_limit']}'")
        con.execute("set preserve_insertion_order = false")
        timed(
            "hand-written DuckDB sessionization over fct_events",
            results,
            lambda: con.execute(HAND_WRITTEN_SESSIONIZATION),
        )
        counts = {
            "fct_events": con.execute("select count(*) from marts.fct_events").fetchone()[0],
            "fct_sessions": con.execute("select count(*) from marts.fct_sessions").fetchone()[0],
            "hand_written_sessions": con.execute("select count(*) from bench_sessions").fetchone()[0],
            "int_user_agents_parsed": con.execute(
                "select count(*) from intermediate.int_user_agents_parsed"
            ).fetchone()[0],
        }
        counts["events_by_source"] = dict(
            con.execute("select source, count(*) from marts.fct_events group by 1 order by 1").fetchall()
        )
        con.execute("drop table bench_sessions")
    finally:
        con.close()
    results["counts"] = counts
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (args.out / "results.md").write_text(render_markdown(results))
    print((args.out / "results.md").read_text())


def render_markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark: sessions on ~10 M events",
        "",
        f"Run {results['started_at']} – {results['finished_at']} by `make bench` (`bench/run.py`). "
        "Wall-clock times, measured once, not asserted; the machine is shared, so expect noise.",
        "",
        "## Machine",
        "",
        f"- CPU: {m.get('cpu_model', '?')}, {m.get('cpu_count')} cores visible; memory {m.get('memory_gb', '?')} GB; "
        f"load average at start {m.get('load_average_at_start', '?')}",
        f"- {m['platform']}, Python {m['python']}, DuckDB {m['duckdb']}, dbt-core {m.get('dbt_core', '?')}, "
        f"dbt-duckdb {m.get('dbt_duckdb', '?')}",
        f"- DuckDB threads {m['duckdb_threads']}, memory limit {m['duckdb_memory_limit']}",
        "",
        "## Data",
        "",
        f"- generated: {results['generated'].get('events', '?'):,} events "
        f"({results['generated'].get('widget_events', '?'):,} widget events), Parquet, "
        f"{results['config']['days']} days ending {results['config']['as_of']}",
        f"- fct_events rows: {results['counts']['fct_events']:,} ({results['counts']['events_by_source']}); "
        f"fct_sessions rows: {results['counts']['fct_sessions']:,}; "
        f"hand-written query sessions: {results['counts']['hand_written_sessions']:,}; "
        f"distinct user agents parsed: {results['counts']['int_user_agents_parsed']:,}",
        "",
        "## Times",
        "",
        "| step | seconds |",
        "|---|---:|",
    ]
    for label, step in results["steps"].items():
        lines.append(
            f"| {label} | {step['seconds'] if step['seconds'] is not None else step.get('note', '')} |"
        )
    for label, step in results["steps"].items():
        if "model_seconds" in step:
            lines += ["", f"### {label}: dbt model times (s)", "", "| model | seconds |", "|---|---:|"]
            lines += [f"| {name} | {seconds} |" for name, seconds in step["model_seconds"].items()]
    lines += [
        "",
        "The hand-written query reads the already-built `marts.fct_events` (typed, deduped) and does",
        "the 30-minute sessionization plus per-session aggregates in one window pass: compare it with",
        "the `fct_events` + `fct_sessions` model times, not with the whole dbt run (which also parses",
        "and dedupes the raw JSON in staging, builds the dims and parses user agents).",
        "",
        "`int_events_unioned` reads the staging views, which unnest and deduplicate every raw row",
        "(window over all landed copies) on each run, incremental or not: that pass bounds the",
        "incremental run. Incremental staging (deduplicating only newly landed rows against the",
        "keys already seen) would remove it.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
