"""Shared pytest fixtures.

Plain helpers (write and land raw fixtures, query a warehouse) live in ``tests/helpers.py``.

dbt integration fixtures:
- ``make_warehouse(directory)`` -> path of a new warehouse file with every raw table, empty;
- ``dbt_build(warehouse, directory, args=("build",))`` -> ``DbtResult``; dbt's target and logs
  go to ``directory/target``, so two warehouses never share dbt artifacts;
- ``empty_warehouse`` -> a fresh empty warehouse in the test's own tmp dir.

``make_warehouse`` and ``dbt_build`` are session-scoped callables so that module-scoped
fixtures (one dbt build per test module) can use them too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from ingestion.dbt_runner import DbtResult, run_dbt
from ingestion.warehouse import warehouse


def _make_warehouse(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "warehouse.duckdb"
    with warehouse(path):
        pass
    return path


def _dbt_build(
    warehouse: Path, directory: Path, args: Sequence[str] = ("build",), **kwargs: object
) -> DbtResult:
    return run_dbt(list(args), warehouse=warehouse, target_path=directory / "target", **kwargs)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--spark",
        action="store_true",
        help="run the Spark tests (marker spark; needs the spark extra and Java 17: make test-spark)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Spark tests run with --spark only, and then alone: they are deselected, never skipped.

    Then the soak (minutes, one test) first, then the fast pure-Python user-agent table: under
    ``make test`` (pytest-xdist, one module per worker, two modules handed to each worker at the
    start, in this order) the soak starts at once on one worker with only a cheap module queued
    behind it, while the other worker takes every other module."""
    spark = config.getoption("--spark")
    chosen = [item for item in items if (item.get_closest_marker("spark") is not None) == spark]
    if len(chosen) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = chosen
    first = ("tests/orchestration/test_soak.py", "tests/test_user_agents.py")

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return first.index(path) if path in first else len(first)

    items.sort(key=rank)  # stable: every other test keeps its place


@pytest.fixture(autouse=True)
def _keep_away_from_the_projects_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the project's own data/ folder: every path defaults to a scratch one."""
    scratch = tmp_path_factory.getbasetemp() / "default_paths"
    monkeypatch.setenv("EWH_WAREHOUSE", str(scratch / "warehouse.duckdb"))
    monkeypatch.setenv("EWH_SERVING", str(scratch / "serving.duckdb"))
    monkeypatch.setenv("EWH_RAW_DIR", str(scratch / "raw"))
    monkeypatch.setenv("EWH_EXPORTS_DIR", str(scratch / "exports"))
    monkeypatch.setenv("EWH_SPARK_DIR", str(scratch / "spark"))
    monkeypatch.delenv("EWH_SPARK_LANDING", raising=False)
    monkeypatch.delenv("EWH_DBT_VARS", raising=False)


@pytest.fixture(scope="session")
def make_warehouse() -> Callable[[Path], Path]:
    """Factory: ``make_warehouse(directory)`` creates ``directory/warehouse.duckdb``, raw tables empty."""
    return _make_warehouse


@pytest.fixture(scope="session")
def dbt_build() -> Callable[..., DbtResult]:
    """``dbt_build(warehouse, directory, args=("build",), **run_dbt_kwargs)``; raises DbtError on failure."""
    return _dbt_build


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Path:
    """A new warehouse with every raw table and no rows, in this test's tmp dir."""
    return _make_warehouse(tmp_path / "empty_warehouse")
