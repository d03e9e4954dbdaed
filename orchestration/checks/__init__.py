"""Data-quality suites (great-expectations on pandas frames pulled from DuckDB) as asset checks.

Each suite is a list of :class:`~orchestration.checks.expectations.Expect` rules; every rule is
one Dagster check spec, and one great-expectations validation per frame evaluates them all.
"""
