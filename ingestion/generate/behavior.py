"""Behavior-tracking rows: tool usage, exports, milestones, navigation …"""

from __future__ import annotations

import numpy as np

from ingestion.generate import vocab
from ingestion.generate.columns import Vocab, frame_keys, nullable, strings, table
from ingestion.generate.config import DAY_MS, HOUR_MS
from ingestion.generate.population import World
from ingestion.generate.timeline import Activity, choose, offsets, persona_activity, simulate_sessions
from ingestion.generate.writer import Frame
from ingestion.streams import STREAMS_BY_TABLE

# persona: sessions per weekday, weekend factor, events per session, median gap (s), tools used
PERSONAS = {
    "power": (2.0, 0.15, 12.0, 60.0, 4),
    "active": (1.0, 0.05, 8.0, 70.0, 3),
    "casual": (0.3, 0.05, 5.0, 80.0, 2),
    "dormant": (0.4, 0.05, 5.0, 80.0, 1),
}
(TOOL_USAGE, EXPORT, MILESTONE, SCALING, PROFESSIONAL, NAVIGATION, CONTENT, GENERATION, SHARE,
 PROGRESSION) = range(10)  # fmt: skip
MILESTONES = (
    "Completed first comprehensive ICP analysis",
    "Built first cost-of-inaction model",
    "Presented first business case",
    "Applied five frameworks in live deals",
)
TOOL_PATHS = ("/icp", "/cost-calculator", "/business-case", "/resources")


def activity(world: World) -> Activity:
    """Session parameters of every user in the tools app (same windows as the product)."""
    return persona_activity(world, PERSONAS)


def count_events(world: World, scale: float, rng: np.random.Generator) -> int:
    """Number of rows a run at ``scale`` produces."""
    return len(simulate_sessions(activity(world), world.end_ms, scale, rng).ev_time)


def events(world: World, scale: float, rng: np.random.Generator) -> Frame:
    """The ``behavior/events`` frame."""
    s = simulate_sessions(activity(world), world.end_ms, scale, rng)
    n = len(s.ev_time)
    user, t = s.ev_actor, s.ev_time
    etype = choose(rng, vocab.BEHAVIOR_EVENT_WEIGHTS, n)
    etype[s.ev_rank == 0] = NAVIGATION
    perms = np.array([u.tools for u in world.users], dtype=np.int64)
    breadth = np.array([PERSONAS[u.persona][4] for u in world.users], dtype=np.int64)[user]
    tool = perms[user, np.floor(rng.random(n) ** 1.3 * breadth).astype(np.int64)]
    section = tool * 4 + rng.integers(0, 4, n)
    no_tool = (etype == NAVIGATION) & (rng.random(n) < 0.2)
    meta = _metadata(etype, tool, rng)
    impact = np.array(vocab.BEHAVIOR_IMPACT)[etype] + np.where(rng.random(n) < 0.1, rng.choice([-1, 1], n), 0)
    impact = np.where(meta.failed, 1, np.clip(impact, 0, 2))
    competency = np.where(rng.random(n) < 0.15, rng.integers(0, 4, n), tool)
    competency = np.where((etype == NAVIGATION) & (rng.random(n) < 0.5), -1, competency)
    session = np.repeat(np.arange(len(s.start)), s.count)
    last = np.zeros(n, dtype=bool)
    last[offsets(s.count) + s.count - 1] = True
    next_t = np.append(t[1:], 0)
    on_page = np.where(last, rng.lognormal(np.log(30_000), 0.7, n).astype(np.int64), next_t - t)
    deleted = rng.random(n) < 0.005
    deleted_at = np.minimum(t + rng.integers(HOUR_MS, 10 * DAY_MS, n), world.end_ms)
    accounts = world.accounts
    user_idx = user.astype(np.int32)
    cols = {
        **frame_keys(n, t, DAY_MS),
        "customer_id": strings(user_idx, [u.user_id for u in world.users]),
        "sess": session,
        "event_type": strings(etype, vocab.BEHAVIOR_EVENT_TYPES),
        "tool_id": strings(np.where(no_tool, -1, tool), vocab.TOOLS),
        "tool_section": strings(np.where(no_tool, -1, section), [x for t in vocab.TOOL_SECTIONS for x in t]),
        "business_impact": strings(impact, vocab.IMPACTS),
        "competency_area": strings(competency, vocab.COMPETENCIES),
        "current_arr": strings(
            user_idx, [vocab.ARR_LEVELS[accounts[u.account].arr_level][0] for u in world.users]
        ),
        "target_arr": strings(
            user_idx, [vocab.ARR_LEVELS[accounts[u.account].arr_level][1] for u in world.users]
        ),
        "growth_stage": strings(
            user_idx, [vocab.GROWTH_STAGES[accounts[u.account].growth_stage] for u in world.users]
        ),
        "m1": meta.vocab1.column(meta.m1),
        "m2": meta.vocab2.column(meta.m2),
        "k1": meta.k1,
        "k2": meta.k2,
        "session_duration": t - s.start[session],
        "time_on_page": on_page,
        "t": t,
        "retention_days": np.where(rng.random(n) < 0.02, 30, 365).astype(np.int32),
        "anonymized": rng.random(n) < 0.03,
        "deleted_at": nullable(deleted_at, ~deleted),
        "ip": strings(user_idx, [u.ip for u in world.users]),
        "ua": strings(user_idx, [vocab.STAFF_DEVICES[u.device][0] for u in world.users]),
        "referrer": strings(choose(rng, (50, 25, 15, 10), len(s.start))[session], vocab.BEHAVIOR_REFERRERS),
    }
    return Frame(STREAMS_BY_TABLE["behavior__events"], table(cols), EVENTS_SQL)


