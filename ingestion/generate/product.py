"""Product SDK streams: ``track`` calls, ``identify_user`` and ``identify_account``."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import numpy as np

from ingestion.generate import vocab
from ingestion.generate.columns import Vocab, frame_keys, strings, table
from ingestion.generate.config import DAY_MS, HOUR_MS, MINUTE_MS, from_ms
from ingestion.generate.population import Account, User, World
from ingestion.generate.timeline import (
    Activity,
    Sessions,
    choose,
    forward_fill_index,
    persona_activity,
    simulate_sessions,
)
from ingestion.generate.writer import Frame
from ingestion.streams import STREAMS_BY_TABLE

EVENTS = (
    "page_viewed", "button_clicked", "form_submitted", "error_encountered", "feature_used",
    "search_performed", "goal_achieved", "renewal_due", "renewal_closed_won", "renewal_closed_lost",
    "support_ticket_created", "login",
)  # fmt: skip
PAGE, BUTTON, FORM, ERROR, FEATURE, SEARCH, GOAL, DUE, WON, LOST, TICKET, LOGIN = range(len(EVENTS))
BASE_WEIGHTS = (32, 20, 7, 2.5, 22, 8, 0, 0, 0, 0, 0.3, 0)
# persona: sessions per weekday, weekend factor, events per session, median gap (s), features
PERSONAS = {
    "power": (3.5, 0.25, 10.0, 70.0, 12),
    "active": (1.5, 0.08, 7.0, 80.0, 6),
    "casual": (0.35, 0.05, 5.0, 90.0, 3),
    "dormant": (0.6, 0.05, 5.0, 90.0, 3),
}
GOALS_PER_PERSONA = {"power": 3, "active": 2, "casual": 1, "dormant": 1}


@dataclass(frozen=True)
class ProductActivity:
    """What the identify calls need to know about the tracks: per event user, time, kind."""

    user: np.ndarray
    time: np.ndarray
    event: np.ndarray
    feature: np.ndarray  # feature code of feature_used events, else -1


@dataclass(frozen=True)
class Renewal:
    """A backend renewal event; ``texts`` fill slots s1, s2 (see PROPERTIES_SQL)."""

    time_ms: int
    event: int
    texts: tuple[str, ...]
    n1: int = 0
    x1: float = 0.0
    x2: float = 0.0


def activity(world: World) -> Activity:
    """Session parameters of every user, from its persona and account."""
    return persona_activity(world, PERSONAS)


def count_events(world: World, scale: float, rng: np.random.Generator) -> int:
    """Number of track calls a run at ``scale`` produces (for sizing ``target_events``)."""
    return len(simulate_sessions(activity(world), world.end_ms, scale, rng).ev_time)


def tracks(world: World, scale: float, late_rate: float, rng: np.random.Generator,
           late_rng: np.random.Generator) -> tuple[Frame, ProductActivity, int]:  # fmt: skip
    """The ``product/tracks`` frame, the activity summary and the number of late events."""
    sessions = simulate_sessions(activity(world), world.end_ms, scale, rng)
    user, t = sessions.ev_actor, sessions.ev_time
    etype = _event_types(world, sessions, rng)
    feature = _features(world, user, t, etype, rng)
    _place_goals(world, user, sessions.ev_rank, etype, rng)
    slots = _Slots(len(t))
    page = _pages(sessions, etype, rng)
    _fill_session_slots(slots, world, user, t, etype, feature, page, sessions, rng)
    feature = np.where(etype == FEATURE, feature, -1)
    session = np.repeat(np.arange(len(sessions.start)), sessions.count)
    server = np.zeros(len(t), dtype=bool)
    renewals = [(a, r) for a in world.accounts for r in renewal_events(world, a)]
    upa = len(world.users) // len(world.accounts)
    if renewals:
        extra = len(renewals)
        user = np.concatenate([user, [a.idx * upa for a, _ in renewals]])
        t = np.concatenate([t, [r.time_ms for _, r in renewals]]).astype(np.int64)
        etype = np.concatenate([etype, [r.event for _, r in renewals]])
        session = np.concatenate([session, np.full(extra, -1)])
        server = np.concatenate([server, np.ones(extra, dtype=bool)])
        slots.extend([r for _, r in renewals])
    received = np.minimum(t + rng.lognormal(np.log(700), 0.8, len(t)).astype(np.int64), world.end_ms)
    received, n_late = _make_late(t, received, server, world.end_ms, late_rate, late_rng)
    summary = ProductActivity(user=user, time=t, event=etype, feature=np.concatenate(
        [feature, np.full(len(t) - len(feature), -1)]))  # fmt: skip
    frame = _tracks_frame(world, sessions, user, t, received, etype, session, server, slots, rng)
    return frame, summary, n_late


def _event_types(world: World, s: Sessions, rng: np.random.Generator) -> np.ndarray:
    n = len(s.ev_time)
    etype = choose(rng, BASE_WEIGHTS, n)
    first = s.ev_rank == 0
    etype[first] = np.where(rng.random(int(first.sum())) < 0.55, LOGIN, PAGE)
    at_risk = np.array([world.accounts[u.account].archetype == "at_risk" for u in world.users])[s.ev_actor]
    u = rng.random(n)
    etype = np.where(at_risk & ~first & (u < 0.08), TICKET, etype)
    etype = np.where(at_risk & ~first & (u >= 0.08) & (u < 0.14), ERROR, etype)
    spike = (s.ev_time // DAY_MS == world.error_spike_day) & ~first & (rng.random(n) < 0.3)
    return np.where(spike, ERROR + 100, etype)  # +100 marks spike errors until the slots are filled


def _features(world: World, user: np.ndarray, t: np.ndarray, etype: np.ndarray,
              rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Feature of each feature_used event (from the user's favourites); -1 elsewhere."""
    perms = np.array([u.features for u in world.users], dtype=np.int64)
    breadth = np.array([PERSONAS[u.persona][4] for u in world.users], dtype=np.int64)[user]
    k = np.floor(rng.random(len(user)) ** 1.3 * breadth).astype(np.int64)
    feature = perms[user, k]
    dropped = (feature == vocab.REPORT_FEATURE) & (t >= world.feature_drop_ms) & (rng.random(len(user)) < 0.9)
    feature = np.where(dropped, perms[user, (k + 1) % breadth], feature)
    return np.where(etype == FEATURE, feature, -1)


