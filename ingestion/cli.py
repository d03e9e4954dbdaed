"""The `ewh` command: what users do by hand. Each command parses its options and calls the library.

Every path comes from the environment (``.env`` in the project root is read first) and is
resolved from the project root, whatever folder the command runs in (``ingestion/config.py``).
Writers wait for the warehouse when another process holds it (``--wait``, default 10 minutes)
and then say in one line who holds it; read-only commands read the serving database.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from ingestion import config
from ingestion.console import eprint, progress_bar


def _parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not an ISO-8601 time: {value!r} (try 2026-11-20T00:00:00Z)"
        ) from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _parse_wait(value: str) -> float:
    from ingestion.warehouse import parse_duration

    try:
        return parse_duration(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


# ------------------------------------------------------------------ generate


def cmd_generate(args: argparse.Namespace) -> int:
    from ingestion.generate import GenerateConfig, generate

    cfg = GenerateConfig(
        out_dir=config.resolve(args.out) if args.out else config.raw_dir(),
        accounts=args.accounts,
        users_per_account=args.users_per_account,
        agents_per_account=args.agents_per_account,
        days=args.days,
        end=args.end,
        seed=args.seed,
        fmt=args.format,
        target_events=args.events,
        bad_line_rate=args.bad_line_rate,
        duplicate_rate=args.duplicate_rate,
        late_rate=args.late_rate,
        overwrite=args.overwrite,
    )
    started = time.perf_counter()
    report = generate(cfg, progress=eprint if args.verbose else None)
    print(f"wrote {len(report.files)} files under {cfg.out_dir} in {time.perf_counter() - started:.1f} s")
    for stream, rows in sorted(report.rows_per_stream.items()):
        print(f"  {stream:<32} {rows:>12,} rows")
    if report.bad_lines:
        print(f"  injected malformed lines: {report.bad_lines:,}")
    return 0


# ------------------------------------------------------------------ ingest


def land(raw_dir: Path, *, as_of: datetime | None, wait: float | None, verbose: bool, settle: float) -> int:
    """Land every new file under ``raw_dir``; print what happened; 0, or 1 when a file was refused or failed."""
    from ingestion.landing import FileResult, ingest
    from ingestion.warehouse import warehouse

    path = config.warehouse_path()
    started = time.perf_counter()
    with progress_bar("landing", enabled=not verbose) as bar:

        def progress(index: int, total: int, result: FileResult) -> None:
            bar.update(completed=index, total=total, status=result.path[-48:])
            if verbose and (result.status != "skipped" or verbose > 1):
                detail = (
                    f"{result.rows_landed:,} rows"
                    + (f", {result.rows_quarantined:,} quarantined" if result.rows_quarantined else "")
                    if result.status == "landed"
                    else result.message
                )
                eprint(f"[{index}/{total}] {result.status:<8} {result.path}  {detail}")

        with warehouse(path, wait=wait, notify=eprint, purpose="ewh ingest") as con:
            report = ingest(raw_dir, con, as_of=as_of, progress=progress, settle_seconds=settle)
    elapsed = time.perf_counter() - started
    print(
        f"ingest {raw_dir} -> {path}: {len(report.landed)} files landed, {len(report.skipped)} already "
        f"landed, {len(report.refused)} refused, {len(report.failed)} failed"
        + (f", {len(report.pending)} still changing" if report.pending else "")
        + f"; {report.rows_landed:,} rows landed, {report.rows_quarantined:,} lines quarantined"
        + (f", {report.rows_expired:,} rows already past retention" if report.rows_expired else "")
        + (f", {report.rows_erased:,} rows about erased people" if report.rows_erased else "")
        + f" ({elapsed:.1f} s)"
    )
    for table, (landed, quarantined) in sorted(report.rows_by_table().items()):
        print(f"  raw.{table:<32} +{landed:>10,} rows  {quarantined:>6,} quarantined")
    if report.rows_quarantined:
        print("  see raw._quarantine for the reason and text of each quarantined line")
    for bad in report.refused + report.failed:
        eprint(f"{bad.status}: {bad.message}")
    return 0 if report.ok else 1


def cmd_ingest(args: argparse.Namespace) -> int:
    raw_dir = config.resolve(args.raw_dir) if args.raw_dir else config.raw_dir()
    return land(raw_dir, as_of=args.as_of, wait=args.wait, verbose=args.verbose, settle=args.settle)


# ------------------------------------------------------------------ build


def cmd_build(args: argparse.Namespace) -> int:
    from ingestion.build import build

    result = build(
        as_of=args.as_of,
        full_refresh=args.full_refresh,
        select=args.select,
        exclude=args.exclude,
        wait=args.wait,
        notify=eprint,
        on_line=print,
    )
    summary = result.dbt.summary()
    print(
        f"dbt build: {summary['models_built']}/{summary['models']} models built, "
        f"{summary['tests_passed']}/{summary['tests']} tests passed ({result.seconds:.1f} s)"
    )
    if result.published:
        p = result.published
        print(f"published {p.tables} marts ({p.rows:,} rows) to {p.path} for readers ({p.seconds:.1f} s)")
    elif not result.ok:
        eprint("the build failed: the serving database keeps the last good build")
    return result.dbt.returncode


# ------------------------------------------------------------------ prune


def cmd_prune(args: argparse.Namespace) -> int:
    from ingestion.retention import prune
    from ingestion.warehouse import WarehouseMissingError, warehouse

    path = config.warehouse_path()
    if not path.exists():
        raise WarehouseMissingError(f"warehouse {path} does not exist; run `ewh ingest` or `make demo` first")
    started = time.perf_counter()
    with warehouse(path, wait=args.wait, notify=eprint, purpose="ewh prune") as con:
        report = prune(con, as_of=args.as_of, dry_run=args.dry_run)
    what = "dry run, nothing changed" if args.dry_run else "done"
    print(
        f"prune {path} as of {report.as_of:%Y-%m-%d %H:%M:%S} UTC ({what}, "
        f"{time.perf_counter() - started:.1f} s)"
    )
    print(report.format_table())
    return 0


# ------------------------------------------------------------------ privacy


def cmd_forget(args: argparse.Namespace) -> int:
    from ingestion.privacy import forget, rewrite_database
    from ingestion.serving import publish
    from ingestion.warehouse import warehouse, writer_lock

    path = config.warehouse_path()
    with writer_lock(path, wait=args.wait, notify=eprint, purpose="ewh forget"):
        with warehouse(path, wait=args.wait, notify=eprint) as con:
            report = forget(con, args.subject_id, reason=args.reason, dry_run=args.dry_run)
            if not args.dry_run:
                rewrite_database(con, path)  # closes con: the erased bytes go with the old file
        if not args.dry_run and config.serving_path().exists():
            with warehouse(path, wait=args.wait) as con:
                publish(con, config.serving_path())
    verb = "would delete" if args.dry_run else "deleted"
    ids = ", ".join(sorted(report.subject.ids))
    print(
        f"forget {args.subject_id} (ids: {ids}; {len(report.subject.sessions)} widget sessions): "
        f"{verb} {report.total:,} rows"
    )
    for table, rows in sorted(report.deleted.items()):
        print(f"  {table:<44} {rows:>8,}")
    if not args.dry_run:
        print(
            "tombstones recorded in raw._tombstones (files landed later drop rows about these ids); "
            f"{path.name} rewritten and the serving database republished, so no byte holds the erased values"
        )
    return 0


def cmd_export_user(args: argparse.Namespace) -> int:
    from ingestion.privacy import export_path, export_subject
    from ingestion.warehouse import warehouse

    out = export_path(config.exports_dir(), args.out, args.subject_id)
    with warehouse(read_only=True, wait=args.wait, notify=eprint) as con:
        counts = export_subject(con, args.subject_id, out)
    print(f"wrote {sum(counts.values()):,} rows about {args.subject_id} from {len(counts)} tables to {out}")
    for table, rows in sorted(counts.items()):
        print(f"  {table:<44} {rows:>8,}")
    return 0


# ------------------------------------------------------------------ summary / demo


def cmd_summary(args: argparse.Namespace) -> int:
    from ingestion.summary import print_summary

    print_summary(config.serving_path())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from orchestration.demo import run_demo

    return run_demo(
        seed=args.seed,
        as_of=args.as_of,
        end=args.end,
        clean=args.clean,
        fresh=args.fresh,
        verbose=args.verbose,
    )


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from ingestion.fingerprint import fingerprint_tables
    from ingestion.serving import open_serving

    con = open_serving(config.serving_path())
    try:
        for table, digest in fingerprint_tables(con).items():
            print(f"{digest}  {table}")
    finally:
        con.close()
    return 0


# ------------------------------------------------------------------ spark


def cmd_spark_ingest(args: argparse.Namespace) -> int:
    from ingestion.spark.landing import land_in_spark, landing_database

    raw_dir = config.resolve(args.raw_dir) if args.raw_dir else config.raw_dir()
    started = time.perf_counter()
    result = land_in_spark(raw_dir, as_of=args.as_of, wait=args.wait, notify=eprint)
    report = result.ingest
    print(
        f"spark ingest {raw_dir} -> {landing_database()}: {len(report.landed)} files landed, "
        f"{len(report.skipped)} already landed, {len(report.refused)} refused, {len(report.failed)} failed; "
        f"{report.rows_landed:,} rows landed, {report.rows_quarantined:,} lines quarantined"
    )
    for copy in result.copies:
        if copy.status == "copied":
            print(f"  spark {copy.table:<36} {copy.rows:>10,} rows copied ({copy.seconds:.1f} s)")
    print(
        f"  {len(result.copied)} Spark tables replaced, {len(result.copies) - len(result.copied)} unchanged "
        f"({time.perf_counter() - started:.1f} s)"
    )
    for bad in report.refused + report.failed:
        eprint(f"{bad.status}: {bad.message}")
    return 0 if result.ok else 1


def cmd_spark_build(args: argparse.Namespace) -> int:
    from ingestion.build import dbt_build_args, format_as_of
    from ingestion.spark.dbt import run_spark_dbt

    started = time.perf_counter()
    as_of = args.as_of or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    dbt_args = dbt_build_args(full_refresh=args.full_refresh, select=args.select, exclude=args.exclude)
    result = run_spark_dbt(dbt_args, as_of=format_as_of(as_of), check=False, on_line=print)
    summary = result.summary()
    print(
        f"dbt build --target spark: {summary['models_built']}/{summary['models']} models built, "
        f"{summary['tests_passed']}/{summary['tests']} tests passed ({time.perf_counter() - started:.1f} s)"
    )
    return result.returncode


# ------------------------------------------------------------------ report / digest / share


def cmd_report(args: argparse.Namespace) -> int:
    from ingestion.report import write_report

    out = config.resolve(args.out) if args.out else config.exports_dir() / "report.html"
    result = write_report(out, serving=config.serving_path(), as_of=args.as_of)
    as_of = f"{result.as_of:%Y-%m-%d %H:%M} UTC" if result.as_of else "an unknown time"
    print(
        f"wrote {result.path} ({result.bytes / 1e6:.1f} MB, {result.charts} charts, {result.tables} tables, "
        f"as of {as_of}): open it in a browser, it needs no network"
    )
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from ingestion.digest import write_digests

    out_dir = config.exports_dir() / "digests"
    result = write_digests(out_dir, serving=config.serving_path(), client=args.client, week=args.week)
    digests = "1 weekly digest" if result.clients == 1 else f"{result.clients} weekly digests"
    print(
        f"wrote {digests} (week of {result.week_start:%Y-%m-%d}) to {out_dir}: one .html and one .txt per client"
    )
    return 0


def cmd_share(args: argparse.Namespace) -> int:
    from ingestion.exports import safe_filename
    from ingestion.share import write_share

    default = config.exports_dir() / "share" / f"{safe_filename(args.account)}.duckdb"
    out = config.resolve(args.out) if args.out else default
    result = write_share(args.account, out, serving=config.serving_path())
    rows = sum(result.tables.values())
    print(
        f"wrote {out}: {len(result.tables)} marts, {rows:,} rows of account {args.account}; left out (platform-wide): "
        + (", ".join(result.excluded) or "none")
        + "; meta.extract lists what is in it"
    )
    return 0


def _parse_week(value: str) -> date:
    from ingestion.digest import parse_week
    from ingestion.exports import ExportError

    try:
        return parse_week(value)
    except ExportError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_export_commands(sub: argparse._SubParsersAction) -> None:
    """``ewh report``, ``ewh digest`` and ``ewh share``: files made from the serving database."""
    report = sub.add_parser("report", help="one self-contained HTML report of the marts (opens offline)")
    report.add_argument(
        "--out", default=None, help="HTML file to write (default: EWH_EXPORTS_DIR/report.html)"
    )
    report.add_argument(
        "--as-of",
        type=_parse_time,
        default=None,
        help="fail unless the serving database is built as of this UTC time",
    )
    report.set_defaults(func=cmd_report)

    digest = sub.add_parser("digest", help="weekly client-success digests, HTML and plain text per client")
    digest.add_argument(
        "--client", default=None, help="one client (staff user id); default: every client of the week"
    )
    digest.add_argument(
        "--week",
        type=_parse_week,
        default=None,
        help="a day of the week or 2026-W46 (default: latest complete week)",
    )
    digest.set_defaults(func=cmd_digest)

    share = sub.add_parser("share", help="a DuckDB file with one account's rows of the marts, to hand to it")
    share.add_argument("--account", required=True, help="the account id")
    share.add_argument(
        "--out", default=None, help="file to write (default: EWH_EXPORTS_DIR/share/<account>.duckdb)"
    )
    share.set_defaults(func=cmd_share)


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ewh",
        description="Engagement Warehouse: land raw analytics dumps in DuckDB and build the dbt marts. "
        "Paths come from EWH_WAREHOUSE, EWH_SERVING, EWH_RAW_DIR (see .env.example), relative to the project root.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    wait_help = "how long to wait when another process holds the warehouse, e.g. 90s, 10m (default: EWH_LOCK_WAIT or 10m)"

    gen = sub.add_parser("generate", help="write seeded sample dumps of all 11 raw streams")
    gen.add_argument("--out", default=None, help="raw root to write into (default: EWH_RAW_DIR or data/raw)")
    gen.add_argument("--accounts", type=int, default=8)
    gen.add_argument("--users-per-account", type=int, default=6)
    gen.add_argument("--agents-per-account", type=int, default=2)
    gen.add_argument("--days", type=int, default=60, help="days of history (default: %(default)s)")
    gen.add_argument("--end", type=_parse_time, default=None, help="UTC time the data ends at (default: now)")
    gen.add_argument("--events", type=int, default=None, help="scale activity to about this many events")
    gen.add_argument("--format", choices=["jsonl", "jsonl.gz", "parquet"], default="jsonl")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument(
        "--bad-line-rate", type=float, default=0.0, help="share of malformed JSONL lines to inject"
    )
    gen.add_argument("--duplicate-rate", type=float, default=0.0, help="share of records sent twice")
    gen.add_argument("--late-rate", type=float, default=0.0, help="share of product events arriving late")
    gen.add_argument("--overwrite", action="store_true", help="replace files already in the stream folders")
    gen.add_argument("-v", "--verbose", action="store_true", help="say what is being generated")
    gen.set_defaults(func=cmd_generate)

    ing = sub.add_parser(
        "ingest", help="land every new file under a raw root laid out as <source>/<stream>/…"
    )
    ing.add_argument("raw_dir", nargs="?", default=None, help="raw root (default: EWH_RAW_DIR or data/raw)")
    ing.add_argument(
        "--as-of",
        type=_parse_time,
        default=None,
        help="UTC time retention periods count back from (default: now)",
    )
    ing.add_argument(
        "--settle",
        type=_parse_wait,
        default=config.settle_seconds(),
        help="leave files changed less than this ago for a later run (default: EWH_SETTLE_SECONDS or 0)",
    )
    ing.add_argument("--wait", type=_parse_wait, default=None, help=wait_help)
    ing.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="one line per file (-vv: also files already landed)",
    )
    ing.set_defaults(func=cmd_ingest)

    build = sub.add_parser(
        "build", help="dbt build with the project's profile and vars, then publish the marts"
    )
    build.add_argument("--as-of", type=_parse_time, default=None, help="UTC time scores are computed as of")
    build.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    build.add_argument("--select", "-s", nargs="+", default=None, help="dbt node selection")
    build.add_argument("--exclude", nargs="+", default=None, help="dbt nodes to leave out")
    build.add_argument("--wait", type=_parse_wait, default=None, help=wait_help)
    build.set_defaults(func=cmd_build)

    prune = sub.add_parser(
        "prune",
        help="delete rows past retention and null old IP addresses (docs/retention.md); prints counts",
    )
    prune.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted or nulled, change nothing"
    )
    prune.add_argument(
        "--as-of",
        type=_parse_time,
        default=None,
        help="UTC time the retention periods count back from (default: now)",
    )
    prune.add_argument("--wait", type=_parse_wait, default=None, help=wait_help)
    prune.set_defaults(func=cmd_prune)

    forget_cmd = sub.add_parser(
        "forget", help="erase a person (staff user or end customer) from every raw table and model"
    )
    forget_cmd.add_argument("subject_id", help="user_id, customer id or anonymous visitor id")
    forget_cmd.add_argument("--reason", default="erasure request", help="recorded with the tombstone")
    forget_cmd.add_argument("--dry-run", action="store_true", help="count the rows, change nothing")
    forget_cmd.add_argument("--wait", type=_parse_wait, default=None, help=wait_help)
    forget_cmd.set_defaults(func=cmd_forget)

    export = sub.add_parser("export-user", help="write every row about a person to one JSON file")
    export.add_argument("subject_id", help="user_id, customer id or anonymous visitor id")
    export.add_argument(
        "--out", default=None, help="file name inside the exports folder (default: EWH_EXPORTS_DIR/<id>.json)"
    )
    export.add_argument("--wait", type=_parse_wait, default=None, help=wait_help)
    export.set_defaults(func=cmd_export_user)

    summary = sub.add_parser(
        "summary", help="rows per raw table, quarantined lines and mart sizes (serving file)"
    )
    summary.set_defaults(func=cmd_summary)

    finger = sub.add_parser(
        "fingerprint",
        help="an order-independent hash of every mart of the serving file (run-time columns left out)",
    )
    finger.set_defaults(func=cmd_fingerprint)

    spark_ing = sub.add_parser(
        "spark-ingest",
        help="land every new file under a raw root into Spark (same contract as ingest; needs the spark extra)",
    )
    spark_ing.add_argument(
        "raw_dir", nargs="?", default=None, help="raw root (default: EWH_RAW_DIR or data/raw)"
    )
    spark_ing.add_argument(
        "--as-of",
        type=_parse_time,
        default=None,
        help="UTC time retention periods count back from (default: now)",
    )
    spark_ing.add_argument("--wait", type=_parse_wait, default=None, help=wait_help)
    spark_ing.set_defaults(func=cmd_spark_ingest)

    spark_build = sub.add_parser(
        "spark-build", help="dbt build with the profile's spark target (needs the spark extra)"
    )
    spark_build.add_argument(
        "--as-of", type=_parse_time, default=None, help="UTC time scores are computed as of"
    )
    spark_build.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models from scratch"
    )
    spark_build.add_argument("--select", "-s", nargs="+", default=None, help="dbt node selection")
    spark_build.add_argument("--exclude", nargs="+", default=None, help="dbt nodes to leave out")
    spark_build.set_defaults(func=cmd_spark_build)

    demo = sub.add_parser("demo", help="generate sample data, then land and build it in a Dagster run")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument(
        "--as-of", type=_parse_time, default=None, help="build as of this UTC time (default: now)"
    )
    demo.add_argument(
        "--clean",
        action="store_true",
        help="no injected faults (default: 0.2%% bad lines, 1%% duplicates, 2%% late)",
    )
    demo.add_argument("--end", type=_parse_time, default=None, help="sample data ends here (default: now)")
    demo.add_argument(
        "--fresh",
        action="store_true",
        help="start from an empty warehouse (deletes the EWH_WAREHOUSE file first)",
    )
    demo.add_argument(
        "-v", "--verbose", action="store_true", help="every file and every dbt node, one line each"
    )
    demo.set_defaults(func=cmd_demo)

    add_export_commands(sub)  # report, digest, share
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from ingestion.config import ConfigError
    from ingestion.dbt_runner import DbtError
    from ingestion.privacy import SubjectError
    from ingestion.warehouse import WarehouseError

    config.load_env()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (WarehouseError, ConfigError, SubjectError) as exc:
        eprint(f"ewh {args.command}: {exc}")
        return 1
    except (FileNotFoundError, FileExistsError, DbtError) as exc:
        eprint(f"ewh {args.command}: {exc}")
        return 2
    except KeyboardInterrupt:
        eprint("ewh: interrupted")
        return 130
    except BrokenPipeError:  # the reader of our output went away (`ewh summary | head`)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
