"""dbt on Spark: ``python -m ingestion.spark.dbt <dbt args>`` runs dbt with target ``spark``.

dbt-spark runs Python models only on Databricks (its ``job_cluster`` and ``all_purpose_cluster``
submission methods); for the ``session`` method (a local pyspark driver inside the dbt process)
it has no helper, and a Python model fails with "Submission method … is not supported". This
launcher adds one, ``session``, the default on that method: it runs the compiled model code in
this process with the Spark session dbt's connections already use, so the model reads and
writes the same tables as the SQL models (``df.write.saveAsTable`` of dbt-spark's
materialization code). Everything else is plain dbt: ``python -m ingestion.spark.dbt build``
is ``dbt build --target spark`` with the project and profile folders filled in.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ingestion.config import dbt_project_dir
from ingestion.dbt_runner import DbtResult, artifact_args, dbt_environment, execute, vars_args
from ingestion.spark.session import TARGET, spark_environment, use_spark_environment


class SessionPythonJobHelper:
    """Runs a compiled dbt Python model in the dbt process, on its Spark session."""

    def __init__(self, parsed_model: dict, credentials: object) -> None:
        self.parsed_model = parsed_model
        self.credentials = credentials

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()  # the session of dbt-spark's session connection
        name = self.parsed_model.get("original_file_path") or self.parsed_model.get(
            "name", "<dbt python model>"
        )
        exec(compile(compiled_code, name, "exec"), {"__name__": "__dbt_python_model__", "spark": spark})


_installed = False


def install_session_helper() -> None:
    """Add the ``session`` Python submission method to dbt-spark (once per process)."""
    global _installed
    if _installed:
        return
    from dbt.adapters.spark.connections import SparkConnectionMethod
    from dbt.adapters.spark.impl import SparkAdapter

    helpers = SparkAdapter.python_submission_helpers
    default_method = SparkAdapter.default_python_submission_method

    def python_submission_helpers(self):  # noqa: ANN001, ANN202 - dbt's property signature
        return {**helpers.fget(self), "session": SessionPythonJobHelper}

    def default_python_submission_method(self):  # noqa: ANN001, ANN202
        if self.config.credentials.method == SparkConnectionMethod.SESSION:
            return "session"
        return default_method.fget(self)

    SparkAdapter.python_submission_helpers = property(python_submission_helpers)
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)
    _installed = True


def dbt_args(args: Sequence[str]) -> list[str]:
    """``args`` with the project and profile folders and ``--target spark`` unless given."""
    out = list(args)
    project = str(dbt_project_dir())
    if "--project-dir" not in out:
        out += ["--project-dir", project]
    if "--profiles-dir" not in out:
        out += ["--profiles-dir", project]
    if "--target" not in out and "-t" not in out:
        out += ["--target", TARGET]
    return out


def run_spark_dbt(
    args: Sequence[str],
    *,
    as_of: str | None = None,
    vars: dict | None = None,
    check: bool = True,
    on_line: Callable[[str], None] | None = None,
    target_path: Path | None = None,
    environment: dict[str, str] | None = None,
) -> DbtResult:
    """``dbt <args> --target spark`` in a subprocess (one JVM per call), like ``run_dbt`` on DuckDB.

    ``environment`` adds variables to the subprocess's (e.g. another ``EWH_SPARK_DIR``)."""
    project = dbt_project_dir()
    target, moved = artifact_args(project, target_path)
    env = {**os.environ, **dbt_environment(as_of), **(environment or {})}
    env.update(spark_environment(env))
    return execute(
        [sys.executable, "-m", "ingestion.spark.dbt", *args, *moved, *vars_args(vars)],
        env=env,
        cwd=project,
        target=target,
        what=f"dbt {' '.join(args)} --target spark",
        check=check,
        on_line=on_line,
    )


# dbt commands that open a connection (and so start the Spark driver)
CONNECTING_COMMANDS = {
    "build",
    "run",
    "test",
    "seed",
    "snapshot",
    "show",
    "run-operation",
    "compile",
    "debug",
    "source",
    "docs",
    "retry",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = dbt_args(sys.argv[1:] if argv is None else argv)
    use_spark_environment()
    install_session_helper()
    if args and args[0] in CONNECTING_COMMANDS:
        # start the driver with the profile's settings and quiet logging before dbt does: dbt-spark
        # then finds it (getOrCreate), and Spark's per-statement warnings stay out of dbt's output
        from ingestion.spark.session import spark_session

        spark_session()
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    if result.exception is not None and not result.success:
        print(f"dbt failed: {result.exception}", file=sys.stderr)
        return 2
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
