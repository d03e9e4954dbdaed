"""A sensor that lands new raw files: it requests the landing assets of the streams that got files.

A file is requested once it has **stopped changing**: its size and modification time on this
tick are the ones recorded on the previous tick (the cursor keeps path -> size and mtime), so a
producer still writing a file (under its final name) is never landed half-written. A file is
not requested when it is already landed (its path and size are in ``raw._manifest``, which
covers files landed by ``ewh ingest``) or was requested before with the same fingerprint.
Landing itself skips a file whose content hash was landed before, and leaves a file changed in
the last ``settle_seconds`` for a later run, so a file seen again costs one hash, never a
duplicate.

While a run writes the warehouse, DuckDB refuses even a read-only connection from the sensor:
the tick is skipped and the next one looks again.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from ingestion.landing import walk
from ingestion.streams import MANIFEST_TABLE, UnknownFormatError, UnknownStreamError, file_format, stream_for
from orchestration.assets.landing import landing_asset_key
from orchestration.jobs import AssetJob
from orchestration.resources import RawRootResource, WarehouseResource

SENSOR_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class NewFile:
    path: str  # relative to the raw root
    fingerprint: str  # "<size>:<mtime_ns>"
    asset_key: dg.AssetKey


def fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def scan(
    raw_root: Path,
    seen: dict[str, str],
    requested: dict[str, str],
    landed: set[tuple[str, int]],
) -> tuple[list[NewFile], dict[str, str], list[str]]:
    """Files unchanged since the last tick and not landed or requested yet; this tick's
    fingerprints; files no stream takes."""
    ready: list[NewFile] = []
    state: dict[str, str] = {}
    ignored: list[str] = []
    for path in walk(raw_root) if raw_root.is_dir() else []:
        rel = path.relative_to(raw_root).as_posix()
        try:
            fp = fingerprint(path)
        except OSError:  # gone between listing and stat
            continue
        state[rel] = fp
        try:
            stream = stream_for(rel)
            file_format(rel)
        except (UnknownStreamError, UnknownFormatError) as exc:
            if rel not in seen:
                ignored.append(str(exc))
            continue
        if seen.get(rel) != fp:
            continue  # new or still changing: look again next tick
        if requested.get(rel) == fp or (rel, int(fp.split(":")[0])) in landed:
            continue
        ready.append(NewFile(rel, fp, landing_asset_key(stream)))
    return ready, state, ignored


class WarehouseBusy(Exception):
    """The warehouse cannot be opened read-only (usually: a run is writing it)."""


def landed_files(warehouse: WarehouseResource) -> set[tuple[str, int]]:
    """(path, bytes) of every file in ``raw._manifest``; raises WarehouseBusy when it cannot be read."""
    path = warehouse.resolved_path()
    if not path.exists():
        return set()
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:  # DuckDB: one writer process, and no reader beside it
        raise WarehouseBusy(str(exc).splitlines()[0]) from exc
    try:
        tables = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = '_manifest'"
        ).fetchone()[0]
        if not tables:
            return set()
        return {
            (p, int(b))
            for p, b in con.execute(f"select file_path, file_bytes from {MANIFEST_TABLE}").fetchall()
        }
    finally:
        con.close()


def build_raw_files_sensor(landing_job: AssetJob) -> dg.SensorDefinition:
    @dg.sensor(
        job=landing_job,
        name="raw_files_sensor",
        minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
        description="Lands new files under the raw root (EWH_RAW_DIR): one run per batch of new files.",
    )
    def raw_files_sensor(
        context: dg.SensorEvaluationContext, raw_root: RawRootResource, warehouse: WarehouseResource
    ) -> dg.SensorResult | dg.SkipReason:
        try:
            landed = landed_files(warehouse)
        except WarehouseBusy as exc:
            return dg.SkipReason(
                f"cannot read the warehouse ({exc}); a run is probably writing it, next tick looks again"
            )
        previous = json.loads(context.cursor) if context.cursor else {}
        seen, requested = previous.get("files", {}), previous.get("requested", {})
        new, state, ignored = scan(raw_root.resolved_path(), seen, requested, landed)
        for message in ignored:
            context.log.warning(f"ignored: {message}")
        requested = {rel: fp for rel, fp in requested.items() if state.get(rel) == fp}
        requested.update({f.path: f.fingerprint for f in new})
        cursor = json.dumps({"files": state, "requested": requested}, sort_keys=True)
        if not new:
            waiting = sum(1 for rel, fp in state.items() if seen.get(rel) != fp)
            reason = (
                f"{waiting} files new or still changing under {raw_root.resolved_path()}: landed once unchanged for a tick"
                if waiting
                else f"no new files under {raw_root.resolved_path()}"
            )
            return dg.SensorResult(skip_reason=dg.SkipReason(reason), cursor=cursor)
        keys = sorted({f.asset_key for f in new}, key=lambda k: k.to_user_string())
        run_key = hashlib.sha256("\n".join(f"{f.path}={f.fingerprint}" for f in new).encode()).hexdigest()[
            :20
        ]
        context.log.info(f"{len(new)} new files for {', '.join(k.to_user_string() for k in keys)}")
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=run_key, asset_selection=keys, tags={"ewh/new_files": str(len(new))})
            ],
            cursor=cursor,
        )

    return raw_files_sensor
