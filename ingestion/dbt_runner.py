"""Run dbt on the project with the committed profile, the warehouse path and the vars.

dbt runs in a subprocess so that its environment (``EWH_WAREHOUSE``, ``EWH_AS_OF``) is explicit
per call and no global state leaks between runs (tests build several warehouses in one process).
Every run gets the vars of ``EWH_DBT_VARS`` (``ingestion/config.py``) under its own.

``as_of`` travels as the environment variable ``EWH_AS_OF``, not as ``--vars``: dbt re-parses
the whole project when its command-line vars change, and the macro ``as_of()``
(``dbt_project/macros/as_of.sql``) reads the variable only at run time, so consecutive builds
with different ``as_of`` reuse dbt's partial parse (``target/partial_parse.msgpack``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingestion.config import dbt_project_dir, dbt_var_overrides


class DbtError(RuntimeError):
    """dbt exited non-zero; the message carries the tail of its output."""


LOCK_CONFLICT = "Could not set lock on file"


@dataclass(frozen=True)
class DbtResult:
    returncode: int
    output: str
    run_results: dict | None

    def counts(self) -> dict[str, int]:
        """Counts of node results by resource type and status, e.g. {'model:success': 12}."""
        out: dict[str, int] = {}
        for r in (self.run_results or {}).get("results", []):
            kind = r["unique_id"].split(".")[0]
            key = f"{kind}:{r['status']}"
            out[key] = out.get(key, 0) + 1
        return out

    def summary(self) -> dict[str, int]:
        counts = self.counts()
        return {
            "models": sum(v for k, v in counts.items() if k.startswith("model:")),
            "models_built": counts.get("model:success", 0),
            "tests": sum(v for k, v in counts.items() if k.startswith(("test:", "unit_test:"))),
            "tests_passed": counts.get("test:pass", 0) + counts.get("unit_test:pass", 0),
        }

    def failures(self) -> list[str]:
        """One line per node that errored or failed: '<node>: <message>'."""
        lines = []
        for r in (self.run_results or {}).get("results", []):
            if r["status"] in ("error", "fail", "runtime error"):
                message = (r.get("message") or "").strip().splitlines()
                lines.append(f"{r['unique_id'].split('.')[-1]}: {message[0] if message else r['status']}")
        return lines


def _dbt_command() -> list[str]:
    """The dbt executable of this environment (beside the running Python)."""
    script = Path(sys.executable).parent / "dbt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dbt.cli.main"]


AS_OF_ENV = "EWH_AS_OF"


def dbt_vars(extra: dict | None = None) -> dict:
    """The ``--vars`` of a run: ``EWH_DBT_VARS``, then ``extra`` on top."""
    return {**dbt_var_overrides(), **(extra or {})}


def dbt_environment(as_of: str | None = None) -> dict[str, str]:
    """The environment variables a run adds: ``EWH_AS_OF`` when ``as_of`` is given."""
    return {AS_OF_ENV: as_of} if as_of else {}


def artifact_args(project: Path, target_path: Path | None) -> tuple[Path, list[str]]:
    """Where dbt writes its artifacts, and the flags that move them (and its logs) there."""
    if not target_path:
        return project / "target", []
    target = Path(target_path).resolve()
    return target, ["--target-path", str(target), "--log-path", str(target / "logs")]


def file_log_args() -> list[str]:
    """dbt's log file at ``info`` (what ran, how long, every error) instead of ``debug``.

    At ``debug`` dbt writes every SQL statement it sends into ``dbt.log``; on a small warehouse
    that is about a tenth of a build's time. ``DBT_LOG_LEVEL_FILE=debug`` in the environment
    brings the SQL back (then no flag is passed and dbt reads the variable)."""
    return [] if os.environ.get("DBT_LOG_LEVEL_FILE") else ["--log-level-file", "info"]


def vars_args(vars: dict | None) -> list[str]:
    """``--vars`` with ``EWH_DBT_VARS`` and ``vars`` on top, when there are any."""
    values = dbt_vars(vars)
    return ["--vars", json.dumps(values)] if values else []


def execute(
    cmd: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    target: Path,
    what: str,
    check: bool,
    on_line: Callable[[str], None] | None,
) -> DbtResult:
    """Run a dbt command line: stream its output to ``on_line``, read ``target/run_results.json``.

    With ``check`` a non-zero exit raises :class:`DbtError` naming ``what`` and the output's tail."""
    results_path = target / "run_results.json"
    results_path.unlink(missing_ok=True)
    env = {**env}
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    with subprocess.Popen(
        list(cmd), env=env, cwd=cwd, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1
    ) as proc:
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if on_line:
                on_line(line.rstrip("\n"))
        returncode = proc.wait()
    output = "".join(lines)
    run_results = json.loads(results_path.read_text()) if results_path.exists() else None
    result = DbtResult(returncode, output, run_results)
    if check and returncode != 0:
        tail = "\n".join(output.splitlines()[-60:])
        raise DbtError(f"{what} failed (exit {returncode}).\n{tail}")
    return result


def run_dbt(
    args: Sequence[str],
    *,
    warehouse: str | Path,
    as_of: str | None = None,
    vars: dict | None = None,
    check: bool = True,
    on_line: Callable[[str], None] | None = None,
    project_dir: Path | None = None,
    target_path: Path | None = None,
) -> DbtResult:
    """Run ``dbt <args>`` against ``warehouse`` and return its output and run results.

    ``as_of`` ('YYYY-MM-DD HH:MM:SS', UTC) is what every time-relative model is computed as of
    (``EWH_AS_OF``); ``vars`` adds dbt vars. ``on_line`` receives
    each line of dbt's output as it comes (the output is captured either way). With ``check``
    a non-zero exit raises :class:`DbtError`. ``target_path`` moves dbt's ``target/`` and logs
    (tests give each warehouse its own, so runs never share artifacts).
    """
    project = (project_dir or dbt_project_dir()).resolve()
    env = {**os.environ, "EWH_WAREHOUSE": str(Path(warehouse).resolve()), **dbt_environment(as_of)}
    target, moved = artifact_args(project, target_path)
    cmd = [
        *_dbt_command(),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        *moved,
        *file_log_args(),
    ]
    return execute(
        [*cmd, *vars_args(vars)],
        env=env,
        cwd=project,
        target=target,
        what=f"dbt {' '.join(args)}",
        check=check,
        on_line=on_line,
    )
