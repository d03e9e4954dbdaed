"""The small soak: 3 simulated days of hourly deliveries driven by the scheduled jobs.

From Sunday 00:00 to Wednesday 00:00: a build every 24 hours, landing in between, prune + daily
marts at 02:00, the weekly scores at Monday 00:00; a reader process on the serving database the
whole time. ``make soak`` runs the 30-day version. (A build every 12 hours, as the 30-day run's
cadence would suggest, costs three more builds and put ``make test`` at 11 minutes on 2 cores.)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from orchestration.soak import SoakConfig, render, run_soak

pytestmark = [pytest.mark.dagster, pytest.mark.dbt]

THREE_DAY_RETENTION = {
    "retention_widget_raw_events_days": 1,
    "retention_sessions_days": 2,
    "retention_ip_address_days": 1,
    "retention_behavior_default_days": 2,
    "retention_quarantine_days": 1,
}


def test_three_days_on_the_schedule_stay_green(tmp_path: Path) -> None:
    cfg = SoakConfig(
        workdir=tmp_path / "soak",
        days=3,
        build_every=24,
        history_days=2,
        start=datetime(2026, 5, 31),  # a Sunday: the run crosses Monday 00:00
        accounts=2,
        users_per_account=3,
        retention=dict(THREE_DAY_RETENTION),
        say=False,
        persistent_instance=False,  # the same runs, a third of the event-log cost
    )
    result = run_soak(cfg)
    report = render(result)
    assert result.ok, report
    assert result.reader_queries > 30 and result.reader_failures == 0, report
    jobs = {s.job for s in result.steps}
    assert {"landing_job", "hourly_build_job", "daily_job", "weekly_scores_job"} <= jobs, report
    assert set(result.comparison.values()) == {"equal"}, report
    assert result.kept_beyond_raw["marts.widget_daily_stats"] > 0, report
