"""The Spark settings of the dbt profile's ``spark`` target, and a session built from them.

The profile (``dbt_project/profiles.yml``, target ``spark``) is the one place the settings
live: its ``server_side_parameters`` are rendered here the way dbt renders them (``env_var``
with defaults), so landing and dbt open the same Derby metastore and warehouse folder under
``EWH_SPARK_DIR`` (default ``data/spark``). The embedded Derby metastore admits one JVM at a
time: landing and dbt run one after the other, never side by side.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingestion import config

DEFAULT_SPARK_DIR = "data/spark"
TARGET = "spark"


def spark_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder Spark keeps everything in (``EWH_SPARK_DIR``, default ``data/spark``)."""
    environ = os.environ if environ is None else environ
    return config.resolve(environ.get("EWH_SPARK_DIR") or DEFAULT_SPARK_DIR)


def spark_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment of a Spark process (from ``environ``, default this process's): ``EWH_SPARK_DIR``
    absolute (the profile then needs no working folder), the driver bound to the loopback interface."""
    environ = os.environ if environ is None else environ
    return {
        "EWH_SPARK_DIR": str(spark_dir(environ)),
        "SPARK_LOCAL_IP": environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
    }


def use_spark_environment() -> None:
    """Set :func:`spark_environment` in this process (before the first session starts)."""
    os.environ.update(spark_environment())


def _render(value: Any) -> str:
    import jinja2

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise KeyError(f"the dbt profile reads env var {name}, which is not set")
        return default

    return jinja2.Environment().from_string(str(value)).render(env_var=env_var)


def profile_settings() -> dict[str, str]:
    """The ``server_side_parameters`` of the profile's ``spark`` target, rendered."""
    import yaml

    use_spark_environment()
    profiles = yaml.safe_load((config.dbt_project_dir() / "profiles.yml").read_text())
    (profile,) = profiles.values()
    target = profile["outputs"][TARGET]
    return {key: _render(value) for key, value in (target.get("server_side_parameters") or {}).items()}


def spark_session():
    """The Spark session of this process, started with the profile's settings if there is none."""
    import warnings

    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "pyspark is not installed: run `make test-spark` or `pip install '.[spark]'`"
        ) from exc
    spark_dir().mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("engagement-warehouse").enableHiveSupport()
    for key, value in profile_settings().items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
