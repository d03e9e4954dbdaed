"""``make soak``: the warehouse run as its schedules run it, hour by hour, for weeks of simulated time.

Generated dumps are delivered hour by hour into a raw folder (with late files, a file delivered
twice and an old file delivered again with new bytes), and the jobs the schedules and the sensor
launch run in Dagster as of each simulated hour:

- every hour: the landing job (what the sensor launches), or at a build hour (every
  ``--build-every`` hours) the hourly build job (landing, incremental build, serving);
- every day at 02:00: the daily job (retention pruning first, then health and alerts);
- every Monday at 00:00: the weekly scores job.

A separate reader process opens the serving database every second the whole time, as a BI tool
would. After every step the soak checks that the run succeeded (so every dbt test passed), that
no reader query failed, that no key is duplicated and that nothing past retention is left
anywhere. At the end the incremental tables must equal a ``--full-refresh`` over the same
retained data, row for row; the tables deliberately kept beyond raw retention (the widget daily
tables, widget sessions older than their raw events) are listed and checked separately.

Retention periods are shortened (``EWH_DBT_VARS``) so that weeks of simulated time cross them.
Figures go to ``docs/soak.md`` (``--out``). ``tests/orchestration/test_soak.py`` runs a 3-day variant.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

SOAK_RETENTION = {
    "retention_widget_raw_events_days": 7,
    "retention_sessions_days": 14,
    "retention_ip_address_days": 3,
    "retention_behavior_default_days": 21,
    "retention_quarantine_days": 10,
}
# The field that says when a record arrived, by raw table (deliveries are cut by it).
ARRIVAL_FIELDS = {
    "product__tracks": "received_at",
    "product__users": "timestamp",
    "product__accounts": "timestamp",
    "behavior__events": "timestamp",
    "widget__events": "received_at",
    "widget__sessions": "created_at",
    "widget__identifies": "identified_at",
    "client_success__events": "created_at",
    "client_success__tasks": "updated_at",
    "conversations__conversations": "startTime",
}
# Keys that must stay unique in the tables that keep rows across builds.
UNIQUE_KEYS = {
    "intermediate.int_events_unioned": ("event_key",),
    "marts.fct_events": ("event_key",),
    "marts.fct_sessions": ("session_id",),
    "marts.widget_daily_stats": ("chatbot_id", "stat_date"),
}
# Runs log to Dagster's event log (what the UI shows); the console only gets errors.
QUIET = {"console": {"config": {"log_level": "ERROR"}}}
# Incremental tables compared with a full refresh at the end, with the columns that record when
# a run happened (not what the data says).
COMPARED = {
    "intermediate.int_events_unioned": ("loaded_at",),
    "intermediate.int_user_agents_parsed": ("parsed_at",),
    "marts.fct_events": ("loaded_at", "processed_at"),
    "marts.fct_sessions": ("processed_at",),
}
# Kept beyond raw retention on purpose: a full refresh cannot rebuild them (their raw rows are
# pruned), so they are checked to be still there, with their final days unchanged, instead.
KEPT_BEYOND_RAW = (
    "marts.widget_daily_stats",
    "marts.widget_top_events",
    "marts.widget_traffic_sources",
    "marts.widget_devices",
)


@dataclass
class SoakConfig:
    workdir: Path
    days: int = 30
    build_every: int = 6
    history_days: int = 10
    start: datetime = datetime(2026, 6, 1)  # a Monday, 00:00 UTC
    seed: int = 7
    accounts: int = 3
    users_per_account: int = 4
    agents_per_account: int = 1
    retention: dict = field(default_factory=lambda: dict(SOAK_RETENTION))
    reader: bool = True
    late_share: float = 0.03
    say: bool = True
    # False: Dagster's in-memory instance instead of the SQLite one in <workdir>/dagster_home
    # (what `make ui` can open afterwards). Each event costs ~15 ms on SQLite and ~5 ms in memory;
    # the runs are the same either way (execute_in_process does not use the run queue).
    persistent_instance: bool = True


@dataclass
class Step:
    at: datetime
    job: str
    seconds: float
    ok: bool
    note: str = ""


@dataclass
class SoakResult:
    config: SoakConfig
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reader_queries: int = 0
    reader_failures: int = 0
    reader_failure_samples: list[str] = field(default_factory=list)
    files_delivered: int = 0
    comparison: dict[str, str] = field(default_factory=dict)
    kept_beyond_raw: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and self.reader_failures == 0 and all(s.ok for s in self.steps)


# ------------------------------------------------------------------ deliveries


def _parse_time(text: str | None) -> datetime | None:
    if not text or not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


@dataclass
class Delivery:
    at: datetime  # when it appears under the raw root
    rel: str  # path under the raw root
    content: bytes


def plan_deliveries(generated: Path, cfg: SoakConfig) -> list[Delivery]:
    """Cut the generated day files into hourly files by arrival time, and plan when each appears."""
    from ingestion.streams import STREAMS

    rng = random.Random(cfg.seed)
    by_hour: dict[tuple[str, datetime], list[bytes]] = defaultdict(list)
    reference: list[tuple[str, bytes]] = []
    for stream in STREAMS:
        folder = generated / stream.source / stream.name
        for path in sorted(folder.rglob("*.jsonl")):
            if stream.table not in ARRIVAL_FIELDS:
                reference.append(
                    (f"{stream.source}/{stream.name}/{path.parent.name}/{path.name}", path.read_bytes())
                )
                continue
            hour = None
            for line in path.read_bytes().splitlines(keepends=True):
                try:
                    record = json.loads(line)
                    arrived = (
                        _parse_time(record.get(ARRIVAL_FIELDS[stream.table]))
                        if isinstance(record, dict)
                        else None
                    )
                except ValueError:
                    arrived = None
                if arrived is not None:
                    hour = arrived.replace(minute=0, second=0, microsecond=0)
                if hour is None:  # a bad line before any good one: it rides with the file's first hour
                    hour = datetime.strptime(path.parent.name.removeprefix("dt="), "%Y-%m-%d")
                by_hour[(stream.table, hour)].append(line)
    deliveries: list[Delivery] = [Delivery(cfg.start, rel, content) for rel, content in reference]
    for (table, hour), lines in sorted(by_hour.items()):
        source, name = table.split("__", 1)
        if hour < cfg.start:  # the history before the soak starts: one file per day, at the start
            continue
        at = hour + timedelta(hours=1)
        if rng.random() < cfg.late_share:
            at += timedelta(hours=rng.randint(2, 8))  # a late file
        rel = f"{source}/{name}/dt={hour:%Y-%m-%d}/h{hour:%H}.jsonl"
        deliveries.append(Delivery(at, rel, b"".join(lines)))
    history: dict[tuple[str, str], list[bytes]] = defaultdict(list)
    for (table, hour), lines in sorted(by_hour.items()):
        if hour < cfg.start:
            history[(table, f"{hour:%Y-%m-%d}")] += lines
    for (table, day), lines in sorted(history.items()):
        source, name = table.split("__", 1)
        deliveries.append(Delivery(cfg.start, f"{source}/{name}/dt={day}/history.jsonl", b"".join(lines)))
    # one file delivered twice (same bytes, another name: skipped by its hash), every day
    hourly = [d for d in deliveries if "/h" in d.rel]
    for day in range(cfg.days):
        candidates = [d for d in hourly if d.at.date() == (cfg.start + timedelta(days=day)).date()]
        if candidates:
            twin = rng.choice(candidates)
            deliveries.append(
                Delivery(
                    twin.at + timedelta(hours=1), twin.rel.replace(".jsonl", "-again.jsonl"), twin.content
                )
            )
    # an old file delivered again with new bytes (re-serialized): what is past retention by
    # then must not come back, the rest lands as duplicates
    old_day = f"{cfg.start - timedelta(days=cfg.history_days):%Y-%m-%d}"
    again_at = cfg.start + timedelta(days=max(1, cfg.days * 2 // 3), hours=5)
    for d in list(deliveries):
        if d.rel.endswith(f"dt={old_day}/history.jsonl") and d.rel.startswith(
            ("widget/", "product/tracks", "behavior/")
        ):
            records = [json.loads(line) for line in d.content.splitlines() if _is_json(line)]
            content = b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in records)
            deliveries.append(
                Delivery(again_at, d.rel.replace("history.jsonl", "redelivered.jsonl"), content)
            )
    return sorted(deliveries, key=lambda d: (d.at, d.rel))


def _is_json(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


# ------------------------------------------------------------------ the reader


def _reader(serving: str, stop, counters, samples) -> None:  # runs in its own process
    import duckdb

    while not stop.is_set():
        if os.path.exists(serving):
            try:
                con = duckdb.connect(serving, read_only=True)
                try:
                    con.execute("select count(*) from marts.fct_events").fetchone()
                    con.execute(
                        "select a.account_id, count(*) from marts.fct_sessions s "
                        "join marts.dim_accounts a using (account_id) group by 1"
                    ).fetchall()
                    con.execute("select * from meta.build").fetchone()
                finally:
                    con.close()
                with counters.get_lock():
                    counters[0] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is what the soak counts
                with counters.get_lock():
                    counters[1] += 1
                if len(samples) < 5:
                    samples.append(str(exc).splitlines()[0][:200])
        stop.wait(1.0)


@contextlib.contextmanager
def reader_process(serving: Path, enabled: bool) -> Iterator[tuple]:
    ctx = mp.get_context("spawn")
    counters = ctx.Array("q", [0, 0])
    manager = ctx.Manager() if enabled else None
    samples = manager.list() if manager else []
    stop = ctx.Event()
    process = (
        ctx.Process(target=_reader, args=(str(serving), stop, counters, samples), daemon=True)
        if enabled
        else None
    )
    if process:
        process.start()
    result: dict = {}
    try:
        yield counters, result
    finally:
        stop.set()
        if process:
            process.join(timeout=30)
        result["samples"] = list(samples)
        if manager:
            manager.shutdown()


# ------------------------------------------------------------------ checks


def _retention_problems(con, build_as_of: datetime | None, prune_as_of: datetime | None) -> list[str]:
    """What is past retention but still stored (raw against the last prune, models against the last build)."""
    from ingestion.retention import period_days

    problems = []

    def count(sql: str, params: list) -> int:
        return con.execute(sql, params).fetchone()[0]

    def has(schema: str, table: str) -> bool:
        return bool(
            count(
                "select count(*) from duckdb_tables() where database_name = current_database() "
                "and schema_name = ? and table_name = ?",
                [schema, table],
            )
        )

    if prune_as_of:
        checks = [
            ("raw.widget__events", "received_at < ?", period_days("widget_raw_events")),
            ("raw.widget__sessions", "created_at < ?", period_days("sessions")),
            ("raw.widget__sessions", "ip_address is not null and created_at < ?", period_days("ip_address")),
            ("raw.behavior__events", 'ip_address is not null and "timestamp" < ?', period_days("ip_address")),
            (
                "raw.product__tracks",
                "context->>'$.ip' is not null and received_at < ?",
                period_days("ip_address"),
            ),
            ("raw._quarantine", "quarantined_at < ?", period_days("quarantine")),
        ]
        for table, where, days in checks:
            n = count(f"select count(*) from {table} where {where}", [prune_as_of - timedelta(days=days)])
            if n:
                problems.append(
                    f"{n} rows of {table} past retention ({where.replace('?', str(days) + ' days')})"
                )
        n = count(
            'select count(*) from raw.behavior__events where "timestamp" < ? - coalesce(retention_days, ?) * interval 1 day',
            [prune_as_of, period_days("behavior_default")],
        )
        if n:
            problems.append(f"{n} behavior rows past their retention_days")
    if build_as_of and has("marts", "fct_sessions"):
        cutoff = build_as_of - timedelta(days=period_days("sessions"))
        n = count("select count(*) from marts.fct_sessions where started_at < ?", [cutoff])
        if n:
            problems.append(f"{n} sessions past retention in marts.fct_sessions")
        n = count(
            "select count(*) from marts.fct_events where session_id is not null and session_started_at < ?",
            [cutoff],
        )
        if n:
            problems.append(f"{n} events of marts.fct_events still point at pruned sessions")
        widget_cutoff = build_as_of - timedelta(days=period_days("widget_raw_events"))
        for table in ("marts.fct_events", "intermediate.int_events_unioned"):
            schema, name = table.split(".")
            if has(schema, name):
                n = count(
                    f"select count(*) from {table} where source = 'widget' and received_at < ?",
                    [widget_cutoff],
                )
                if n:
                    problems.append(f"{n} widget events past retention in {table}")
    return problems


def _duplicate_problems(con) -> list[str]:
    problems = []
    for table, key in UNIQUE_KEYS.items():
        schema, name = table.split(".")
        exists = con.execute(
            "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
        if not exists:
            continue
        cols = ", ".join(key)
        dupes = con.execute(
            f"select count(*) from (select {cols} from {table} group by {cols} having count(*) > 1)"
        ).fetchone()[0]
        if dupes:
            problems.append(f"{dupes} duplicated keys ({cols}) in {table}")
    return problems


# ------------------------------------------------------------------ the run


def _say(cfg: SoakConfig, message: str) -> None:
    if cfg.say:
        print(f"[soak] {message}", file=sys.stderr, flush=True)


def run_soak(cfg: SoakConfig) -> SoakResult:
    from ingestion.fingerprint import RUN_TIME_COLUMNS
    from ingestion.generate import GenerateConfig, generate

    began = time.perf_counter()
    work = Path(cfg.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    raw = work / "raw"
    raw.mkdir()
    env = {
        "EWH_WAREHOUSE": str(work / "warehouse.duckdb"),
        "EWH_SERVING": str(work / "serving.duckdb"),
        "EWH_RAW_DIR": str(raw),
        "EWH_DBT_VARS": json.dumps(cfg.retention),
        "EWH_SETTLE_SECONDS": "0",
        "EWH_LOCK_WAIT": "120",
        "DAGSTER_HOME": str(work / "dagster_home"),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    result = SoakResult(cfg)
    try:
        end = cfg.start + timedelta(days=cfg.days)
        _say(
            cfg,
            f"generating {cfg.history_days} days of history and {cfg.days} soak days ending {end:%Y-%m-%d}",
        )
        generate(
            GenerateConfig(
                out_dir=work / "generated",
                accounts=cfg.accounts,
                users_per_account=cfg.users_per_account,
                agents_per_account=cfg.agents_per_account,
                days=cfg.days + cfg.history_days,
                end=end,
                seed=cfg.seed,
                bad_line_rate=0.002,
                duplicate_rate=0.01,
                late_rate=0.02,
            )
        )
        deliveries = plan_deliveries(work / "generated", cfg)
        result.files_delivered = len(deliveries)
        _run_schedule(cfg, result, deliveries, raw, work)
        _compare_with_full_refresh(cfg, result, work, RUN_TIME_COLUMNS)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    result.seconds = time.perf_counter() - began
    return result


def _run_schedule(
    cfg: SoakConfig, result: SoakResult, deliveries: list[Delivery], raw: Path, work: Path
) -> None:
    import dagster as dg

    from ingestion import config
    from ingestion.warehouse import warehouse
    from orchestration.dbt.project import dbt_project, prepare
    from orchestration.definitions import build_definitions
    from orchestration.schedules import as_of_run_config

    project = dbt_project(work / "dbt_target")
    prepare(project)
    defs = build_definitions(project)
    jobs = {
        name: defs.resolve_job_def(name)
        for name in ("landing_job", "hourly_build_job", "daily_job", "weekly_scores_job")
    }
    schedules = {s.name: s for s in defs.schedules}
    home = work / "dagster_home"
    home.mkdir()
    shutil.copy(config.project_root() / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    instance = (
        dg.DagsterInstance.from_config(str(home))
        if cfg.persistent_instance
        else dg.DagsterInstance.ephemeral()
    )
    last_build: datetime | None = None
    last_prune: datetime | None = None
    pending = list(deliveries)
    end = cfg.start + timedelta(days=cfg.days)
    with reader_process(config.serving_path(), cfg.reader) as (counters, samples):
        tick = cfg.start
        while tick <= end:
            arrived: set[str] = set()
            while pending and pending[0].at <= tick:
                d = pending.pop(0)
                arrived.add("/".join(d.rel.split("/")[:2]))
                path = raw / d.rel
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name("." + path.name)  # written under a dot-name, then renamed in
                tmp.write_bytes(d.content)
                tmp.rename(path)
            hours = int((tick - cfg.start).total_seconds() // 3600)
            runs: list[tuple[str, dict, list | None]] = []
            if tick == end:
                pass  # the end's build (and landing) is the last step below, after a prune as of the end
            elif hours % cfg.build_every == 0:
                runs.append(("hourly_build_job", _schedule_config(schedules["hourly_build"], tick), None))
            elif arrived:
                # what the sensor launches: the landing assets of the streams that got files
                keys = [dg.AssetKey(stream.split("/")) for stream in sorted(arrived)]
                ops = [k.to_python_identifier() for k in keys]
                config_ = as_of_run_config(tick, ops)
                for op in ops:
                    config_["ops"][op]["config"]["settle_seconds"] = 0
                runs.append(("landing_job", config_, keys))
            if tick.hour == 2:
                runs.append(("daily_job", _schedule_config(schedules["daily_prune_and_alerts"], tick), None))
            if tick.weekday() == 0 and tick.hour == 0 and tick > cfg.start:
                runs.append(("weekly_scores_job", _schedule_config(schedules["weekly_scores"], tick), None))
            if tick == end:
                runs += _final_runs(schedules, end)
            for job_name, run_config, selection in runs:
                started = time.perf_counter()
                run_config["loggers"] = QUIET
                with contextlib.redirect_stdout(io.StringIO()):
                    run = jobs[job_name].execute_in_process(
                        run_config=run_config,
                        instance=instance,
                        raise_on_error=False,
                        asset_selection=selection,
                    )
                seconds = time.perf_counter() - started
                note = ""
                if not run.success:
                    failed = [e.step_key for e in run.all_events if e.is_step_failure]
                    note = f"failed steps: {', '.join(failed)}"
                    result.problems.append(f"{tick:%Y-%m-%d %H:%M} {job_name}: {note}")
                result.steps.append(Step(tick, job_name, seconds, run.success, note))
                if job_name != "landing_job" and selection is None:
                    last_build = tick
                if job_name == "daily_job":
                    last_prune = tick
                if job_name != "landing_job" or hours % 24 == 0:
                    _say(
                        cfg,
                        f"{tick:%Y-%m-%d %H:%M} {job_name:<18} {seconds:6.1f} s {'ok' if run.success else note}",
                    )
            with warehouse(config.warehouse_path(), read_only=True, wait=60) as con:
                for problem in _retention_problems(con, last_build, last_prune) + _duplicate_problems(con):
                    result.problems.append(f"{tick:%Y-%m-%d %H:%M}: {problem}")
                    _say(cfg, f"{tick:%Y-%m-%d %H:%M} PROBLEM: {problem}")  # seen at once, not hours later
            if result.problems and len(result.problems) > 20:
                break
            tick += timedelta(hours=1)
        time.sleep(1.5)  # the reader's last queries
        result.reader_queries, result.reader_failures = counters[0], counters[1]
    result.reader_failure_samples = samples.get("samples", [])


def _final_runs(schedules: dict, end: datetime) -> list[tuple[str, dict, list | None]]:
    """The last step, in place of the end tick's build: prune as of the end (the daily job's
    retention assets; its daily marts are built by the build that follows), then the build as of
    the end (landing what came last). This is the state the full refresh is compared with, and
    the checks of every step run on it too."""
    import dagster as dg

    from ingestion.retention import tables
    from orchestration.assets.retention import prune_asset_name
    from orchestration.schedules import as_of_run_config

    prune_ops = [prune_asset_name(t) for t in tables()]
    return [
        ("daily_job", as_of_run_config(end, prune_ops), [dg.AssetKey(op) for op in prune_ops]),
        ("hourly_build_job", _schedule_config(schedules["hourly_build"], end), None),
    ]


def _schedule_config(schedule, tick: datetime) -> dict:
    import dagster as dg

    with dg.build_schedule_context(scheduled_execution_time=tick.replace(tzinfo=UTC)) as context:
        data = schedule.evaluate_tick(context)
    request = data.run_requests[0]
    run_config = dict(request.run_config)
    for op, op_config in run_config["ops"].items():
        if op.count("__") == 1 and not op.startswith("prune_"):  # a landing op
            op_config["config"]["settle_seconds"] = 0
    return run_config


def _compare_with_full_refresh(
    cfg: SoakConfig, result: SoakResult, work: Path, run_time: tuple[str, ...]
) -> None:
    """Build a copy of the warehouse with --full-refresh as of the end; compare the incremental tables."""
    from ingestion.build import build
    from ingestion.fingerprint import fingerprint_table
    from ingestion.retention import period_days
    from ingestion.warehouse import warehouse

    end = cfg.start + timedelta(days=cfg.days)
    incremental = work / "warehouse.duckdb"
    full = work / "full_refresh.duckdb"
    shutil.copy(incremental, full)
    built = build(
        warehouse_path=full,
        serving_path=work / "full_refresh_serving.duckdb",
        as_of=end,
        full_refresh=True,
        unit_tests=False,
        wait=60,
        target_path=work / "full_refresh_target",
    )
    if not built.ok:
        result.problems.append("the --full-refresh build failed: " + "; ".join(built.dbt.failures()[:5]))
        return
    widget_days = period_days("widget_raw_events")
    widget_cutoff = end - timedelta(days=widget_days)
    with warehouse(incremental, read_only=True) as a, warehouse(full, read_only=True) as b:
        for table, leave_out in COMPARED.items():
            schema, name = table.split(".")
            where = None
            if table == "marts.fct_sessions":
                # widget sessions older than their raw events are kept beyond raw retention
                where = f"not (source = 'widget' and started_at < timestamp '{widget_cutoff}')"
            fa = _fingerprint(a, schema, name, leave_out, where)
            fb = _fingerprint(b, schema, name, leave_out, where)
            result.comparison[table] = "equal" if fa == fb else f"DIFFERENT ({fa} vs {fb})"
            if fa != fb:
                result.problems.append(f"{table}: incremental differs from a full refresh")
        kept = a.execute(
            "select count(*) from marts.fct_sessions where source = 'widget' and started_at < ?",
            [widget_cutoff],
        ).fetchone()[0]
        result.kept_beyond_raw["marts.fct_sessions (widget sessions older than their raw events)"] = kept
        for table in KEPT_BEYOND_RAW:
            n_inc = a.execute(f"select count(*) from {table}").fetchone()[0]
            n_full = b.execute(f"select count(*) from {table}").fetchone()[0]
            result.kept_beyond_raw[table] = n_inc
            if n_full < n_inc:
                result.problems.append(f"{table}: a full refresh lost rows kept beyond raw retention")
            # the days a full refresh may not recompute (before its horizon) must keep their values
            schema, name = table.split(".")
            final_days = f"stat_date < date '{_recompute_horizon(end, widget_days):%Y-%m-%d}'"
            if _fingerprint(a, schema, name, run_time, final_days) != _fingerprint(
                b, schema, name, run_time, final_days
            ):
                result.problems.append(f"{table}: a full refresh changed days it must leave as they were")
        for table in (
            "marts.fct_events",
            "marts.fct_sessions",
            "marts.widget_daily_stats",
            "raw.widget__events",
        ):
            result.rows[table] = a.execute(f"select count(*) from {table}").fetchone()[0]
    del fingerprint_table


def _recompute_horizon(as_of: datetime, retention_days: int) -> datetime:
    """The first whole day at or after as_of - retention_days (macro widget_stats_recompute_horizon)."""
    cutoff = as_of - timedelta(days=retention_days)
    day = datetime(cutoff.year, cutoff.month, cutoff.day)
    return day if day == cutoff else day + timedelta(days=1)


def _fingerprint(con, schema: str, table: str, leave_out: tuple[str, ...], where: str | None) -> str:
    from ingestion.warehouse import quote

    columns = [
        c
        for (c,) in con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ? order by column_index",
            [schema, table],
        ).fetchall()
        if c not in leave_out
    ]
    row = "cast(struct_pack(" + ", ".join(f"{quote(c)} := {quote(c)}" for c in columns) + ") as varchar)"
    return str(
        con.execute(
            f"select count(*), md5(coalesce(string_agg(h, '' order by h), '')) from "
            f"(select md5({row}) as h from {quote(schema)}.{quote(table)} {'where ' + where if where else ''})"
        ).fetchone()
    )


# ------------------------------------------------------------------ report


def render(result: SoakResult) -> str:
    cfg = result.config
    by_job: dict[str, list[float]] = defaultdict(list)
    for step in result.steps:
        if step.seconds:
            by_job[step.job].append(step.seconds)
    lines = [
        "# Soak: the warehouse on its schedule",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make soak` (`orchestration/soak.py`): {cfg.days} simulated days "
        f"from {cfg.start:%Y-%m-%d} ({cfg.history_days} days of history delivered first), an incremental build every "
        f"{cfg.build_every} hours, landing in the hours between, daily prune + marts at 02:00, weekly marts on Mondays "
        f"at 00:00. {cfg.accounts} accounts x {cfg.users_per_account} users, seed {cfg.seed}. Retention shortened to "
        + ", ".join(
            f"{k.removeprefix('retention_').removesuffix('_days')} {v} d" for k, v in cfg.retention.items()
        )
        + f" so the run crosses every period. Measured once; wall clock {result.seconds / 60:.1f} min.",
        "",
        f"**Result: {'PASSED' if result.ok else 'FAILED'}.**",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| steps (Dagster runs) | {len(result.steps)} |",
        f"| files delivered (late files, a file delivered twice each day, an old file delivered again) | {result.files_delivered} |",
        f"| reader queries on the serving database (one process, every second) | {result.reader_queries:,} |",
        f"| reader failures | {result.reader_failures} |",
    ]
    for job, secs in sorted(by_job.items()):
        lines.append(
            f"| {job}: runs, median / max seconds | {len(secs)}, {statistics.median(secs):.1f} / {max(secs):.1f} |"
        )
    for table, rows in result.rows.items():
        lines.append(f"| rows at the end: {table} | {rows:,} |")
    lines += [
        "",
        "## Incremental tables against a full refresh over the same retained data",
        "",
        "| table | result |",
        "|---|---|",
    ]
    lines += [f"| {t} | {r} |" for t, r in result.comparison.items()]
    lines += [
        "",
        "Kept beyond raw retention on purpose (still there after the full refresh, their days before its recompute horizon unchanged):",
        "",
    ]
    lines += [f"- {t}: {n:,} rows" for t, n in result.kept_beyond_raw.items()]
    if result.problems:
        lines += ["", "## Problems", ""] + [f"- {p}" for p in result.problems[:50]]
    if result.reader_failure_samples:
        lines += ["", "Reader failures (first few):", ""] + [f"- {s}" for s in result.reader_failure_samples]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the warehouse hour by hour over simulated weeks (make soak)."
    )
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument(
        "--build-every", type=int, default=6, help="hours between incremental builds (default 6)"
    )
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("EWH_SOAK_DIR", "/tmp/ewh-soak")))
    parser.add_argument(
        "--out", type=Path, default=None, help="write the figures here (make soak: docs/soak.md)"
    )
    parser.add_argument("--no-reader", action="store_true")
    args = parser.parse_args(argv)
    cfg = SoakConfig(
        workdir=args.dir, days=args.days, build_every=args.build_every, reader=not args.no_reader
    )
    result = run_soak(cfg)
    text = render(result)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
