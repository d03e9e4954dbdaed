"""Schedules, all in UTC. Each run is computed as of its scheduled time, so re-executing a tick
later gives the same marts (every op of the run gets the tick as its ``as_of``).

- hourly at :00 — landing + incremental build + serving (``hourly_build_job``);
- daily 02:00 — retention pruning first, then health and alerts (``daily_job``);
- weekly Monday 00:00 — scores of the ISO week that just ended (``weekly_scores_job``).

Schedules start stopped; turn them on in the UI (Automation) or with ``dagster schedule start``.
"""

from collections.abc import Iterable
from datetime import datetime

import dagster as dg

from ingestion.retention import tables
from ingestion.streams import STREAMS
from orchestration.as_of import format_as_of
from orchestration.assets.landing import landing_op_name
from orchestration.assets.retention import prune_asset_name
from orchestration.assets.serving import SERVING_ASSET
from orchestration.dbt.assets import DBT_ASSETS_NAME
from orchestration.jobs import WEEKLY_TAG, Jobs

HOURLY_CRON = "0 * * * *"
DAILY_CRON = "0 2 * * *"
WEEKLY_CRON = "0 0 * * 1"


def as_of_run_config(when: datetime, ops: Iterable[str]) -> dict:
    as_of = format_as_of(when)
    return {"ops": {op: {"config": {"as_of": as_of}} for op in ops}}


def landing_ops() -> list[str]:
    return [landing_op_name(s) for s in STREAMS]


def hourly_ops() -> list[str]:
    return [*landing_ops(), DBT_ASSETS_NAME, SERVING_ASSET]


def daily_ops(runs_dbt: bool) -> list[str]:
    return [*(prune_asset_name(t) for t in tables()), *([DBT_ASSETS_NAME, SERVING_ASSET] if runs_dbt else [])]


def weekly_ops() -> list[str]:
    return [DBT_ASSETS_NAME, SERVING_ASSET]


def _scheduled_time(context: dg.ScheduleEvaluationContext) -> datetime:
    return context.scheduled_execution_time or datetime.now().astimezone()


def build_schedules(jobs: Jobs) -> list[dg.ScheduleDefinition]:
    @dg.schedule(job=jobs.hourly, cron_schedule=HOURLY_CRON, execution_timezone="UTC", name="hourly_build")
    def hourly_build(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return dg.RunRequest(run_config=as_of_run_config(_scheduled_time(context), hourly_ops()))

    @dg.schedule(
        job=jobs.daily, cron_schedule=DAILY_CRON, execution_timezone="UTC", name="daily_prune_and_alerts"
    )
    def daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return dg.RunRequest(
            run_config=as_of_run_config(_scheduled_time(context), daily_ops(jobs.daily_runs_dbt))
        )

    @dg.schedule(job=jobs.weekly, cron_schedule=WEEKLY_CRON, execution_timezone="UTC", name="weekly_scores")
    def weekly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        if not jobs.weekly_runs_dbt:
            return dg.SkipReason(
                f"no dbt model is tagged '{WEEKLY_TAG}' yet: tag the score models "
                f"(+tags: ['{WEEKLY_TAG}'] in dbt_project.yml); until then the hourly build builds them"
            )
        return dg.RunRequest(run_config=as_of_run_config(_scheduled_time(context), weekly_ops()))

    return [hourly_build, daily, weekly]
