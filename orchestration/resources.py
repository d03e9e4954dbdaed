"""Resources: the DuckDB warehouse (with its one-writer lock), the serving database, the raw root, dbt.

Paths come from ``EWH_WAREHOUSE``, ``EWH_SERVING`` and ``EWH_RAW_DIR`` through Dagster's
``EnvVar``, resolved when a run or sensor starts (never at import time); relative paths are
relative to the project root, as everywhere in the project (``ingestion/config.py``). The
definitions read ``.env`` from the project root first, like the ``ewh`` command.

**One writer at a time.** Every run holds the warehouse's writer lock (``ingestion/warehouse.py``)
from the start of its first step to its end: a run started from the UI, a schedule, the sensor
or the ``dagster`` CLI (which runs in-process, outside the run queue) waits for a running
``ewh`` command or another run, and the reverse. The run queue (``orchestration/dagster.yaml``)
additionally starts one warehouse run at a time. Sensor ticks only read, and skip a tick while
the warehouse is busy.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, DbtProject
from pydantic import Field, PrivateAttr

from ingestion import config
from ingestion.warehouse import WarehouseError, wait_until_free, warehouse, writer_lock
from orchestration.dbt.project import dbt_executable

# Every op that opens the warehouse runs in this pool (limit 1 in orchestration/dagster.yaml).
WAREHOUSE_POOL = "ewh_warehouse"
# Run tag of every job that touches the warehouse, limited to one run at a time in orchestration/dagster.yaml.
WAREHOUSE_RUN_TAGS = {"ewh/warehouse": "write"}


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file (``EWH_WAREHOUSE``; empty means ``data/warehouse.duckdb``)."""

    path: str = Field(
        default="", description="Path of the DuckDB file (empty: EWH_WAREHOUSE, read when a run starts)."
    )
    lock_wait_seconds: float | None = Field(
        default=None,
        description="How long to wait for another writer or reader to let go (default EWH_LOCK_WAIT or 600).",
    )
    _lock: contextlib.ExitStack | None = PrivateAttr(default=None)

    def resolved_path(self) -> Path:
        return config.resolve(self.path) if self.path else config.warehouse_path()

    def wait(self) -> float:
        return config.lock_wait_seconds() if self.lock_wait_seconds is None else self.lock_wait_seconds

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is None:  # a sensor or schedule tick: reads only, holds nothing
            return
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(
                writer_lock(
                    self.resolved_path(),
                    wait=self.wait(),
                    purpose=f"dagster run {context.run.run_id[:8]} ({context.run.job_name})",
                    notify=context.log.info if context.log else None,
                )
            )
        except WarehouseError as exc:
            stack.close()
            raise dg.Failure(str(exc)) from None
        self._lock = stack

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection closed on exit (never held across steps), raw tables ensured when writable."""
        try:
            with warehouse(self.resolved_path(), read_only=read_only, wait=self.wait()) as con:
                yield con
        except WarehouseError as exc:
            raise dg.Failure(str(exc)) from None

    def wait_until_free(self) -> None:
        """Wait until no other process has the file open (dbt, a subprocess, must open it)."""
        try:
            wait_until_free(self.resolved_path(), wait=self.wait())
        except WarehouseError as exc:
            raise dg.Failure(str(exc)) from None

    @contextmanager
    def dbt_env(self, extra: dict[str, str] | None = None) -> Iterator[None]:
        """Point dbt's profile (``env_var('EWH_WAREHOUSE')``) at this warehouse while dbt starts,
        with the variables of ``extra`` (e.g. ``EWH_AS_OF``) set too."""
        values = {"EWH_WAREHOUSE": str(self.resolved_path()), **(extra or {})}
        old = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for name, value in old.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


class ServingResource(dg.ConfigurableResource):
    """The read-only serving database BI tools and notebooks open (``EWH_SERVING``)."""

    path: str = Field(default="", description="Path of the serving DuckDB file (empty: EWH_SERVING).")

    def resolved_path(self) -> Path:
        return config.resolve(self.path) if self.path else config.serving_path()


class RawRootResource(dg.ConfigurableResource):
    """Where raw dumps arrive, as ``<source>/<stream>/…`` (``EWH_RAW_DIR``; empty means ``data/raw``)."""

    path: str = Field(default="", description="Raw landing root folder (empty: EWH_RAW_DIR).")

    def resolved_path(self) -> Path:
        return config.resolve(self.path) if self.path else config.raw_dir()


def build_resources(project: DbtProject) -> dict[str, dg.ConfigurableResource]:
    """The resources of the Definitions; their paths are read from the environment when a run starts."""
    return {
        "warehouse": WarehouseResource(),
        "serving": ServingResource(),
        "raw_root": RawRootResource(),
        "dbt": DbtCliResource(
            project_dir=project, profiles_dir=str(project.profiles_dir), dbt_executable=dbt_executable()
        ),
    }
