"""Resources: the DuckDB warehouse, the raw landing root and dbt.

Paths come from ``EWH_WAREHOUSE`` and ``EWH_RAW_DIR`` through Dagster's ``EnvVar``, resolved
when a run or sensor starts (never at import time). ``EnvVar`` has no default of its own: the
Makefile exports the defaults (``data/warehouse.duckdb``, ``data/raw``), and ``dagster dev``
started by hand reads them from ``.env`` in its working directory (copy ``.env.example``).
Relative paths are relative to the working directory (the repository root).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, DbtProject
from pydantic import Field

from ingestion.config import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE
from ingestion.warehouse import connect
from orchestration.dbt.project import dbt_executable

# Every op that opens the warehouse runs in this pool. DuckDB allows one writer process, and a
# reader cannot open the file while another process writes it, so the pool's limit is 1
# (orchestration/dagster.yaml: concurrency.pools, granularity "run": a run waits until no other run holds it).
WAREHOUSE_POOL = "ewh_warehouse"
# Run tag of every job that touches the warehouse, limited to one run at a time in orchestration/dagster.yaml.
WAREHOUSE_RUN_TAGS = {"ewh/warehouse": "write"}
# How long an op waits for the file lock when another process (the sensor reading raw._manifest,
# a BI tool, a data scientist's read-only session) has the warehouse open.
LOCK_WAIT_SECONDS = 60.0


def _connect_waiting_for_lock(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.2
    while True:
        try:
            return connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() + delay > deadline:
                raise dg.Failure(
                    f"cannot open the warehouse {path}: {exc}. Another process holds it; close DuckDB "
                    "sessions on this file (BI tools, notebooks, `duckdb` CLI) and re-run."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file (``EWH_WAREHOUSE``; empty means ``data/warehouse.duckdb``)."""

    path: str = Field(default="", description="Path of the DuckDB file; created with every raw table.")

    def resolved_path(self) -> Path:
        return Path(self.path or DEFAULT_WAREHOUSE).expanduser().resolve()

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection closed on exit (DuckDB lets one process write; never hold it across steps)."""
        path = self.resolved_path()
        if read_only and not path.exists():
            raise dg.Failure(
                f"warehouse {path} does not exist yet: materialize the landing assets (group 'landing') "
                "or run `ewh ingest` first."
            )
        con = _connect_waiting_for_lock(path, read_only)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def dbt_env(self) -> Iterator[None]:
        """Point dbt's profile (``env_var('EWH_WAREHOUSE')``) at this warehouse while dbt starts."""
        old = os.environ.get("EWH_WAREHOUSE")
        os.environ["EWH_WAREHOUSE"] = str(self.resolved_path())
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("EWH_WAREHOUSE", None)
            else:
                os.environ["EWH_WAREHOUSE"] = old


class RawRootResource(dg.ConfigurableResource):
    """Where raw dumps arrive, as ``<source>/<stream>/…`` (``EWH_RAW_DIR``; empty means ``data/raw``)."""

    path: str = Field(default="", description="Raw landing root folder.")

    def resolved_path(self) -> Path:
        return Path(self.path or DEFAULT_RAW_DIR).expanduser().resolve()


def build_resources(project: DbtProject) -> dict[str, dg.ConfigurableResource]:
    """The resources of the Definitions, configured from the environment at run time."""
    return {
        "warehouse": WarehouseResource(path=dg.EnvVar("EWH_WAREHOUSE")),
        "raw_root": RawRootResource(path=dg.EnvVar("EWH_RAW_DIR")),
        "dbt": DbtCliResource(
            project_dir=project, profiles_dir=str(project.profiles_dir), dbt_executable=dbt_executable()
        ),
    }
