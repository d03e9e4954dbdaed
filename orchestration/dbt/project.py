"""The dbt project and its manifest (``target/manifest.json``).

The manifest is made by ``dbt parse`` before Dagster loads (``make ui`` runs
``python -m orchestration.dbt.project``), never at import time. Under ``dagster dev`` it is
re-made when a file of the dbt project is newer than it, so an edited model shows up on
"Reload definitions" without paying ``dbt parse`` (4-6 s) on every code-server and run start.
"""

from __future__ import annotations

import fcntl
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster_dbt import DagsterDbtProjectPreparer, DbtCliResource, DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

log = logging.getLogger(__name__)

# Folders and files whose changes change the manifest.
_SOURCE_GLOBS = (
    "dbt_project.yml",
    "packages.yml",
    "dependencies.yml",
    "selectors.yml",
    "models/**/*",
    "macros/**/*",
    "tests/**/*",
    "seeds/**/*",
    "snapshots/**/*",
    "analyses/**/*",
)


class ManifestMissingError(RuntimeError):
    """There is no dbt manifest where the project expects it."""


def dbt_executable() -> str:
    """The ``dbt`` beside this Python (the venv's), so dbt runs without the venv on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def dbt_project(target_path: str | Path = "target") -> DbtProject:
    """The project in ``dbt_project/``, with the committed ``profiles.yml`` beside it.

    ``target_path`` (relative to the project, or absolute) holds the manifest; tests give each
    session its own so they never share dbt artifacts with other runs.
    """
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=target_path)


def _newest_source_mtime(project: DbtProject) -> float:
    newest = 0.0
    for pattern in _SOURCE_GLOBS:
        for path in project.project_dir.glob(pattern):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def manifest_is_stale(project: DbtProject) -> bool:
    path = project.manifest_path
    return not path.exists() or path.stat().st_mtime < _newest_source_mtime(project)


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (one process at a time; others block)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def update_once(target: Path, update: Callable[[], None]) -> None:
    """Run ``update`` (which rewrites ``target``) unless another process rewrote it meanwhile.

    Two code servers starting at once both find the manifest stale: the second waits for the
    first's ``dbt parse`` and then uses its manifest instead of parsing again."""
    before = target.stat().st_mtime if target.exists() else 0.0
    with _exclusive(target):
        if target.exists() and target.stat().st_mtime > before:
            return
        update()


class StaleManifestPreparer(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer, but under ``dagster dev`` it parses only when the manifest is stale,
    and it runs the venv's ``dbt`` (the project has no dbt packages, so no ``dbt deps``)."""

    def prepare_if_dev(self, project: DbtProject) -> None:
        if self.using_dagster_dev() and manifest_is_stale(project):
            super().prepare_if_dev(project)

    def prepare(self, project: DbtProject) -> None:
        update_once(project.manifest_path, lambda: self._parse(project))

    def _parse(self, project: DbtProject) -> None:
        dbt = DbtCliResource(project_dir=project, dbt_executable=dbt_executable())
        dbt.cli(["parse", "--quiet"], target_path=project.project_dir.joinpath(project.target_path)).wait()


def prepare(project: DbtProject) -> Path:
    """Run ``dbt parse`` into the project's target path; return the manifest path."""
    StaleManifestPreparer().prepare(project)
    return project.manifest_path


def load_manifest(project: DbtProject) -> dict[str, Any]:
    """The parsed manifest; under ``dagster dev`` made first when missing or stale."""
    StaleManifestPreparer().prepare_if_dev(project)
    path = project.manifest_path
    if not path.exists():
        raise ManifestMissingError(
            f"no dbt manifest at {path}. Make it with `make ui`, or "
            "`.venv/bin/python -m orchestration.dbt.project` (runs `dbt parse`), then load Dagster again."
        )
    if manifest_is_stale(project):
        log.warning(
            "dbt manifest %s is older than the dbt project; run `python -m orchestration.dbt.project` "
            "to pick up new or changed models",
            path,
        )
    return json.loads(path.read_text())


if __name__ == "__main__":
    manifest = prepare(dbt_project())
    print(f"dbt manifest written to {manifest}", file=sys.stderr)
