"""Suites as data, validated with great-expectations on a pandas DataFrame.

great-expectations' SQL datasource does not work with DuckDB, so the rows to validate are pulled
into pandas first (only the columns the suite needs). great-expectations is imported on first
use (3-4 s), not when Dagster loads the definitions.

A rule names a great-expectations expectation class and the column it applies to. The column can
be a glob (``*_score``), which expands over the frame's columns when the check runs, so a mart
that gains a score column is checked without a code change; ``numeric_only`` keeps numeric
columns only. One rule = one Dagster check spec; the per-column outcomes go in its metadata.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Expect:
    """One expectation of a suite (one check spec)."""

    name: str  # check name: letters, digits and underscores
    expectation: str  # great-expectations class, e.g. "ExpectColumnValuesToBeBetween"
    column: str | None = None  # a column, a glob of columns, or None for a table-level expectation
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    numeric_only: bool = False
    where_not_null: str | None = None  # only rows where this column is set

    @property
    def is_glob(self) -> bool:
        return self.column is not None and bool(_GLOB_CHARS & set(self.column))

    def columns_in(self, frame_columns: Sequence[str], numeric: set[str]) -> list[str]:
        if self.column is None:
            return []
        if not self.is_glob:
            return [self.column] if self.column in frame_columns else []
        return [
            c
            for c in frame_columns
            if fnmatch.fnmatchcase(c, self.column) and (not self.numeric_only or c in numeric)
        ]


def between(
    column: str,
    low: float | None,
    high: float | None,
    *,
    name: str,
    numeric_only: bool = False,
    description: str = "",
) -> Expect:
    bounds = f"{'-inf' if low is None else low}..{'inf' if high is None else high}"
    return Expect(
        name=name,
        expectation="ExpectColumnValuesToBeBetween",
        column=column,
        kwargs={"min_value": low, "max_value": high},
        description=description or f"`{column}` within {bounds} (nulls allowed)",
        numeric_only=numeric_only,
    )


def in_set(column: str, values: Sequence[str], *, name: str) -> Expect:
    return Expect(
        name=name,
        expectation="ExpectColumnValuesToBeInSet",
        column=column,
        kwargs={"value_set": list(values)},
        description=f"`{column}` one of {', '.join(values)} (nulls allowed)",
    )


def not_null(column: str, *, name: str, description: str = "", where_not_null: str | None = None) -> Expect:
    return Expect(
        name=name,
        expectation="ExpectColumnValuesToNotBeNull",
        column=column,
        description=description or f"`{column}` is never null",
        where_not_null=where_not_null,
    )


@dataclass
class Outcome:
    passed: bool
    description: str
    metadata: dict[str, Any]


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _summary(result: Any) -> dict[str, Any]:
    keep = (
        "element_count",
        "unexpected_count",
        "unexpected_percent",
        "partial_unexpected_list",
        "observed_value",
    )
    out = {k: _jsonable(v) for k, v in (result.result or {}).items() if k in keep}
    if result.exception_info and result.exception_info.get("raised_exception"):
        out["exception"] = str(result.exception_info.get("exception_message"))[:500]
    return out


@lru_cache(maxsize=1)
def _batch_definition() -> Any:
    """One ephemeral great-expectations context per process, with a pandas source whose batch is
    the frame passed at validation time (setting up a context costs ten times a validation)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm bars in run logs
    return (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset("frames")
        .add_batch_definition_whole_dataframe("whole")
    )


def validate(frame: pd.DataFrame, suite: Sequence[Expect], suite_name: str) -> dict[str, Outcome]:
    """Validate ``frame`` against ``suite``; return one outcome per rule name."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    columns = [str(c) for c in frame.columns]
    numeric = {str(c) for c in frame.select_dtypes(include="number").columns}
    outcomes: dict[str, Outcome] = {}
    expectations = []
    for rule in suite:
        targets = rule.columns_in(columns, numeric)
        if rule.column is not None and not targets:
            what = "no column matches" if rule.is_glob else "missing column"
            outcomes[rule.name] = Outcome(
                False,
                f"{what} `{rule.column}` (columns: {', '.join(columns)}); "
                "fix the table or this rule's suite in orchestration/checks/",
                {"columns_checked": []},
            )
            continue
        expectation_cls = getattr(gxe, rule.expectation)
        for column in targets or [None]:
            kwargs = dict(rule.kwargs)
            if column is not None:
                kwargs["column"] = column
            if rule.where_not_null:
                kwargs["row_condition"] = Column(rule.where_not_null).is_not_null()
            expectations.append(expectation_cls(**kwargs, meta={"rule": rule.name, "column": column}))

    per_rule: dict[str, list[tuple[str | None, Any]]] = {}
    if expectations:
        gx_suite = gx.ExpectationSuite(name=suite_name, expectations=expectations)
        result = _batch_definition().get_batch(batch_parameters={"dataframe": frame}).validate(gx_suite)
        for r in result.results:
            meta = r.expectation_config.meta or {}
            per_rule.setdefault(meta["rule"], []).append((meta.get("column"), r))

    for rule in suite:
        if rule.name in outcomes:
            continue
        results = per_rule.get(rule.name, [])
        failed = [column or "(table)" for column, r in results if not r.success]
        by_column = {column or "(table)": _summary(r) for column, r in results}
        passed = bool(results) and not failed
        description = rule.description + (f"; failed on {', '.join(failed)}" if failed else "")
        outcomes[rule.name] = Outcome(
            passed,
            description,
            {
                "columns_checked": [c or "(table)" for c, _ in results],
                "rows": len(frame),
                "results": by_column,
            },
        )
    return outcomes
