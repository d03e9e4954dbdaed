"""Schedules (DESIGN.md §6), all in UTC. Each run is computed as of its scheduled time, so
re-executing a tick later gives the same result.

- hourly at :00 — landing + incremental build (``hourly_build_job``);
- daily 02:00 — retention pruning and health alerts (``daily_job``);
- weekly Sunday 00:00 — scores (``weekly_scores_job``).

Schedules start stopped; turn them on in the UI (Automation) or with ``dagster schedule start``.
"""

from collections.abc import Iterable
from datetime import datetime

import dagster as dg

from ingestion.retention import tables
from orchestration.as_of import format_as_of
from orchestration.assets.retention import prune_asset_name
from orchestration.dbt.assets import DBT_ASSETS_NAME
from orchestration.jobs import WEEKLY_TAG, Jobs

HOURLY_CRON = "0 * * * *"
DAILY_CRON = "0 2 * * *"
WEEKLY_CRON = "0 0 * * 0"


def as_of_run_config(when: datetime, ops: Iterable[str]) -> dict:
    as_of = format_as_of(when)
    return {"ops": {op: {"config": {"as_of": as_of}} for op in ops}}


def _scheduled_time(context: dg.ScheduleEvaluationContext) -> datetime:
    return context.scheduled_execution_time or datetime.now().astimezone()


def build_schedules(jobs: Jobs) -> list[dg.ScheduleDefinition]:
    prune_ops = [prune_asset_name(t) for t in tables()]
    daily_ops = [*prune_ops, *([DBT_ASSETS_NAME] if jobs.daily_runs_dbt else [])]

    @dg.schedule(job=jobs.hourly, cron_schedule=HOURLY_CRON, execution_timezone="UTC", name="hourly_build")
    def hourly_build(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return dg.RunRequest(run_config=as_of_run_config(_scheduled_time(context), [DBT_ASSETS_NAME]))

    @dg.schedule(
        job=jobs.daily, cron_schedule=DAILY_CRON, execution_timezone="UTC", name="daily_prune_and_alerts"
    )
    def daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return dg.RunRequest(run_config=as_of_run_config(_scheduled_time(context), daily_ops))

    @dg.schedule(job=jobs.weekly, cron_schedule=WEEKLY_CRON, execution_timezone="UTC", name="weekly_scores")
    def weekly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        if not jobs.weekly_runs_dbt:
            return dg.SkipReason(
                f"no dbt model is tagged '{WEEKLY_TAG}' yet: tag the score models "
                f"(+tags: ['{WEEKLY_TAG}'] in dbt_project.yml); until then the hourly build builds them"
            )
        return dg.RunRequest(run_config=as_of_run_config(_scheduled_time(context), [DBT_ASSETS_NAME]))

    return [hourly_build, daily, weekly]