class _Metadata:
    """Generic metadata columns of each event (meaning per event type, see EVENTS_SQL)."""

    def __init__(self, n: int) -> None:
        self.vocab1, self.vocab2 = Vocab(), Vocab()
        self.m1 = np.full(n, -1, dtype=np.int32)
        self.m2 = np.full(n, -1, dtype=np.int32)
        self.k1 = np.zeros(n, dtype=np.int64)
        self.k2 = np.zeros(n, dtype=np.int64)
        self.failed = np.zeros(n, dtype=bool)

    def put(self, which: int, rows: np.ndarray, texts: tuple[str, ...], pick: np.ndarray) -> None:
        codes = (self.vocab1 if which == 1 else self.vocab2).codes(texts)[pick]
        (self.m1 if which == 1 else self.m2)[rows] = codes


def _metadata(etype: np.ndarray, tool: np.ndarray, rng: np.random.Generator) -> _Metadata:
    m = _Metadata(len(etype))

    def rows_of(kind: int) -> np.ndarray:
        return np.flatnonzero(etype == kind)

    def pick(rows: np.ndarray, options: tuple[str, ...]) -> np.ndarray:
        return rng.integers(0, len(options), len(rows))

    rows = rows_of(TOOL_USAGE)
    actions = ("tab_switch", "input_changed", "section_opened")
    m.put(1, rows, actions, pick(rows, actions))
    rows = rows_of(EXPORT)
    m.put(1, rows, vocab.EXPORT_TYPES, pick(rows, vocab.EXPORT_TYPES))
    m.put(2, rows, vocab.DOCUMENT_TYPES, pick(rows, vocab.DOCUMENT_TYPES))
    rows = rows_of(MILESTONE)
    m.put(1, rows, MILESTONES, tool[rows])
    m.k1[rows] = rng.integers(5, 21, len(rows))
    m.k2[rows] = rng.integers(1, 6, len(rows))
    rows = rows_of(SCALING)
    m.k1[rows] = rng.integers(5, 60, len(rows)) * 50_000
    m.k2[rows] = m.k1[rows] + rng.integers(0, 8, len(rows)) * 25_000
    rows = rows_of(PROFESSIONAL)
    m.put(1, rows, vocab.PROFESSIONAL_ACTIONS, pick(rows, vocab.PROFESSIONAL_ACTIONS))
    rows = rows_of(NAVIGATION)
    paths = ("/dashboard", *TOOL_PATHS)
    m.put(1, rows, paths, rng.integers(0, len(paths), len(rows)))
    m.put(2, rows, paths, tool[rows] + 1)
    rows = rows_of(CONTENT)
    m.put(1, rows, vocab.CONTENT_INTERACTIONS, pick(rows, vocab.CONTENT_INTERACTIONS))
    m.k1[rows] = rng.integers(0, 400, len(rows))
    m.k2[rows] = rng.lognormal(np.log(40_000), 0.8, len(rows)).astype(np.int64)
    rows = rows_of(GENERATION)
    m.put(1, rows, vocab.RESOURCE_TYPES, pick(rows, vocab.RESOURCE_TYPES))
    failed = rng.random(len(rows)) < 0.08
    m.put(2, rows, ("success", "failed"), failed.astype(np.int64))
    m.failed[rows] = failed
    m.k1[rows] = rng.lognormal(np.log(6_000), 0.6, len(rows)).astype(np.int64)
    rows = rows_of(SHARE)
    m.put(1, rows, vocab.SHARE_CHANNELS, pick(rows, vocab.SHARE_CHANNELS))
    m.k1[rows] = rng.integers(1, 6, len(rows))
    rows = rows_of(PROGRESSION)
    stages = vocab.GROWTH_STAGES
    step = rng.integers(0, 2, len(rows))
    m.put(1, rows, stages, step)
    m.put(2, rows, stages, step + 1)
    m.k1[rows] = rng.integers(40, 95, len(rows))
    return m


EVENTS_SQL = """select
  gid('be', _rec) as id,
  customer_id,
  gid('bs', sess) as session_id,
  event_type, tool_id, tool_section, business_impact, competency_area, current_arr, target_arr, growth_stage,
  case event_type
    when 'tool_usage' then json_object('action', m1, 'tab', tool_section)
    when 'export_action' then json_object('exportType', m1, 'documentType', m2)
    when 'competency_milestone' then json_object('milestoneDescription', m1, 'professionalCredibility', k1,
      'level', k2)
    when 'scaling_metric' then json_object('metric', 'arr', 'previousValue', k1, 'newValue', k2)
    when 'professional_action' then json_object('actionType', m1)
    when 'navigation' then json_object('from', m1, 'to', m2)
    when 'content_interaction' then json_object('contentId', 'res_' || hexid('bc', k1, 8), 'interaction', m1,
      'readTimeMs', k2)
    when 'resource_generation' then json_object('resourceType', m1, 'status', m2, 'generationTimeMs', k1)
    when 'resource_share' then json_object('channel', m1, 'recipients', k1)
    when 'systematic_progression' then json_object('fromStage', m1, 'toStage', m2, 'score', k1)
  end as event_metadata,
  session_duration, time_on_page,
  iso(t) as "timestamp",
  retention_days, anonymized,
  iso(deleted_at) as deleted_at,
  case when anonymized then null else ip end as ip_address,
  ua as user_agent,
  referrer,
  _rec, _copy, _ord
from {src}"""
