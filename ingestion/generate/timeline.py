"""Vectorized time machinery: segmented sums, hour profiles and the staff session process.

A staff member's sessions follow a renewal process: candidate sessions one after the
other, each ``duration + 30 min + Exp(m)`` after the previous one's start, then thinned by
the hour-of-day profile, the weekend and the persona's activity window. Thinning only
removes sessions, so two kept sessions are always more than 30 minutes apart and the
warehouse's 30-minute rule finds exactly these sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ingestion.generate.config import DAY_MS, HOUR_MS, MINUTE_MS

if TYPE_CHECKING:
    from ingestion.generate.population import World

# Relative activity by local hour: office hours for staff, evenings for web visitors.
STAFF_HOURS = np.array(
    [0.02, 0.01, 0.01, 0.01, 0.01, 0.03, 0.10, 0.30, 0.70, 1.0, 1.0, 1.0,
     0.8, 0.9, 1.0, 1.0, 0.9, 0.7, 0.4, 0.3, 0.25, 0.2, 0.1, 0.05]
)  # fmt: skip
VISITOR_HOURS = np.array(
    [0.15, 0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.35, 0.6, 0.8, 0.9, 0.95,
     1.0, 0.95, 0.9, 0.9, 0.85, 0.8, 0.85, 0.95, 1.0, 0.9, 0.6, 0.3]
)  # fmt: skip
GAP_SIGMA = 0.9  # log-normal spread of the time between two events of a session
SESSION_GAP_MS = 30 * MINUTE_MS


def offsets(counts: np.ndarray) -> np.ndarray:
    """Index of the first element of each segment of a flat array."""
    return np.cumsum(counts) - counts


def seg_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Inclusive cumulative sum restarting at each segment (segments given by their sizes)."""
    total = np.cumsum(values)
    starts = offsets(counts)
    base = np.zeros(len(counts), dtype=total.dtype)
    nonempty = counts > 0
    base[nonempty] = total[starts[nonempty]] - values[starts[nonempty]]
    return total - np.repeat(base, counts)


def seg_rank(counts: np.ndarray) -> np.ndarray:
    """0-based position of every element inside its segment."""
    return np.arange(int(counts.sum())) - np.repeat(offsets(counts), counts)


def forward_fill_index(valid: np.ndarray, seg_first: np.ndarray) -> np.ndarray:
    """For each element, the index of the last valid element of its segment at or before it.

    A segment's first element counts as valid, so the fill never leaks across segments.
    """
    idx = np.where(valid | seg_first, np.arange(len(valid)), 0)
    return np.maximum.accumulate(idx) if len(idx) else idx


