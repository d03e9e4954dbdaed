"""Settings read at call time (never at import time): paths, waits, and the dbt vars Python shares.

Every path resolves from the project root (the folder holding ``dbt_project/``), whatever the
working folder: ``EWH_WAREHOUSE=data/warehouse.duckdb`` means ``<root>/data/warehouse.duckdb``
for the CLI, for Dagster and for dbt's profile alike. ``.env`` in the project root is read by
:func:`load_env` (the ``ewh`` command and the Dagster definitions call it); a variable already
set in the environment wins over ``.env``.

Values that Python and dbt must agree on (retention periods, grade lists, score bounds) live
once, as vars in ``dbt_project/dbt_project.yml``; :func:`project_vars` reads them, with the
overrides of ``EWH_DBT_VARS`` (a JSON object, also passed to every dbt run).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_SERVING = "data/serving.duckdb"
DEFAULT_RAW_DIR = "data/raw"
DEFAULT_EXPORTS_DIR = "data/exports"
DEFAULT_LOCK_WAIT_SECONDS = 600.0


class ConfigError(ValueError):
    """A setting has a value the project cannot use; the message says which and how to fix it."""


def project_root() -> Path:
    """The repository root (the folder holding ``dbt_project/``)."""
    return Path(__file__).resolve().parent.parent


def dbt_project_dir() -> Path:
    return project_root() / "dbt_project"


def load_env() -> None:
    """Read ``<root>/.env`` into the environment, leaving variables already set alone."""
    from dotenv import load_dotenv

    env_file = project_root() / ".env"
    if env_file.is_file():
        load_dotenv(env_file, override=False)


def resolve(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute: relative paths are relative to the project root."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else project_root() / candidate


def _path_setting(name: str, default: str) -> Path:
    return resolve(os.environ.get(name) or default)


def warehouse_path() -> Path:
    """The DuckDB warehouse named by ``EWH_WAREHOUSE`` (default ``data/warehouse.duckdb``)."""
    return _path_setting("EWH_WAREHOUSE", DEFAULT_WAREHOUSE)


def serving_path() -> Path:
    """The read-only serving database named by ``EWH_SERVING`` (default ``data/serving.duckdb``)."""
    return _path_setting("EWH_SERVING", DEFAULT_SERVING)


def raw_dir() -> Path:
    """The raw landing root named by ``EWH_RAW_DIR`` (default ``data/raw``)."""
    return _path_setting("EWH_RAW_DIR", DEFAULT_RAW_DIR)


def duckdb_memory_limit() -> str:
    """DuckDB's buffer-pool limit for every connection the project opens (``EWH_DUCKDB_MEMORY_LIMIT``,
    default ``8GB``; the dbt profile reads the same variable). Beyond it DuckDB spills to disk."""
    return os.environ.get("EWH_DUCKDB_MEMORY_LIMIT") or "8GB"


def duckdb_threads() -> int:
    """DuckDB's threads for every connection the project opens (``EWH_DUCKDB_THREADS``, default 2)."""
    value = os.environ.get("EWH_DUCKDB_THREADS") or "2"
    try:
        threads = int(value)
    except ValueError:
        threads = 0
    if threads < 1:
        raise ConfigError(f"EWH_DUCKDB_THREADS={value!r} is not a positive whole number; set it to e.g. 2")
    return threads


def exports_dir() -> Path:
    """Where exports, extracts, reports and digests go (``EWH_EXPORTS_DIR``, default ``data/exports``)."""
    return _path_setting("EWH_EXPORTS_DIR", DEFAULT_EXPORTS_DIR)


def _float_setting(name: str, default: float) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError as exc:
        raise ConfigError(f"{name}={text!r} is not a number of seconds; set it to e.g. 600") from exc
    if value < 0:
        raise ConfigError(f"{name}={text!r} is negative; set it to 0 or more seconds")
    return value


def lock_wait_seconds() -> float:
    """How long a writer waits for the warehouse lock (``EWH_LOCK_WAIT``, default 600 s)."""
    return _float_setting("EWH_LOCK_WAIT", DEFAULT_LOCK_WAIT_SECONDS)


def settle_seconds(default: float = 0.0) -> float:
    """How long a raw file must have stayed unchanged before it is landed (``EWH_SETTLE_SECONDS``)."""
    return _float_setting("EWH_SETTLE_SECONDS", default)


def dbt_var_overrides() -> dict[str, Any]:
    """The vars of ``EWH_DBT_VARS`` (a JSON object), passed to every dbt run and read by Python."""
    text = os.environ.get("EWH_DBT_VARS")
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ConfigError(
            f"EWH_DBT_VARS is not JSON ({exc}); set it to an object such as '{{\"x\": 1}}'"
        ) from exc
    if not isinstance(value, dict):
        raise ConfigError("EWH_DBT_VARS must be a JSON object such as '{\"x\": 1}'")
    return value


@lru_cache(maxsize=4)
def _declared_vars(project_file: Path, mtime_ns: int) -> dict[str, Any]:
    import yaml

    document = yaml.safe_load(project_file.read_text()) or {}
    return dict(document.get("vars") or {})


def project_vars() -> dict[str, Any]:
    """The vars declared in ``dbt_project.yml``, with ``EWH_DBT_VARS`` on top."""
    project_file = dbt_project_dir() / "dbt_project.yml"
    declared = _declared_vars(project_file, project_file.stat().st_mtime_ns)
    return {**declared, **dbt_var_overrides()}


def vocabulary(name: str) -> tuple[str, ...]:
    """A value list of ``dbt_project.yml``'s vars (e.g. ``performance_grades``), in its order: the
    one list the marts' ``accepted_values`` tests, the report and the evaluation all read."""
    values = project_var(name)
    if not isinstance(values, list):
        raise TypeError(f"dbt var {name!r} is not a list of values")
    return tuple(str(v) for v in values)


def project_var(name: str) -> Any:
    """One var of ``dbt_project.yml`` (after overrides); a missing var is a programming error."""
    values = project_vars()
    if name not in values:
        raise KeyError(f"dbt var {name!r} is not declared in dbt_project/dbt_project.yml")
    return values[name]
