"""The `ewh` command: what users do by hand (DESIGN.md §7)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ingestion import config


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


def _as_of_text(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


def _eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ generate


def cmd_generate(args: argparse.Namespace) -> int:
    from ingestion.generate import GenerateConfig, generate

    cfg = GenerateConfig(
        out_dir=Path(args.out),
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
    report = generate(cfg, progress=_eprint)
    print(f"wrote {len(report.files)} files under {args.out} in {time.perf_counter() - started:.1f} s")
    for stream, rows in sorted(report.rows_per_stream.items()):
        print(f"  {stream:<32} {rows:>12,} rows")
    if report.bad_lines:
        print(f"  injected malformed lines: {report.bad_lines:,}")
    return 0


# ------------------------------------------------------------------ ingest


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingestion.landing import FileResult, ingest
    from ingestion.warehouse import connect

    raw_root = Path(args.raw_dir or config.raw_dir())
    warehouse = config.warehouse_path()

    def progress(index: int, total: int, result: FileResult) -> None:
        if result.status == "landed":
            detail = f"{result.rows_landed:,} rows"
            if result.rows_quarantined:
                detail += f", {result.rows_quarantined:,} quarantined"
            detail += f" ({result.seconds:.2f} s)"
        else:
            detail = result.message
        if result.status != "skipped" or args.verbose:
            _eprint(f"[{index}/{total}] {result.status:<8} {result.path}  {detail}")

    started = time.perf_counter()
    con = connect(warehouse)
    try:
        report = ingest(raw_root, con, progress=progress)
    finally:
        con.close()
    elapsed = time.perf_counter() - started
    print(
        f"ingest {raw_root} -> {warehouse}: {len(report.landed)} files landed, {len(report.skipped)} already "
        f"landed, {len(report.refused)} refused; {report.rows_landed:,} rows landed, "
        f"{report.rows_quarantined:,} lines quarantined ({elapsed:.1f} s)"
    )
    for table, (landed, quarantined) in sorted(report.rows_by_table().items()):
        print(f"  raw.{table:<32} +{landed:>10,} rows  {quarantined:>6,} quarantined")
    if report.rows_quarantined:
        print("  see raw._quarantine for the reason and text of each quarantined line")
    for refused in report.refused:
        _eprint(f"refused: {refused.message}")
    return 1 if report.refused else 0


# ------------------------------------------------------------------ build


def cmd_build(args: argparse.Namespace) -> int:
    from ingestion.dbt_runner import run_dbt
    from ingestion.warehouse import connect

    warehouse = config.warehouse_path()
    connect(warehouse).close()  # every raw table exists, so a build works with streams still empty
    dbt_args = ["build"]
    if args.full_refresh:
        dbt_args.append("--full-refresh")
    if args.select:
        dbt_args += ["--select", *args.select]
    started = time.perf_counter()
    result = run_dbt(
        dbt_args, warehouse=warehouse, as_of=_as_of_text(args.as_of), check=False, stream_output=True
    )
    counts = result.counts()
    _print_build_counts(counts, time.perf_counter() - started)
    return result.returncode


def _print_build_counts(counts: dict[str, int], seconds: float) -> None:
    models = sum(v for k, v in counts.items() if k.startswith("model:"))
    tests = sum(v for k, v in counts.items() if k.startswith(("test:", "unit_test:")))
    passed = sum(v for k, v in counts.items() if k in ("test:pass", "unit_test:pass"))
    built = counts.get("model:success", 0)
    print(f"dbt build: {built}/{models} models built, {passed}/{tests} tests passed ({seconds:.1f} s)")
    other = {k: v for k, v in counts.items() if k not in ("model:success", "test:pass", "unit_test:pass")}
    if other:
        print("  other results: " + ", ".join(f"{k}={v}" for k, v in sorted(other.items())))


# ------------------------------------------------------------------ prune


def cmd_prune(args: argparse.Namespace) -> int:
    from ingestion.retention import RetentionError, prune
    from ingestion.warehouse import connect

    warehouse = config.warehouse_path()
    if not warehouse.exists():
        raise FileNotFoundError(
            f"warehouse {warehouse} does not exist; run `ewh ingest` or `make demo` first"
        )
    started = time.perf_counter()
    con = connect(warehouse)
    try:
        report = prune(con, as_of=args.as_of, dry_run=args.dry_run)
    except RetentionError as exc:
        _eprint(f"ewh prune: {exc}")
        return 2
    finally:
        con.close()
    what = "dry run, nothing changed" if args.dry_run else "done"
    print(
        f"prune {warehouse} as of {report.as_of:%Y-%m-%d %H:%M:%S} UTC ({what}, "
        f"{time.perf_counter() - started:.1f} s)"
    )
    print(report.format_table())
    return 0


# ------------------------------------------------------------------ privacy


def cmd_forget(args: argparse.Namespace) -> int:
    from ingestion.privacy import forget
    from ingestion.warehouse import connect

    con = connect(config.warehouse_path())
    try:
        report = forget(con, args.subject_id, reason=args.reason, dry_run=args.dry_run)
    finally:
        con.close()
    verb = "would delete" if args.dry_run else "deleted"
    ids = ", ".join(sorted(report.subject.ids))
    print(
        f"forget {args.subject_id} (ids: {ids}; {len(report.subject.sessions)} widget sessions): {verb} {report.total:,} rows"
    )
    for table, rows in sorted(report.deleted.items()):
        print(f"  {table:<44} {rows:>8,}")
    if not args.dry_run:
        print("tombstones recorded in raw._tombstones: files landed later drop rows about these ids")
    return 0


def cmd_export_user(args: argparse.Namespace) -> int:
    from ingestion.privacy import export_subject
    from ingestion.warehouse import connect

    out = Path(args.out or f"data/exports/{args.subject_id}.json")
    con = connect(config.warehouse_path(), read_only=True)
    try:
        counts = export_subject(con, args.subject_id, out)
    finally:
        con.close()
    print(f"wrote {sum(counts.values()):,} rows about {args.subject_id} from {len(counts)} tables to {out}")
    for table, rows in sorted(counts.items()):
        print(f"  {table:<44} {rows:>8,}")
    return 0


# ------------------------------------------------------------------ summary / demo


def print_summary(warehouse: Path) -> None:
    from ingestion.streams import QUARANTINE_TABLE, STREAMS
    from ingestion.warehouse import connect

    con = connect(warehouse, read_only=True)
    try:
        print(f"warehouse {warehouse}")
        print("raw tables:")
        for stream in STREAMS:
            rows = con.execute(f"select count(*) from {stream.qualified_table}").fetchone()[0]
            print(f"  {stream.qualified_table:<36} {rows:>12,}")
        quarantined = con.execute(
            f"select table_name, count(*) from {QUARANTINE_TABLE} group by 1 order by 1"
        ).fetchall()
        total = sum(n for _, n in quarantined)
        print(
            f"quarantined lines: {total:,}"
            + (f" ({', '.join(f'{t}: {n}' for t, n in quarantined)})" if total else "")
        )
        marts = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        if marts:
            print("marts:")
            for (name,) in marts:
                rows = con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
                print(f"  marts.{name:<34} {rows:>12,}")
        names = {name for (name,) in marts}
        if "agent_comparison" in names:
            grades = dict(
                con.execute(
                    "select performance_grade, count(*) from marts.agent_comparison group by 1"
                ).fetchall()
            )
            order = ["A+", "A", "B+", "B", "C+", "C", "D"]
            shown = [g for g in order if g in grades] + sorted(set(grades) - set(order), key=str)
            print(
                "agents per performance grade: "
                + (", ".join(f"{g}: {grades[g]}" for g in shown) if shown else "none")
            )
        if "alerts" in names:
            kinds = con.execute(
                "select alert_type, count(*), count(case when severity = 'critical' then 1 end) "
                "from marts.alerts group by 1 order by 1"
            ).fetchall()
            print(f"alerts: {sum(n for _, n, _ in kinds):,}" + ("" if kinds else " (none)"))
            for alert_type, n, critical in kinds:
                print(f"  {alert_type:<36} {n:>12,}" + (f"  ({critical:,} critical)" if critical else ""))
    finally:
        con.close()


def cmd_summary(args: argparse.Namespace) -> int:
    print_summary(config.warehouse_path())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate sample data, land it, build every model and print a summary."""
    raw = Path(args.raw_dir or config.raw_dir())
    warehouse = config.warehouse_path()
    if args.fresh:
        for path in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
            if path.exists():
                print(f"--fresh: removing {path}")
                path.unlink()
    gen_argv = ["generate", "--out", str(raw), "--seed", str(args.seed), "--overwrite"]
    if not args.clean:
        # A few producer faults, so the summary shows quarantine, dedupe and late events at work.
        gen_argv += ["--bad-line-rate", "0.002", "--duplicate-rate", "0.01", "--late-rate", "0.02"]
    if args.end:
        gen_argv += ["--end", args.end.isoformat()]
    gen_args = build_parser().parse_args(gen_argv)
    print("== 1/3 generate sample dumps")
    cmd_generate(gen_args)
    print("== 2/3 land raw files")
    ingest_status = cmd_ingest(argparse.Namespace(raw_dir=str(raw), verbose=False))
    print("== 3/3 dbt build")
    build_status = cmd_build(argparse.Namespace(full_refresh=False, select=None, as_of=args.as_of))
    print("== summary")
    print_summary(config.warehouse_path())
    return build_status or ingest_status


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ewh",
        description="Engagement Warehouse: land raw analytics dumps in DuckDB and build the dbt marts. "
        "The warehouse file comes from EWH_WAREHOUSE (default data/warehouse.duckdb).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write seeded sample dumps of all 11 raw streams")
    gen.add_argument(
        "--out", default=str(config.raw_dir()), help="raw root to write into (default: %(default)s)"
    )
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
    gen.set_defaults(func=cmd_generate)

    ing = sub.add_parser(
        "ingest", help="land every new file under a raw root laid out as <source>/<stream>/…"
    )
    ing.add_argument("raw_dir", nargs="?", default=None, help="raw root (default: EWH_RAW_DIR or data/raw)")
    ing.add_argument("-v", "--verbose", action="store_true", help="also list files skipped as already landed")
    ing.set_defaults(func=cmd_ingest)

    build = sub.add_parser("build", help="dbt build with the project's profile and vars")
    build.add_argument("--as-of", type=_parse_time, default=None, help="UTC time scores are computed as of")
    build.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    build.add_argument("--select", "-s", nargs="+", default=None, help="dbt node selection")
    build.set_defaults(func=cmd_build)

    prune = sub.add_parser(
        "prune", help="delete rows past retention and null old IP addresses (DESIGN §5); prints counts"
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
    prune.set_defaults(func=cmd_prune)

    forget_cmd = sub.add_parser(
        "forget", help="erase a person (staff user or end customer) from every raw table and model"
    )
    forget_cmd.add_argument("subject_id", help="user_id, customer id or anonymous visitor id")
    forget_cmd.add_argument("--reason", default="erasure request", help="recorded with the tombstone")
    forget_cmd.add_argument("--dry-run", action="store_true", help="count the rows, change nothing")
    forget_cmd.set_defaults(func=cmd_forget)

    export = sub.add_parser("export-user", help="write every row about a person to one JSON file")
    export.add_argument("subject_id", help="user_id, customer id or anonymous visitor id")
    export.add_argument("--out", default=None, help="file to write (default: data/exports/<id>.json)")
    export.set_defaults(func=cmd_export_user)

    summary = sub.add_parser("summary", help="rows per raw table, quarantined lines and mart sizes")
    summary.set_defaults(func=cmd_summary)

    demo = sub.add_parser("demo", help="generate, ingest and build on sample data, then print a summary")
    demo.add_argument("--raw-dir", default=None)
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
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except FileNotFoundError as exc:
        _eprint(f"ewh: {exc}")
        return 2
    except KeyboardInterrupt:
        _eprint("ewh: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
