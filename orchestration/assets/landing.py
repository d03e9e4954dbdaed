"""One asset per raw stream: land the stream's new files in ``raw.<source>__<stream>``.

Keys are ``[<source>, <stream>]``, exactly what dagster-dbt gives the dbt source
``source('<source>', '<stream>')``, so the landing assets are the dbt sources' upstream in the
lineage graph. Landing is idempotent (a file already in ``raw._manifest`` is skipped), so
re-materializing costs one hash per file. Each materialization is one landing batch: its
``batch_id`` is what the stream's blocking data-quality checks judge.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from ingestion import config
from ingestion.landing import FileResult, ingest
from ingestion.streams import STREAMS, Stream
from orchestration.as_of import parse_as_of
from orchestration.resources import WAREHOUSE_POOL, RawRootResource, WarehouseResource

LANDING_GROUP = "landing"
DEFAULT_SETTLE_SECONDS = 30.0
_LISTED_FILES = 50  # files listed in the materialization's metadata


class LandingConfig(dg.Config):
    """Run config of a landing asset (Launchpad: ``ops: {<source>__<stream>: {config: {...}}}``)."""

    as_of: str | None = Field(
        default=None,
        description="UTC time retention periods count back from: rows already past policy are dropped "
        "and counted as expired, IP addresses older than their period nulled. Empty: now.",
    )
    settle_seconds: float | None = Field(
        default=None,
        description="A file changed less than this many seconds ago may still be growing and is left for a "
        f"later run (default EWH_SETTLE_SECONDS, else {DEFAULT_SETTLE_SECONDS:.0f}).",
    )

    def settle(self) -> float:
        return (
            config.settle_seconds(DEFAULT_SETTLE_SECONDS)
            if self.settle_seconds is None
            else self.settle_seconds
        )


def landing_asset_key(stream: Stream) -> dg.AssetKey:
    return dg.AssetKey([stream.source, stream.name])


def landing_op_name(stream: Stream) -> str:
    """The op of the stream's asset (run config goes under ``ops.<this>.config``)."""
    return landing_asset_key(stream).to_python_identifier()


def _files_table(results: list[FileResult]) -> str:
    rows = ["| file | status | rows | quarantined | expired | note |", "|---|---|---:|---:|---:|---|"]
    for r in results[:_LISTED_FILES]:
        note = r.message.replace("|", "/").replace("\n", " ")[:120]
        rows.append(
            f"| {r.path} | {r.status} | {r.rows_landed} | {r.rows_quarantined} | {r.rows_expired} | {note} |"
        )
    if len(results) > _LISTED_FILES:
        rows.append(f"| … {len(results) - _LISTED_FILES} more | | | | | |")
    return "\n".join(rows)


def land_stream(
    context: dg.AssetExecutionContext,
    stream: Stream,
    raw_root: Path,
    warehouse: WarehouseResource,
    cfg: LandingConfig,
) -> dg.MaterializeResult:
    if not raw_root.is_dir():
        context.log.warning(
            f"raw folder {raw_root} does not exist: set EWH_RAW_DIR to where dumps arrive "
            "(<source>/<stream>/...), or run `ewh generate` for sample data"
        )
        raw_root.mkdir(parents=True, exist_ok=True)
    as_of = parse_as_of(cfg.as_of) if cfg.as_of else None
    with warehouse.connect() as con:
        report = ingest(raw_root, con, as_of=as_of, settle_seconds=cfg.settle(), only=[stream])
        total_rows = con.execute(f"select count(*) from {stream.qualified_table}").fetchone()[0]
    for bad in report.refused + report.failed:
        context.log.warning(f"{bad.status} {bad.path}: {bad.message}")
    touched = [r for r in report.files if r.status != "skipped"]
    context.log.info(
        f"{stream.qualified_table}: {len(report.landed)} files landed, {len(report.skipped)} already landed, "
        f"{len(report.pending)} still changing, {len(report.refused)} refused, {len(report.failed)} failed"
    )
    return dg.MaterializeResult(
        metadata={
            "batch_id": report.batch_id,
            "files_landed": len(report.landed),
            "files_skipped": len(report.skipped),
            "files_pending": len(report.pending),
            "files_refused": len(report.refused),
            "files_failed": len(report.failed),
            "rows_landed": report.rows_landed,
            "rows_quarantined": report.rows_quarantined,
            "rows_expired": report.rows_expired,
            "rows_erased": report.rows_erased,
            "dagster/row_count": int(total_rows),
            "raw_folder": dg.MetadataValue.path(str(raw_root / stream.source / stream.name)),
            "files": dg.MetadataValue.md(_files_table(touched) if touched else "no new files"),
        }
    )


def build_landing_asset(stream: Stream) -> dg.AssetsDefinition:
    @dg.asset(
        key=landing_asset_key(stream),
        group_name=LANDING_GROUP,
        description=f"{stream.description}\n\nLands new files of `<raw root>/{stream.source}/{stream.name}/` "
        f"in `{stream.qualified_table}` (key: {', '.join(stream.key)}).",
        kinds={"duckdb", "python"},
        pool=WAREHOUSE_POOL,
        metadata={"dagster/table_name": stream.qualified_table},
    )
    def _land(
        context: dg.AssetExecutionContext,
        config: LandingConfig,
        warehouse: WarehouseResource,
        raw_root: RawRootResource,
    ) -> dg.MaterializeResult:
        return land_stream(context, stream, raw_root.resolved_path(), warehouse, config)

    return _land


def build_landing_assets() -> list[dg.AssetsDefinition]:
    return [build_landing_asset(stream) for stream in STREAMS]