def _place_goals(world: World, user: np.ndarray, rank: np.ndarray, etype: np.ndarray,
                 rng: np.random.Generator) -> None:  # fmt: skip
    """Turn a few events of each user into goal_achieved milestones (each goal once)."""
    bounds = np.searchsorted(user, np.arange(len(world.users) + 1))
    for u in world.users:
        lo, hi = bounds[u.idx], bounds[u.idx + 1]
        candidates = np.flatnonzero(rank[lo:hi] > 0) + lo
        n = min(GOALS_PER_PERSONA[u.persona], len(candidates))
        if n:
            spots = np.sort(rng.choice(candidates, n, replace=False))
            etype[spots] = GOAL + 1000 * (1 + rng.choice(len(vocab.GOALS), n, replace=False))


def _pages(s: Sessions, etype: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Current app page of every event: page views move, other events stay."""
    n = len(etype)
    new_page = choose(rng, (30, 12, 4, 14, 10, 6, 5, 3, 4, 2, 4, 3, 2, 1), n)
    is_view = etype == PAGE
    seg_first = s.ev_rank == 0
    new_page = np.where(seg_first & ~is_view, 0, new_page)
    return new_page[forward_fill_index(is_view, seg_first)]


class _Slots:
    """Generic property columns; their meaning depends on the event (see PROPERTIES_SQL)."""

    def __init__(self, n: int) -> None:
        self.vocabs = [Vocab() for _ in range(4)]
        self.s = np.full((4, n), -1, dtype=np.int32)
        self.n1 = np.zeros(n, dtype=np.int64)
        self.n2 = np.zeros(n, dtype=np.int64)
        self.x1 = np.zeros(n, dtype=float)
        self.x2 = np.zeros(n, dtype=float)
        self.b1 = np.zeros(n, dtype=bool)

    def put(self, slot: int, rows: np.ndarray, texts: tuple[str, ...], pick: np.ndarray) -> None:
        """Set string slot ``slot`` of ``rows`` to ``texts[pick]``."""
        self.s[slot, rows] = self.vocabs[slot].codes(texts)[pick]

    def extend(self, renewals: list[Renewal]) -> None:
        """Append rows for backend renewal events, their properties taken from ``props``."""
        m = len(renewals)
        s = np.full((4, m), -1, dtype=np.int32)
        for i, r in enumerate(renewals):
            for slot, text in enumerate(r.texts):
                s[slot, i] = self.vocabs[slot].code(text)
        n1 = np.array([r.n1 for r in renewals], dtype=np.int64)
        x1 = np.array([r.x1 for r in renewals], dtype=float)
        x2 = np.array([r.x2 for r in renewals], dtype=float)
        self.s = np.concatenate([self.s, s], axis=1)
        self.n1, self.x1, self.x2 = (np.concatenate(p) for p in ((self.n1, n1), (self.x1, x1), (self.x2, x2)))
        self.n2 = np.concatenate([self.n2, np.zeros(m, np.int64)])
        self.b1 = np.concatenate([self.b1, np.zeros(m, dtype=bool)])


def _fill_session_slots(slots: _Slots, world: World, user: np.ndarray, t: np.ndarray, etype: np.ndarray,
                        feature: np.ndarray, page: np.ndarray, s: Sessions, rng: np.random.Generator) -> None:  # fmt: skip
    """Fill the property slots of the session events, one event kind at a time."""
    _page_slots(slots, etype, page, s.ev_rank)

    def rows(kind: int) -> np.ndarray:
        return np.flatnonzero(etype == kind)

    def pick(kind: int, options: tuple) -> tuple[np.ndarray, np.ndarray]:
        found = rows(kind)
        return found, rng.integers(0, len(options), len(found))

    _put_rows(slots, *pick(BUTTON, vocab.BUTTONS), vocab.BUTTONS)
    _put_rows(slots, *pick(TICKET, vocab.TICKETS), vocab.TICKETS)
    found, choice = pick(FORM, vocab.FORMS)
    _put_rows(slots, found, choice, tuple((f,) for f in vocab.FORMS))
    slots.n1[found] = rng.integers(2, 13, len(found))
    slots.n2[found] = rng.integers(5, 300, len(found))
    for code, errors in ((ERROR, vocab.ERRORS), (ERROR + 100, (vocab.SPIKE_ERROR,))):
        found, choice = pick(code, errors)
        _put_rows(slots, found, choice, errors)
        slots.b1[found] = np.array([e[0] != "javascript" for e in errors])[choice]
    etype[etype == ERROR + 100] = ERROR
    found = rows(FEATURE)
    _put_rows(slots, found, feature[found], vocab.FEATURES)
    slots.put(2, found, vocab.FEATURE_ACTIONS, rng.integers(0, len(vocab.FEATURE_ACTIONS), len(found)))
    found, choice = pick(SEARCH, vocab.SEARCHES)
    _put_rows(slots, found, choice, tuple((q,) for q in vocab.SEARCHES))
    slots.put(1, found, vocab.SEARCH_LOCATIONS, rng.integers(0, len(vocab.SEARCH_LOCATIONS), len(found)))
    slots.n1[found] = rng.poisson(8, len(found))
    _goal_slots(slots, world, user, t, etype)
    found = rows(LOGIN)
    methods = rng.choice(len(vocab.LOGIN_METHODS), len(found), p=[0.5, 0.3, 0.1, 0.1])
    _put_rows(slots, found, methods, tuple((m,) for m in vocab.LOGIN_METHODS))
    slots.put(3, found, ("/login",), np.zeros(len(found), dtype=np.int64))
    slots.b1[found] = np.array([u.mfa_enabled for u in world.users])[user[found]]


def _put_rows(slots: _Slots, rows: np.ndarray, pick: np.ndarray, options: tuple[tuple, ...]) -> None:
    """Write the string columns of ``options[pick]`` into slots s1, s2, …"""
    for slot in range(len(options[0])):
        if isinstance(options[0][slot], str):
            slots.put(slot, rows, tuple(o[slot] for o in options), pick)


def _page_slots(slots: _Slots, etype: np.ndarray, page: np.ndarray, rank: np.ndarray) -> None:
    """s4 is the current page of every event; page views get path, title, name and referrer."""
    paths = tuple(p[0] for p in vocab.APP_PAGES)
    slots.put(3, np.arange(len(etype)), paths, page)
    rows = np.flatnonzero(etype == PAGE)
    _put_rows(slots, rows, page[rows], vocab.APP_PAGES)
    prev = np.where(rank[rows] > 0, page[np.maximum(rows - 1, 0)], -1)
    slots.put(3, rows, ("",) + tuple(vocab.APP_ORIGIN + p for p in paths), prev + 1)


def _goal_slots(slots: _Slots, world: World, user: np.ndarray, t: np.ndarray, etype: np.ndarray) -> None:
    """Goals were marked ``GOAL + 1000 * (goal + 1)`` by _place_goals."""
    rows = np.flatnonzero(etype >= 1000)
    goal = etype[rows] // 1000 - 1
    etype[rows] = GOAL
    _put_rows(slots, rows, goal, vocab.GOALS)
    slots.x1[rows] = np.array([g[2] for g in vocab.GOALS])[goal]
    signup = np.array([u.signup_ms for u in world.users], dtype=np.int64)
    slots.n1[rows] = np.maximum(0, (t[rows] - signup[user[rows]]) // 1000)


def _make_late(t: np.ndarray, received: np.ndarray, server: np.ndarray, end_ms: int, rate: float,
               rng: np.random.Generator) -> tuple[np.ndarray, int]:  # fmt: skip
    """Delay some calls by hours or days, into a later day's file (never past ``end``)."""
    k = int(round(rate * len(t)))
    if k == 0:
        return received, 0
    lo = np.maximum((t // DAY_MS + 1) * DAY_MS, t + 2 * HOUR_MS)
    hi = np.minimum(t + 72 * HOUR_MS, end_ms)
    eligible = np.flatnonzero((lo < hi) & ~server)
    chosen = np.sort(rng.choice(eligible, min(k, len(eligible)), replace=False))
    received = received.copy()
    received[chosen] = lo[chosen] + (rng.random(len(chosen)) * (hi - lo)[chosen]).astype(np.int64)
    return received, len(chosen)


def _tracks_frame(world: World, s: Sessions, user: np.ndarray, t: np.ndarray, received: np.ndarray,
                  etype: np.ndarray, session: np.ndarray, server: np.ndarray, slots: _Slots,
                  rng: np.random.Generator) -> Frame:  # fmt: skip
    users = world.users
    n = len(t)
    device = [vocab.STAFF_DEVICES[u.device] for u in users]
    user_idx = user.astype(np.int32)
    screens = [d[2] for d in device]
    view_w = np.array(
        [int(d[2].split("x")[0]) - 16 * (u.idx % 5) for d, u in zip(device, users, strict=True)]
    )
    view_h = np.array(
        [int(d[2].split("x")[1]) - 120 - 8 * (u.idx % 7) for d, u in zip(device, users, strict=True)]
    )
    session_start = np.where(session >= 0, s.start[np.maximum(session, 0)], 0)
    conn = rng.choice(len(vocab.CONNECTIONS), n)
    cols = {
        **frame_keys(n, received, DAY_MS),
        "ev": strings(etype, EVENTS),
        "user_id": strings(user_idx, [u.user_id for u in users]),
        "anonymous_id": strings(np.where(server, -1, user_idx), [u.anonymous_id for u in users]),
        "account_id": strings(user_idx, [world.accounts[u.account].account_id for u in users]),
        "t": t,
        "received": received,
        "server": server,
        "ua": strings(user_idx, [d[0] for d in device]),
        "platform": strings(user_idx, [d[1] for d in device]),
        "screen": strings(user_idx, screens),
        "vw": view_w[user],
        "vh": view_h[user],
        "ip": strings(user_idx, [u.ip for u in users]),
        "locale": strings(user_idx, [world.accounts[u.account].locale for u in users]),
        "tz": np.array([world.accounts[u.account].tz_min for u in users], dtype=np.int64)[user],
        "conn": strings(conn, vocab.CONNECTIONS),
        "sess": session,
        "sess_start": session_start,
        "load_ms": rng.lognormal(np.log(900), 0.5, n).astype(np.int64),
        "s1": slots.vocabs[0].column(slots.s[0]),
        "s2": slots.vocabs[1].column(slots.s[1]),
        "s3": slots.vocabs[2].column(slots.s[2]),
        "s4": slots.vocabs[3].column(slots.s[3]),
        "n1": slots.n1,
        "n2": slots.n2,
        "x1": slots.x1,
        "x2": slots.x2,
        "b1": slots.b1,
    }
    return Frame(STREAMS_BY_TABLE["product__tracks"], table(cols), TRACKS_SQL)


PROPERTIES_SQL = """case ev
  when 'page_viewed' then json_object('page_path', s1, 'page_title', s2, 'page_name', s3, 'referrer', s4,
    'utc_time', iso(t))
  when 'button_clicked' then json_object('button_text', s1, 'button_location', s2, 'element_id', s3,
    'page_context', s4, 'utc_time', iso(t))
  when 'form_submitted' then json_object('form_name', s1, 'fields_completed', n1, 'time_spent_seconds', n2,
    'page_path', s4, 'utc_time', iso(t))
  when 'error_encountered' then json_object('error_type', s1, 'error_message', s2, 'error_location', s4,
    'recoverable', b1, 'utc_time', iso(t))
  when 'feature_used' then json_object('feature_name', s1, 'feature_category', s2, 'action', s3,
    'page_path', s4, 'utc_time', iso(t))
  when 'search_performed' then json_object('query', s1, 'search_location', s2, 'results_count', n1,
    'page_path', s4, 'utc_time', iso(t))
  when 'goal_achieved' then json_object('goal_type', s1, 'goal_name', s2, 'goal_value', x1,
    'time_to_achieve_seconds', n1, 'page_path', s4, 'utc_time', iso(t))
  when 'support_ticket_created' then json_object('ticket_id', 'TCK-' || upper(hexid('tk', _rec, 8)),
    'category', s1, 'priority', s2, 'subject', s3, 'page_path', s4, 'utc_time', iso(t))
  when 'login' then json_object('method', s1, 'mfa_used', b1, 'page_path', s4, 'utc_time', iso(t))
  when 'renewal_due' then json_object('account_id', account_id, 'renewal_date', s1, 'current_plan', s2,
    'contract_value', x1, 'days_until_renewal', n1, 'utc_time', iso(t))
  when 'renewal_closed_won' then json_object('account_id', account_id, 'renewed_plan', s1,
    'renewal_amount', x1, 'contract_term_months', n1, 'expansion_amount', x2, 'utc_time', iso(t))
  when 'renewal_closed_lost' then json_object('account_id', account_id, 'churn_reason', s1,
    'last_active_at', s2, 'final_mrr', x1, 'utc_time', iso(t))
end"""

TRACKS_SQL = f"""select
  gid('pt', _rec) as message_id,
  ev::varchar as event,
  user_id, anonymous_id, account_id,
  iso(t) as "timestamp",
  iso(received) as received_at,
  {PROPERTIES_SQL} as properties,
  case when server then json_object('library', 'backend', 'platform', 'server', 'session_id', null)
  else json_object('user_agent', ua, 'ip', ip, 'locale', locale, 'timezone_offset', tz,
    'screen_resolution', screen, 'viewport_width', vw, 'viewport_height', vh, 'platform', platform,
    'connection_type', conn, 'session_id', 'session_' || sess_start || '_' || hexid('ps', sess, 6),
    'page_load_time_ms', load_ms) end as context,
  _rec, _copy, _ord
from {{src}}"""


# --- account timeline: renewals, status and plan over time ----------------------------------


def renewal_events(world: World, account: Account) -> list[Renewal]:
    """Backend renewal events of an account that fall inside the window."""
    e = world.end_ms
    rnd = random.Random(f"{world.seed}:renewal:{account.idx}")
    out: list[Renewal] = []
    jitter = rnd.randint(0, 3_599_999)
    arch = account.archetype
    if arch in ("healthy", "expansion", "churned", "at_risk", "declining"):
        renewal_at = {"healthy": -15, "expansion": -10, "churned": -32, "at_risk": 25, "declining": 20}[arch]
        renewal_ms = e + renewal_at * DAY_MS
        due_ms = renewal_ms - 30 * DAY_MS + rnd.randint(HOUR_MS, 20 * HOUR_MS)
        texts = (_date_text(renewal_ms), account.plan_tier)
        out.append(Renewal(due_ms, DUE, texts, n1=30, x1=account.mrr * 12))
    if arch == "healthy":
        out.append(Renewal(e - 18 * DAY_MS + jitter, WON, (account.plan_tier,), n1=12, x1=account.mrr))
    if arch == "expansion":
        new_mrr = float(round(account.mrr * 1.6))
        out.append(
            Renewal(
                e - 12 * DAY_MS + jitter, WON, ("enterprise",), n1=12, x1=new_mrr, x2=new_mrr - account.mrr
            )
        )
    if arch == "churned":
        texts = (rnd.choice(vocab.CHURN_REASONS), _iso(account.active_until_ms))
        out.append(Renewal(e - 33 * DAY_MS + jitter, LOST, texts, x1=account.mrr))
    return [r for r in out if world.start_ms <= r.time_ms <= e]


def account_state(world: World, account: Account, t: int) -> dict[str, object]:
    """Subscription traits of an account at time ``t``."""
    e = world.end_ms
    status = "trialing" if account.archetype == "trial" else "active"
    if account.archetype == "at_risk" and t >= e - 20 * DAY_MS:
        status = "past_due"
    if account.archetype == "churned" and t >= e - 33 * DAY_MS:
        status = "canceled"
    plan, mrr = account.plan_tier, account.mrr
    if account.archetype == "expansion" and t >= e - 12 * DAY_MS:
        plan, mrr = "enterprise", float(round(account.mrr * 1.6))
    renewal = {
        "healthy": -15 if t < e - 18 * DAY_MS else 350,
        "expansion": -10 if t < e - 12 * DAY_MS else 355,
        "churned": -28,
        "at_risk": 25,
        "declining": 20,
        "trial": 10,
    }.get(account.archetype, 120 + 10 * account.idx)
    return {
        "subscription_status": status,
        "plan_tier": plan,
        "mrr": mrr,
        "contract_value": mrr * 12,
        "renewal_date": _date_text(e + renewal * DAY_MS),
    }


def _date_text(ms: int) -> str:
    return _iso(ms)[:10]


def _iso(ms: int) -> str:
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


# --- identify calls -------------------------------------------------------------------------


def users_frame(world: World, acts: ProductActivity) -> Frame:
    """``product/users``: identify_user calls, a few per user, some after the first events."""
    rows: list[tuple[str, int, str]] = []
    bounds = np.searchsorted(acts.user, np.arange(len(world.users) + 1))
    for u in world.users:
        if not u.identified:
            continue
        lo, hi = bounds[u.idx], bounds[u.idx + 1]
        times, events, features = acts.time[lo:hi], acts.event[lo:hi], acts.feature[lo:hi]
        for at in _identify_times(world, u, times):
            seen = times <= at
            traits = _user_traits(world, u, at, times[seen], events[seen], features[seen])
            rows.append((u.user_id, at, json.dumps(traits, separators=(",", ":"))))
    return _identify_frame("product__users", "user_id", rows, "pu")


def _identify_times(world: World, u: User, times: np.ndarray) -> list[int]:
    rnd = random.Random(f"{world.seed}:identify:{u.idx}")
    if len(times) and rnd.random() < 0.5:
        first = int(times[0]) + rnd.randint(MINUTE_MS, 6 * HOUR_MS)  # events arrive before the identify
    else:
        first = max(world.start_ms, u.signup_ms) + rnd.randint(0, 48 * HOUR_MS)
    out = []
    at = min(first, world.end_ms)
    stop = min(world.end_ms, u.active_until_ms + 2 * DAY_MS)
    while at <= stop or not out:
        out.append(min(at, world.end_ms))
        at += rnd.randint(10 * DAY_MS, 20 * DAY_MS)
    return out


def _user_traits(world: World, u: User, at: int, times: np.ndarray, events: np.ndarray,
                 features: np.ndarray) -> dict[str, object]:  # fmt: skip
    device = vocab.STAFF_DEVICES[u.device]
    account = world.accounts[u.account]
    last_seen = int(times[-1]) if len(times) else u.signup_ms
    return {
        "first_name": u.first_name,
        "last_name": u.last_name,
        "email": u.email,
        "title": u.title,
        "department": u.department,
        "account_id": account.account_id,
        "account_role": u.role,
        "signup_date": _iso(u.signup_ms),
        "last_seen_at": _iso(last_seen),
        "email_verified": at - u.signup_ms > DAY_MS or u.idx % 4 != 0,
        "timezone": account.timezone,
        "preferred_language": account.locale,
        "theme_preference": ("light", "dark", "system")[u.idx % 3],
        "notifications_enabled": u.idx % 5 != 0,
        "device_primary": device[3],
        "browser_primary": device[4],
        "os_primary": device[5],
        "features_used": len(set(features[features >= 0].tolist())),
        "onboarding_completed": at - u.signup_ms > 14 * DAY_MS,
        "tutorial_viewed": u.persona != "dormant",
        "support_tickets_created": int((events == TICKET).sum()),
        "feedback_submitted": u.idx % 3 == 0,
        "mfa_enabled": u.mfa_enabled,
        "last_password_change": _iso(min(at, u.signup_ms + (u.idx % 90) * DAY_MS)),
    }


def accounts_frame(world: World, acts: ProductActivity) -> Frame:
    """``product/accounts``: identify_account calls, on a schedule and on status changes."""
    rows: list[tuple[str, int, str]] = []
    upa = len(world.users) // len(world.accounts)
    account_of = acts.user // upa
    for a in world.accounts:
        mine = account_of == a.idx
        times, events, features = acts.time[mine], acts.event[mine], acts.feature[mine]
        signups = np.array([u.signup_ms for u in world.users[a.idx * upa : (a.idx + 1) * upa]])
        for at in _account_identify_times(world, a):
            seen = times <= at
            logins = times[seen & (events == LOGIN)]
            traits = {
                "name": a.name,
                "domain": a.domain,
                "industry": a.industry,
                "employee_count": a.employee_count,
                "location_country": a.country,
                "signup_date": _iso(a.signup_ms),
                "signup_source": a.signup_source,
                **account_state(world, a, at),
                "total_users": int((signups <= at).sum()),
                "account_type": a.account_type,
                "integrations_connected": 1 + a.idx % 4,
                "features_used": len(set(features[seen & (features >= 0)].tolist())),
                "last_login_date": _iso(int(logins.max())) if len(logins) else None,
                "support_tickets_created": int((seen & (events == TICKET)).sum()),
                "email_marketing_opt_in": a.idx % 3 != 1,
                "product_updates_opt_in": True,
            }
            rows.append((a.account_id, at, json.dumps(traits, separators=(",", ":"))))
    return _identify_frame("product__accounts", "account_id", rows, "pa")


def _account_identify_times(world: World, a: Account) -> list[int]:
    rnd = random.Random(f"{world.seed}:account-identify:{a.idx}")
    e = world.end_ms
    lo = max(world.start_ms, a.signup_ms)
    at = lo + rnd.randint(0, max(0, min(72 * HOUR_MS, e - lo)))
    times = set()
    while at <= e:
        times.add(at)
        at += rnd.randint(12 * DAY_MS, 16 * DAY_MS)
    changes = {"at_risk": [-20], "churned": [-33], "expansion": [-12], "healthy": [-18]}.get(a.archetype, [])
    times.update(e + d * DAY_MS + rnd.randint(60_000, 3_599_999) for d in changes)
    return sorted(x for x in times if lo <= x <= e)


def _identify_frame(table_name: str, id_field: str, rows: list[tuple[str, int, str]], tag: str) -> Frame:
    rows.sort(key=lambda r: (r[1], r[0]))
    t = np.array([r[1] for r in rows], dtype=np.int64)
    cols = {
        **frame_keys(len(rows), t, DAY_MS),
        "entity": [r[0] for r in rows],
        "t": t,
        "traits": [r[2] for r in rows],
    }
    sql = f"""select gid('{tag}', _rec) as message_id, entity as {id_field}, iso(t) as "timestamp",
      traits::json as traits, _rec, _copy, _ord from {{src}}"""
    return Frame(STREAMS_BY_TABLE[table_name], table(cols), sql)
