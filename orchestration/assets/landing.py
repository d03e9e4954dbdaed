"""One asset per raw stream (DESIGN.md §3): land the stream's new files in ``raw.<source>__<stream>``.

Keys are ``[<source>, <stream>]``, exactly what dagster-dbt gives the dbt source
``source('<source>', '<stream>')``, so the landing assets are the dbt sources' upstream in the
lineage graph. Landing is idempotent (a file already in ``raw._manifest`` is skipped), so
re-materializing costs one hash per file.
"""

from pathlib import Path

import dagster as dg

from ingestion.landing import FileResult, discover, land_file
from ingestion.streams import STREAMS, Stream, UnknownFormatError, UnknownStreamError
from orchestration.resources import WAREHOUSE_POOL, RawRootResource, WarehouseResource

LANDING_GROUP = "landing"
_LISTED_FILES = 50  # files listed in the materialization's metadata


def landing_asset_key(stream: Stream) -> dg.AssetKey:
    return dg.AssetKey([stream.source, stream.name])


def stream_files(raw_root: Path, stream: Stream) -> list[Path]:
    """The files under ``<raw root>/<source>/<stream>/``, any sub-folders, sorted."""
    folder = raw_root / stream.source / stream.name
    return discover(folder) if folder.is_dir() else []


def _files_table(results: list[FileResult]) -> str:
    rows = ["| file | status | rows | quarantined | note |", "|---|---|---:|---:|---|"]
    for r in results[:_LISTED_FILES]:
        note = r.message.replace("|", "/").replace("\n", " ")[:120]
        rows.append(f"| {r.path} | {r.status} | {r.rows_landed} | {r.rows_quarantined} | {note} |")
    if len(results) > _LISTED_FILES:
        rows.append(f"| … {len(results) - _LISTED_FILES} more | | | | |")
    return "\n".join(rows)


def land_stream(
    context: dg.AssetExecutionContext, stream: Stream, raw_root: Path, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    if not raw_root.is_dir():
        context.log.warning(
            f"raw folder {raw_root} does not exist: set EWH_RAW_DIR to where dumps arrive "
            "(<source>/<stream>/...), or run `ewh generate` for sample data"
        )
    files = stream_files(raw_root, stream)
    results: list[FileResult] = []
    with warehouse.connect() as con:
        for path in files:
            try:
                result = land_file(con, raw_root, path)
            except (UnknownStreamError, UnknownFormatError) as exc:
                result = FileResult(path.relative_to(raw_root).as_posix(), None, "refused", message=str(exc))
                context.log.warning(f"refused {result.path}: {exc}")
            results.append(result)
        total_rows = con.execute(f"select count(*) from {stream.qualified_table}").fetchone()[0]
    landed = [r for r in results if r.status == "landed"]
    touched = [r for r in results if r.status != "skipped"]
    context.log.info(
        f"{stream.qualified_table}: {len(landed)} files landed, "
        f"{sum(r.status == 'skipped' for r in results)} already landed, "
        f"{sum(r.status == 'refused' for r in results)} refused"
    )
    return dg.MaterializeResult(
        metadata={
            "files_landed": len(landed),
            "files_skipped": sum(r.status == "skipped" for r in results),
            "files_refused": sum(r.status == "refused" for r in results),
            "rows_landed": sum(r.rows_landed for r in landed),
            "rows_quarantined": sum(r.rows_quarantined for r in landed),
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
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, raw_root: RawRootResource
    ) -> dg.MaterializeResult:
        return land_stream(context, stream, raw_root.resolved_path(), warehouse)

    return _land


def build_landing_assets() -> list[dg.AssetsDefinition]:
    return [build_landing_asset(stream) for stream in STREAMS]
