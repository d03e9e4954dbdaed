"""Fixtures of the orchestration tests.

- ``dbt_project_tmp`` (session): the dbt project with its manifest parsed into a temporary
  target path (one ``dbt parse`` per session, never the shared ``dbt_project/target``);
- ``definitions`` (session): the project's ``Definitions`` built on that manifest;
- ``ewh_env``: this test's own warehouse, raw root and DAGSTER_HOME, set in the environment the
  resources read (``EWH_WAREHOUSE``, ``EWH_RAW_DIR``);
- ``instance``: an ephemeral Dagster instance.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import DbtProject

sys.path.insert(0, str(Path(__file__).parent))  # rawdata.py, the hand-made dataset

from orchestration.dbt.project import dbt_project, prepare  # noqa: E402
from orchestration.definitions import build_definitions  # noqa: E402


@dataclass(frozen=True)
class EwhEnv:
    warehouse: Path
    raw_root: Path
    dagster_home: Path
    serving: Path


@pytest.fixture(autouse=True)
def land_files_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test files are complete when written: landing need not wait for them to settle."""
    monkeypatch.setenv("EWH_SETTLE_SECONDS", "0")


@pytest.fixture(scope="session")
def dbt_project_tmp(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = dbt_project(tmp_path_factory.mktemp("dbt") / "target")
    prepare(project)
    return project


@pytest.fixture(scope="session")
def definitions(dbt_project_tmp: DbtProject) -> dg.Definitions:
    return build_definitions(dbt_project_tmp)


@pytest.fixture
def ewh_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EwhEnv:
    env = EwhEnv(
        tmp_path / "warehouse.duckdb",
        tmp_path / "raw",
        tmp_path / "dagster_home",
        tmp_path / "serving.duckdb",
    )
    env.raw_root.mkdir()
    env.dagster_home.mkdir()
    monkeypatch.setenv("EWH_WAREHOUSE", str(env.warehouse))
    monkeypatch.setenv("EWH_SERVING", str(env.serving))
    monkeypatch.setenv("EWH_RAW_DIR", str(env.raw_root))
    monkeypatch.setenv("DAGSTER_HOME", str(env.dagster_home))
    return env


@pytest.fixture
def instance(ewh_env: EwhEnv) -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst
