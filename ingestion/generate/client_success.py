"""Client-success streams: engagement events and onboarding task state changes."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ingestion.generate import vocab
from ingestion.generate.columns import Vocab, frame_keys, strings, table
from ingestion.generate.config import DAY_MS, HOUR_MS, MINUTE_MS
from ingestion.generate.population import NEVER, User, World, entity_hex
from ingestion.generate.timeline import Activity, choose, simulate_sessions
from ingestion.generate.writer import Frame
from ingestion.streams import STREAMS_BY_TABLE

# sessions per weekday, weekend factor, events per session, median gap (s)
LEVELS = {
    "power": (1.8, 0.5, 6.0, 50.0),
    "active": (1.2, 0.3, 5.0, 60.0),
    "casual": (0.7, 0.2, 4.0, 60.0),
    "dormant": (0.3, 0.1, 4.0, 60.0),
    "heavy": (2.5, 1.0, 8.0, 45.0),
}
LOGIN, PAGE_VIEW, TASK_COMPLETED = 0, 1, 2
FEEDBACK = vocab.CS_EVENT_TYPES.index("feedback_given")
# (min, max) seconds spent per event type
DURATIONS = (
    (1, 5),
    (5, 180),
    (60, 1800),
    (30, 900),
    (20, 600),
    (10, 300),
    (10, 120),
    (2, 20),
    (5, 60),
    (5, 60),
)


@dataclass(frozen=True)
class TaskChange:
    task_id: str
    client: int
    task_type: str
    title: str
    status: str
    time_ms: int


def _window(world: World, u: User) -> tuple[int, int, int, float, str]:
    """(active from, active until, drop at, drop factor, level) of a client."""
    rnd = random.Random(f"{world.seed}:cs:{u.idx}")
    e = world.end_ms
    start, until, drop, factor = u.active_from_ms, u.active_until_ms, u.drop_at_ms, u.drop_factor
    level = u.persona
    persona = u.cs_persona
    if persona == "quiet_2d":
        until = e - rnd.randint(50 * 60, 62 * 60) * MINUTE_MS
    elif persona == "quiet_4d":
        until = e - rnd.randint(int(4.2 * 1440), 6 * 1440) * MINUTE_MS
    elif persona == "drop_last_week":
        drop, factor, level = world.week_start_ms - 7 * DAY_MS, 0.05, "heavy"
    elif persona == "drop_this_week":
        drop, factor, level = min(world.week_start_ms, e - 2 * DAY_MS), 0.05, "heavy"
    elif persona == "new_client":
        start = max(start, e - rnd.randint(5, 12) * DAY_MS)
    return start, until, drop, factor, level


def activity(world: World) -> Activity:
    """Session parameters of every client (one per staff user)."""
    windows = [_window(world, u) for u in world.users]
    params = np.array([LEVELS[w[4]] for w in windows], dtype=float).reshape(-1, 4)
    return Activity(
        rate=params[:, 0],
        weekend=params[:, 1],
        tz_min=np.array([world.accounts[u.account].tz_min for u in world.users], dtype=np.int64),
        active_from=np.array([w[0] for w in windows], dtype=np.int64),
        active_until=np.array([w[1] for w in windows], dtype=np.int64),
        drop_at=np.array([w[2] for w in windows], dtype=np.int64),
        drop_factor=np.array([w[3] for w in windows], dtype=float),
        events_mean=params[:, 2],
        gap_median_s=params[:, 3],
    )


def count_events(world: World, scale: float, rng: np.random.Generator) -> int:
    """Number of engagement events a run at ``scale`` produces (task completions aside)."""
    return len(simulate_sessions(activity(world), world.end_ms, scale, rng).ev_time)


def tasks(world: World) -> list[TaskChange]:
    """Every task state change: todo → in_progress → done, some stalled or not started."""
    changes: list[TaskChange] = []
    for u in world.users:
        start, until, *_ = _window(world, u)
        if start >= min(until, world.end_ms):
            continue
        changes.extend(_client_tasks(world, u, start, min(until, world.end_ms)))
    changes.sort(key=lambda c: (c.time_ms, c.task_id))
    return changes


def _client_tasks(world: World, u: User, start: int, until: int) -> list[TaskChange]:
    rnd = random.Random(f"{world.seed}:tasks:{u.idx}")
    begin = start + rnd.randint(0, 36 * 60) * MINUTE_MS
    plan = [("onboarding", title) for title in vocab.ONBOARDING_TASKS] + [
        ("launch_kit", vocab.LAUNCH_KIT_TASK)
    ]
    plan += [("other", t) for t in rnd.sample(vocab.OTHER_TASKS, rnd.randint(0, 2))]
    stalled = rnd.randrange(len(vocab.ONBOARDING_TASKS)) if u.cs_persona == "stalled_task" else -1
    out: list[TaskChange] = []
    for j, (task_type, title) in enumerate(plan):
        task_id = "tsk_" + entity_hex(world.seed, "task", u.idx, j)[:12]
        created = begin + j * rnd.randint(1000, 5000)
        started = created + int(rnd.expovariate(1 / 1.5) * DAY_MS) + rnd.randint(1, 3600) * 1000
        # a task being worked on is done within 2.5 days (median a day); only the planted
        # stalled task (persona stalled_task) sits in progress longer than the 72 h alert
        work_days = min(rnd.lognormvariate(0.0, 0.8), 2.5)
        done = started + int(work_days * DAY_MS) + rnd.randint(60, 7200) * 1000
        if u.cs_persona == "new_client" and rnd.random() < 0.4:
            started = NEVER  # not started yet
        if j == stalled:
            started = max(created + HOUR_MS, world.end_ms - rnd.randint(4 * 24, 8 * 24) * HOUR_MS)
            done = NEVER
        for status, at in (("todo", created), ("in_progress", started), ("done", done)):
            if at > until:
                break
            out.append(TaskChange(task_id, u.idx, task_type, title, status, at))
    return out


def tasks_frame(world: World, changes: list[TaskChange]) -> Frame:
    """The ``client_success/tasks`` frame."""
    t = np.array([c.time_ms for c in changes], dtype=np.int64)
    users = world.users
    cols = {
        **frame_keys(len(changes), t, DAY_MS),
        "task_id": [c.task_id for c in changes],
        "client_id": [users[c.client].user_id for c in changes],
        "organization_id": [world.accounts[users[c.client].account].account_id for c in changes],
        "task_type": [c.task_type for c in changes],
        "title": [c.title for c in changes],
        "status": [c.status for c in changes],
        "t": t,
    }
    sql = """select task_id, client_id, organization_id, task_type, title, status, iso(t) as updated_at,
      _rec, _copy, _ord from {src}"""
    return Frame(STREAMS_BY_TABLE["client_success__tasks"], table(cols), sql)


def events(world: World, scale: float, changes: list[TaskChange], rng: np.random.Generator) -> Frame:
    """The ``client_success/events`` frame: sessions of engagement plus one task_completed per done task."""
    s = simulate_sessions(activity(world), world.end_ms, scale, rng)
    n = len(s.ev_time)
    etype = choose(rng, vocab.CS_EVENT_WEIGHTS, n)
    etype[s.ev_rank == 0] = LOGIN
    session = np.repeat(np.arange(len(s.start)), s.count)
    done = [c for c in changes if c.status == "done"]
    client = np.concatenate([s.ev_actor, [c.client for c in done]]).astype(np.int64)
    t = np.concatenate([s.ev_time, [c.time_ms for c in done]]).astype(np.int64)
    etype = np.concatenate([etype, np.full(len(done), TASK_COMPLETED)])
    session = np.concatenate([session, np.full(len(done), -1)])
    task_ref = np.concatenate([np.full(n, -1), np.arange(len(done))])
    order = np.lexsort((task_ref, t))
    client, t, etype, session, task_ref = (
        client[order],
        t[order],
        etype[order],
        session[order],
        task_ref[order],
    )
    m = len(t)
    d1, d2, k1 = _details(world, client, etype, task_ref, done, rng)
    lo, hi = (np.array(x)[etype] for x in zip(*DURATIONS, strict=True))
    users = world.users
    cols = {
        **frame_keys(m, t, DAY_MS),
        "client_id": strings(client, [u.user_id for u in users]),
        "organization_id": strings(client, [world.accounts[u.account].account_id for u in users]),
        "event_type": strings(etype, vocab.CS_EVENT_TYPES),
        "d1": d1,
        "d2": d2,
        "k1": k1,
        "task_ref": strings(task_ref, [c.task_id for c in done]),
        "sess": session,
        "duration": np.where(etype == 5, k1, rng.integers(lo, hi + 1)).astype(np.int32),
        "t": t,
    }
    return Frame(STREAMS_BY_TABLE["client_success__events"], table(cols), EVENTS_SQL)


def _details(world: World, client: np.ndarray, etype: np.ndarray, task_ref: np.ndarray,
             done: list[TaskChange], rng: np.random.Generator) -> tuple[pa.Array, pa.Array, np.ndarray]:  # fmt: skip
    """Generic detail columns per event type: d1 and d2 (strings), k1 (integer)."""
    m = len(etype)
    options = {
        LOGIN: ("password", "magic_link", "google"),
        PAGE_VIEW: vocab.CS_PAGES,
        3: vocab.CONTENT_TYPES,
        4: vocab.VISUAL_TYPES,
        5: vocab.VOICE_INTENTS,
        6: vocab.INSIGHT_TYPES,
        7: vocab.EXPORT_FORMATS,
        8: vocab.SETTINGS,
        FEEDBACK: vocab.FEEDBACK_CONTEXTS,
    }
    words = Vocab()
    d1 = np.full(m, -1, dtype=np.int32)
    for kind, texts in options.items():
        rows = np.flatnonzero(etype == kind)
        d1[rows] = words.codes(texts)[rng.integers(0, len(texts), len(rows))]
    rows = np.flatnonzero(etype == TASK_COMPLETED)
    d1[rows] = words.codes([c.title for c in done])[task_ref[rows]]
    d2 = np.full(m, -1, dtype=np.int32)
    d2[rows] = words.codes([c.task_type for c in done])[task_ref[rows]]
    k1 = np.zeros(m, dtype=np.int64)
    for kind, lo, hi in ((3, 80, 1500), (5, 10, 300), (6, 0, 5000)):
        rows = np.flatnonzero(etype == kind)
        k1[rows] = rng.integers(lo, hi, len(rows))
    rows = np.flatnonzero(etype == FEEDBACK)
    mean = np.array([u.satisfaction for u in world.users])[client[rows]]
    k1[rows] = np.clip(np.round(rng.normal(mean, 0.8)), 1, 5).astype(np.int64)
    return words.column(d1), words.column(d2), k1


EVENTS_SQL = """select
  gid('ce', _rec) as id,
  client_id, organization_id, event_type,
  case event_type
    when 'login' then json_object('method', d1)
    when 'page_view' then json_object('page', d1)
    when 'task_completed' then json_object('task_id', task_ref, 'task_title', d1, 'task_type', d2)
    when 'content_generated' then json_object('content_id', 'cnt_' || hexid('cc', _rec, 10),
      'content_type', d1, 'word_count', k1)
    when 'visual_created' then json_object('visual_id', 'vis_' || hexid('cv', _rec, 10), 'visual_type', d1)
    when 'voice_interaction' then json_object('intent', d1, 'duration_seconds', k1)
    when 'insight_reviewed' then json_object('insight_id', 'ins_' || hexid('ci', k1, 10), 'insight_type', d1)
    when 'export_downloaded' then json_object('format', d1, 'item', 'report')
    when 'settings_updated' then json_object('setting', d1)
    when 'feedback_given' then json_object('score', k1, 'context', d1)
  end as event_data,
  case when sess >= 0 then gid('cs', sess) end as session_id,
  duration as duration_seconds,
  iso(t) as created_at,
  _rec, _copy, _ord
from {src}"""
