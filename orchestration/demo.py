"""``ewh demo`` / ``make demo``: sample data, then one Dagster run that lands, builds and publishes it.

The run goes through Dagster's instance in ``.dagster_home`` (the one ``make ui`` serves), so the
UI shows what the demo built: the run, every asset's materialization and every check's result.
It is the hourly build job with the demo's as_of: landing, the dbt build with its tests as
asset checks, the great-expectations checks and the serving database.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from ingestion import config
from ingestion.console import Bar, eprint, progress_bar
from ingestion.generate import GenerateConfig, generate

DEMO_JOB = "hourly_build_job"


def dagster_home() -> Path:
    """``DAGSTER_HOME`` when set, else ``.dagster_home`` in the project root (what ``make ui`` uses)."""
    import os

    home = os.environ.get("DAGSTER_HOME")
    return config.resolve(home) if home else config.project_root() / ".dagster_home"


def demo_instance(home: Path) -> dg.DagsterInstance:
    """The Dagster instance in ``home``, with the project's instance settings copied in."""
    home.mkdir(parents=True, exist_ok=True)
    settings = config.project_root() / "orchestration" / "dagster.yaml"
    if not (home / "dagster.yaml").exists() or (home / "dagster.yaml").read_text() != settings.read_text():
        shutil.copy(settings, home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


@dataclass
class _RunProgress:
    """Counts Dagster events of the run into two progress bars (landing, then the build)."""

    landing: Bar
    build: Bar
    landing_steps: set[str]
    failures: list[str] = field(default_factory=list)

    def on_event(self, event: dg.DagsterEvent) -> None:
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_SUCCESS" and step in self.landing_steps:
            self.landing.advance(status=step)
        elif kind in ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION"):
            key = event.asset_key if kind == "ASSET_MATERIALIZATION" else event.event_specific_data.asset_key
            if key is not None and key.to_python_identifier() not in self.landing_steps:
                self.build.advance(status=key.to_user_string()[-40:])
        elif kind == "STEP_FAILURE":
            self.failures.append(step)


def _progress_logger(progress: _RunProgress) -> dg.LoggerDefinition:
    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            meta = getattr(record, "dagster_meta", None) or {}
            event = meta.get("dagster_event") if isinstance(meta, dict) else None
            if event is not None:
                progress.on_event(event)

    @dg.logger(description="Turns the demo run's events into progress bars.")
    def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
        log = logging.getLogger("ewh.demo.progress")
        log.setLevel(logging.DEBUG)
        log.handlers = [_Handler()]
        log.propagate = False
        return log

    return progress_logger


def _build_totals(job: dg.JobDefinition) -> tuple[set[str], int]:
    """The landing step keys of the job, and how many materializations and check results the
    rest of it reports (what the build bar counts to)."""
    from ingestion.streams import STREAMS
    from orchestration.assets.landing import landing_asset_key

    landing_keys = {landing_asset_key(s) for s in STREAMS}
    layer = job.asset_layer
    assets = [k for k in layer.selected_asset_keys if k not in landing_keys]
    checks = [c for c in layer.asset_graph.asset_check_keys if c.asset_key not in landing_keys]
    return {k.to_python_identifier() for k in landing_keys}, len(assets) + len(checks)


def run_demo(
    *,
    seed: int = 42,
    as_of: datetime | None = None,
    end: datetime | None = None,
    clean: bool = False,
    fresh: bool = False,
    verbose: bool = False,
) -> int:
    """Generate, then land + build + publish in one Dagster run; print where everything is."""
    from orchestration.as_of import format_as_of
    from orchestration.dbt.project import dbt_project, prepare
    from orchestration.definitions import build_definitions
    from orchestration.schedules import as_of_run_config, hourly_ops, landing_ops

    started = time.perf_counter()
    raw = config.raw_dir()
    warehouse = config.warehouse_path()
    serving = config.serving_path()
    if fresh:
        for path in (warehouse, warehouse.with_name(warehouse.name + ".wal"), serving):
            if path.exists():
                path.unlink()
        if verbose:
            eprint(f"--fresh: removed {warehouse} and {serving}")
    faults = {} if clean else {"bad_line_rate": 0.002, "duplicate_rate": 0.01, "late_rate": 0.02}
    eprint(f"1/3 generating sample dumps under {raw}")
    report = generate(
        GenerateConfig(out_dir=raw, seed=seed, end=end, overwrite=True, **faults),
        progress=eprint if verbose else None,
    )
    eprint(
        f"    {len(report.files)} files, {sum(report.rows_per_stream.values()):,} records"
        + (f", {report.bad_lines} malformed lines injected" if report.bad_lines else "")
    )
    eprint("2/3 parsing the dbt project")
    prepare(dbt_project())
    home = dagster_home()
    instance = demo_instance(home)
    defs = build_definitions()
    job = defs.resolve_job_def(DEMO_JOB)
    when = as_of or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    run_config = as_of_run_config(when, hourly_ops())
    # the demo's files were all just written: land them without waiting for them to settle
    for op in landing_ops():
        run_config["ops"][op]["config"]["settle_seconds"] = 0
    eprint(f"3/3 Dagster run `{DEMO_JOB}` as of {format_as_of(when)} (instance {home})")
    landing_steps, build_total = _build_totals(job)
    with progress_bar("landing", total=len(landing_steps)) as landing_bar, progress_bar(
        "build", total=build_total
    ) as build_bar:
        progress = _RunProgress(landing_bar, build_bar, landing_steps)
        loggers = {"progress": _progress_logger(progress)}
        if verbose:
            loggers["console"] = dg.colored_console_logger
        job = job.with_logger_defs(loggers)
        run_config["loggers"] = {"progress": {}, **({"console": {"config": {"log_level": "INFO"}}} if verbose else {})}
        # dagster-dbt echoes dbt's log lines on stdout; the run's logs keep them (see the UI)
        quiet = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(io.StringIO())
        with quiet:
            result = job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
    status = "succeeded" if result.success else "FAILED"
    eprint(f"    run {result.run_id[:8]} {status} in {time.perf_counter() - started:.0f} s")
    if not result.success:
        for step in progress.failures:
            eprint(f"    failed step: {step} (details in the run's logs: `make ui`, Runs)")
        return 1
    from ingestion.summary import print_summary

    print_summary(serving, brief=True)
    print()
    for line in write_demo_exports(serving):
        print(line)
    print(f"serving database (open it read-only from BI tools and notebooks): {serving}")
    print(f"warehouse (written by builds only): {warehouse}")
    print(f"Dagster UI with this run: `make ui`, then http://127.0.0.1:3000 (instance {home})")
    return 0


def write_demo_exports(serving: Path) -> list[str]:
    """The HTML report and every client's weekly digest of the demo's build; a line about each."""
    from ingestion.digest import write_digests
    from ingestion.exports import ExportError
    from ingestion.report import write_report

    lines = []
    try:
        report = write_report(config.exports_dir() / "report.html", serving=serving)
        lines.append(f"report ({report.bytes / 1e6:.1f} MB, opens offline in any browser): {report.path}")
    except ExportError as exc:
        lines.append(f"report not written: {exc}")
    try:
        digests = write_digests(config.exports_dir() / "digests", serving=serving)
        lines.append(
            f"weekly digests of {digests.clients} clients (week of {digests.week_start:%Y-%m-%d}, "
            f".html and .txt each): {digests.out_dir}"
        )
    except ExportError as exc:
        lines.append(f"digests not written: {exc}")
    return lines