def local_hour_and_weekday(ms: np.ndarray, tz_min: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local hour (0-23) and ISO weekday (0 = Monday) of UTC epoch milliseconds."""
    local = ms + tz_min.astype(np.int64) * MINUTE_MS
    return (local // HOUR_MS) % 24, (local // DAY_MS + 3) % 7


def choose(rng: np.random.Generator, weights: tuple[float, ...] | np.ndarray, size: int) -> np.ndarray:
    """Draw ``size`` category codes with the given relative weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def sample_hours(rng: np.random.Generator, profile: np.ndarray, size: int) -> np.ndarray:
    """Milliseconds after local midnight, following an hour-of-day profile."""
    return (choose(rng, profile, size) * HOUR_MS + rng.integers(0, HOUR_MS, size)).astype(np.int64)


@dataclass(frozen=True)
class Activity:
    """Per-actor arrays (one element per staff member) saying when and how much they work."""

    rate: np.ndarray  # sessions per weekday at full activity
    weekend: np.ndarray  # weekend multiplier
    tz_min: np.ndarray  # local UTC offset in minutes
    active_from: np.ndarray  # ms
    active_until: np.ndarray  # ms
    drop_at: np.ndarray  # ms from which activity is multiplied by drop_factor
    drop_factor: np.ndarray
    events_mean: np.ndarray  # events per session
    gap_median_s: np.ndarray  # median seconds between two events of a session


@dataclass(frozen=True)
class Sessions:
    """Sessions and their events; events are grouped by session, sessions by actor and time."""

    actor: np.ndarray
    start: np.ndarray
    count: np.ndarray
    ev_session: np.ndarray
    ev_actor: np.ndarray
    ev_time: np.ndarray
    ev_rank: np.ndarray

    @property
    def first(self) -> np.ndarray:
        """Index of each session's first event."""
        return offsets(self.count)


def simulate_sessions(act: Activity, end_ms: int, scale: float, rng: np.random.Generator,
                      hours: np.ndarray = STAFF_HOURS) -> Sessions:  # fmt: skip
    """Draw the sessions and events of every actor between its active window bounds.

    ``scale`` < 1 thins sessions; ``scale`` > 1 keeps the sessions and packs ``scale`` times
    more events into each (closer together), so the 30-minute gaps survive any volume.
    """
    thin, pack = min(scale, 1.0), max(scale, 1.0)
    lo = act.active_from.astype(np.int64)
    hi = np.minimum(act.active_until, end_ms).astype(np.int64)
    ev_mean = np.maximum(act.events_mean * pack, 1.0)
    gap_median = act.gap_median_s * 1000.0 / pack
    duration = (ev_mean - 1.0) * gap_median * np.exp(GAP_SIGMA**2 / 2)
    per_day = act.rate * thin / hours.mean()
    spacing = DAY_MS / np.maximum(per_day, 1e-9)
    exp_mean = np.maximum(spacing - SESSION_GAP_MS - duration, 5 * MINUTE_MS)
    cycle = SESSION_GAP_MS + duration + exp_mean
    live = (per_day > 0) & (hi > lo)
    n_cand = np.where(live, np.ceil((hi - lo) / cycle * 1.3 + 4), 0).astype(np.int64)

    c_actor = np.repeat(np.arange(len(lo)), n_cand)
    n_ev = 1 + rng.poisson(ev_mean[c_actor] - 1.0)
    owner = np.repeat(np.arange(len(c_actor)), n_ev)
    gaps = rng.lognormal(np.log(gap_median[c_actor][owner]), GAP_SIGMA)
    first = offsets(n_ev)
    gaps[first] = 0.0
    rel = seg_cumsum(gaps, n_ev)
    dur = rel[first + n_ev - 1] if len(first) else np.zeros(0)
    step = dur + SESSION_GAP_MS + 1000 + rng.exponential(exp_mean[c_actor])
    lead = rng.uniform(0, 1, len(lo)) * cycle
    start = (lo + lead)[c_actor] + seg_cumsum(step, n_cand) - step

    hour, weekday = local_hour_and_weekday(start.astype(np.int64), act.tz_min[c_actor])
    p = hours[hour] * np.where(weekday >= 5, act.weekend[c_actor], 1.0)
    p = p * np.where(start >= act.drop_at[c_actor], act.drop_factor[c_actor], 1.0)
    keep = (start <= hi[c_actor]) & (rng.random(len(start)) < p)

    new_id = np.cumsum(keep) - 1
    ev_keep = keep[owner]
    ev_time = (start[owner] + rel).astype(np.int64)
    ev_actor = c_actor[owner]
    ev_keep &= ev_time <= hi[ev_actor]
    ev_rank = (np.arange(len(owner)) - first[owner])[ev_keep]
    ev_session = new_id[owner][ev_keep]
    n_sessions = int(keep.sum())
    return Sessions(
        actor=c_actor[keep],
        start=start[keep].astype(np.int64),
        count=np.bincount(ev_session, minlength=n_sessions).astype(np.int64),
        ev_session=ev_session,
        ev_actor=ev_actor[ev_keep],
        ev_time=ev_time[ev_keep],
        ev_rank=ev_rank,
    )


def persona_activity(world: World, personas: dict[str, tuple]) -> Activity:
    """Session parameters of every user: (rate, weekend, events_mean, gap_median_s) from the
    persona table of an app, activity windows and usage drops from the user, timezone from the account."""
    users = world.users
    params = np.array([personas[u.persona][:4] for u in users], dtype=float).reshape(-1, 4)
    return Activity(
        rate=params[:, 0],
        weekend=params[:, 1],
        tz_min=np.array([world.accounts[u.account].tz_min for u in users], dtype=np.int64),
        active_from=np.array([u.active_from_ms for u in users], dtype=np.int64),
        active_until=np.array([u.active_until_ms for u in users], dtype=np.int64),
        drop_at=np.array([u.drop_at_ms for u in users], dtype=np.int64),
        drop_factor=np.array([u.drop_factor for u in users], dtype=float),
        events_mean=params[:, 2],
        gap_median_s=params[:, 3],
    )
