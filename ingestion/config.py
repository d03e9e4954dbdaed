"""Settings read from the environment, at call time (never at import time)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_RAW_DIR = "data/raw"


def warehouse_path() -> Path:
    """The DuckDB file named by ``EWH_WAREHOUSE`` (default ``data/warehouse.duckdb``)."""
    return Path(os.environ.get("EWH_WAREHOUSE") or DEFAULT_WAREHOUSE)


def raw_dir() -> Path:
    """The raw landing root named by ``EWH_RAW_DIR`` (default ``data/raw``)."""
    return Path(os.environ.get("EWH_RAW_DIR") or DEFAULT_RAW_DIR)


def project_root() -> Path:
    """The repository root (the folder holding ``dbt_project/``)."""
    return Path(__file__).resolve().parent.parent


def dbt_project_dir() -> Path:
    return project_root() / "dbt_project"
