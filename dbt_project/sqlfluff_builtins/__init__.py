"""dbt's context for sqlfluff's jinja templater, rendered the DuckDB way (`make lint`).

sqlfluff renders the models with plain Jinja: ``apply_dbt_builtins`` stubs ``ref``, ``source``,
``config``, ``is_incremental`` (always true) and ``this``, and the project's own macros are
loaded from macros/. This package adds the rest of what the models and macros call. Every
public name here, and every module beside this file, becomes a Jinja global:

- ``var``: the project's real defaults from dbt_project.yml (sqlfluff's stub returns a string,
  and ``var('session_timeout_minutes') * 60 * 1000000`` would render 240 MB of it);
- ``run_started_at``: a fixed time, so the rendered SQL is the same from run to run;
- ``dbt`` (cross-database macros), ``adapter`` (``dispatch`` picks the ``default__`` form, the
  DuckDB one), ``exceptions`` and ``target``: modules beside this file.

Nothing here runs in a dbt build.
"""

import datetime as _datetime
from pathlib import Path as _Path

import yaml as _yaml

_PROJECT_VARS = _yaml.safe_load((_Path(__file__).parent.parent / "dbt_project.yml").read_text())["vars"]

run_started_at = _datetime.datetime(2026, 1, 1)


def var(name: str, default: object = None) -> object:
    """The value dbt_project.yml gives ``name``, else ``default``."""
    return _PROJECT_VARS.get(name, default)
