"""Chat-widget streams: event batches, session payloads and identify calls.

Visitors arrive on an account's website (Poisson per agent and day), come back a few
times (same day or days later), open the widget, fill the pre-chat form (which identifies
them) and chat. Events are batched the way the widget flushes them: per page and per
5-second window, one JSON line per batch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from ingestion.generate import vocab
from ingestion.generate.chats import AGENT, CUSTOMER, Chats, draw_chats
from ingestion.generate.columns import frame_keys, strings, table
from ingestion.generate.config import DAY_MS, HOUR_MS, MINUTE_MS
from ingestion.generate.population import World
from ingestion.generate.timeline import VISITOR_HOURS, choose, offsets, sample_hours, seg_cumsum, seg_rank
from ingestion.generate.writer import Frame, sql_list
from ingestion.streams import STREAMS_BY_TABLE

MEAN_VISITS = 1.6
(LOADED, OPENED, MINIMIZED, SENT, RECEIVED, FORM_SHOWN, FORM_SUBMITTED, FEEDBACK, JS_ERROR, API_ERROR,
 SLOW) = range(len(vocab.WIDGET_EVENTS))  # fmt: skip
PAGE_KEY = 1 << 36  # larger than any time inside one visit (ms)
API_SPIKE_RATE, JS_SPIKE_RATE = 0.8, 0.7  # error rates of the spike agent on its spike day


@dataclass(frozen=True)
class Visitors:
    agent: np.ndarray
    first_ms: np.ndarray
    agent_ua: np.ndarray  # index into vocab.VISITOR_AGENTS
    screen: np.ndarray  # (width, height) rows
    ip: np.ndarray
    skew_ms: np.ndarray  # client clock offset (<= 0)
    source: np.ndarray  # traffic source of the first visit
    first_name: np.ndarray
    last_name: np.ndarray
    mail: np.ndarray
    n_visits: np.ndarray


@dataclass(frozen=True)
class Visits:
    visitor: np.ndarray
    k: np.ndarray  # 0 for a visitor's first visit
    start: np.ndarray
    gap: np.ndarray  # since the previous visit's end (0 for first visits)
    sid: np.ndarray  # visit whose session id this visit (re)uses
    source: np.ndarray
    ip: np.ndarray
    ident: np.ndarray  # 0 none, 1 pre-chat form, 2 host app login, 3 re-identify while chatting
    ident_rel: np.ndarray
    chat: np.ndarray  # index into the chats, -1 when no chat
    chat_rel: np.ndarray


@dataclass(frozen=True)
class Events:
    visit: np.ndarray
    time: np.ndarray
    kind: np.ndarray
    page: np.ndarray  # row in ``Pages``
    p1: np.ndarray
    p2: np.ndarray
    msg: np.ndarray  # message index of message events, else -1
    s1: np.ndarray  # small string code, meaning per event kind


@dataclass(frozen=True)
class Pages:
    visit: np.ndarray
    rel: np.ndarray
    path: np.ndarray  # index into vocab.SITE_PAGES


@dataclass(frozen=True)
class WebChats:
    """The web chats that conversations turn into records."""

    chats: Chats
    start: np.ndarray
    visitor: np.ndarray
    sid: np.ndarray


@dataclass(frozen=True)
class Widget:
    visitors: Visitors
    visits: Visits
    pages: Pages
    events: Events
    web: WebChats


def count_events(world: World, scale: float, rng: np.random.Generator) -> int:
    """Number of widget events (elements of batches) a run at ``scale`` produces."""
    return len(simulate(world, scale, rng).events.time)


def simulate(world: World, scale: float, rng: np.random.Generator) -> Widget:
    """Visitors, their visits, pages, events and chats."""
    visitors = _visitors(world, scale, rng)
    return _visits(world, visitors, rng)


def _visitors(world: World, scale: float, rng: np.random.Generator) -> Visitors:
    agents = world.agents
    first_day, last_day = world.start_ms // DAY_MS, world.end_ms // DAY_MS
    days = np.arange(first_day, last_day + 1)
    weekday = (days + 3) % 7
    rate = np.array([a.visits_per_day for a in agents]) * scale / MEAN_VISITS
    counts = rng.poisson(np.outer(rate, np.where(weekday >= 5, 0.75, 1.1)))
    agent = np.repeat(np.repeat(np.arange(len(agents)), len(days)), counts.ravel())
    day = np.repeat(np.tile(days, len(agents)), counts.ravel())
    tz = np.array([world.accounts[a.account].tz_min for a in agents], dtype=np.int64)[agent]
    first = day * DAY_MS + sample_hours(rng, VISITOR_HOURS, len(day)) - tz * MINUTE_MS
    lo = np.array([max(world.start_ms, a.created_ms) for a in agents], dtype=np.int64)[agent]
    hi = np.array([min(world.end_ms, a.active_until_ms) for a in agents], dtype=np.int64)[agent]
    keep = (first >= lo) & (first < hi - MINUTE_MS)
    agent, first = agent[keep], first[keep]
    n = len(agent)
    ua = choose(rng, [u[1] for u in vocab.VISITOR_AGENTS], n)
    device = np.array([u[2] for u in vocab.VISITOR_AGENTS])[ua]
    bot = np.array([u[3] for u in vocab.VISITOR_AGENTS])[ua]
    screen_pick = rng.integers(0, 1 << 20, n)
    screen = np.array(
        [vocab.SCREENS[d][p % len(vocab.SCREENS[d])] for d, p in zip(device, screen_pick, strict=True)]
    )
    octets = np.array(
        [24, 47, 68, 73, 81, 86, 92, 98, 104, 109, 151, 176, 185, 188, 212, 217], dtype=np.int64
    )
    ip = (octets[rng.integers(0, len(octets), n)] << 24) + rng.integers(1 << 8, 1 << 24, n)
    skew = np.where(rng.random(n) < 0.03, -rng.integers(MINUTE_MS, 120 * MINUTE_MS, n), 0)
    source = np.where(bot, vocab.DIRECT_TRAFFIC, choose(rng, [s[4] for s in vocab.TRAFFIC], n))
    n_visits = np.where(bot, 1, rng.geometric(1 / MEAN_VISITS, n))
    return Visitors(
        agent=agent,
        first_ms=first,
        agent_ua=ua,
        screen=screen.reshape(-1, 2),
        ip=ip,
        skew_ms=skew,
        source=source,
        first_name=rng.integers(0, len(vocab.FIRST_NAMES), n),
        last_name=rng.integers(0, len(vocab.LAST_NAMES), n),
        mail=rng.integers(0, len(vocab.MAIL_DOMAINS), n),
        n_visits=n_visits,
    )


class _Builder:
    """Collects events of several kinds before they are merged and sorted."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, visit: np.ndarray, rel: np.ndarray, kind: int, **extra: np.ndarray) -> None:
        n = len(visit)
        part = {
            "visit": visit.astype(np.int64),
            "rel": rel.astype(np.int64),
            "kind": np.full(n, kind, dtype=np.int64),
            "p1": extra.get("p1", np.zeros(n, np.int64)).astype(np.int64),
            "p2": extra.get("p2", np.zeros(n, np.int64)).astype(np.int64),
            "msg": extra.get("msg", np.full(n, -1, np.int64)).astype(np.int64),
            "s1": extra.get("s1", np.full(n, -1, np.int64)).astype(np.int64),
        }
        self.parts.append(part)

    def merged(self) -> dict[str, np.ndarray]:
        cols = {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}
        order = np.lexsort((cols["kind"], cols["rel"], cols["visit"]))
        return {k: v[order] for k, v in cols.items()}


@dataclass(frozen=True)
class _Plan:
    """What happens inside each visit, in milliseconds from the visit's start."""

    opened: np.ndarray
    chat: np.ndarray
    host: np.ndarray  # identified by the host app (no chat)
    known_before: np.ndarray  # identified in an earlier visit
    form: np.ndarray  # pre-chat form shown and submitted
    abandoned: np.ndarray  # pre-chat form shown, not submitted
    open_rel: np.ndarray
    form_rel: np.ndarray
    submit_rel: np.ndarray
    chat_rel: np.ndarray
    chat_of: np.ndarray  # index into the chats, -1 without chat
    has_csat: np.ndarray
    feedback_rel: np.ndarray
    minimized: np.ndarray
    min_rel: np.ndarray
    busy_until: np.ndarray  # end of the widget interaction


def _visits(world: World, vs: Visitors, rng: np.random.Generator) -> Widget:
    """Everything that happens inside visits, then their absolute times."""
    visitor = np.repeat(np.arange(len(vs.agent)), vs.n_visits)
    k = seg_rank(vs.n_visits)
    bot = np.array([u[3] for u in vocab.VISITOR_AGENTS])[vs.agent_ua][visitor]
    n_pages, pages = _pages(bot, rng)
    open_page = np.floor(rng.random(len(visitor)) * n_pages).astype(np.int64)
    open_at = pages.rel[offsets(n_pages) + open_page]
    agent = vs.agent[visitor]
    plan, chats = _plan(world, visitor, k, bot, agent, open_at, vs.n_visits, rng)
    pages = _after_interaction(pages, n_pages, open_page, plan)
    events = _visit_events(world, pages, plan, chats, agent, bot, n_pages, rng)
    length = np.zeros(len(visitor), dtype=np.int64)
    np.maximum.at(length, events["visit"], events["rel"])
    placed = _place_visits(vs, visitor, k, length, rng)
    reidentify = plan.chat & plan.known_before & (rng.random(len(visitor)) < 0.2)
    ident = np.select([plan.form, plan.host, reidentify], [1, 2, 3], 0)
    ident_rel = np.where(ident == 1, plan.submit_rel, np.where(ident == 2, 2_000, plan.chat_rel - 1_000))
    visits = replace(placed, ident=ident, ident_rel=ident_rel.astype(np.int64), chat=plan.chat_of,
                     chat_rel=plan.chat_rel)  # fmt: skip
    return _finish(world, vs, visits, pages, events, chats, length)


def _pages(bot: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, Pages]:
    """Page loads of every visit (bots load 1-3 pages, people about 1.8)."""
    n = len(bot)
    n_pages = np.where(bot, rng.integers(1, 4, n), rng.geometric(0.55, n))
    visit = np.repeat(np.arange(n), n_pages)
    gap = rng.lognormal(np.log(45_000), 0.8, len(visit))
    gap[offsets(n_pages)] = 0
    path = choose(rng, vocab.SITE_PAGE_WEIGHTS, len(visit))
    return n_pages, Pages(visit, seg_cumsum(gap, n_pages).astype(np.int64), path)


def _plan(world: World, visitor: np.ndarray, k: np.ndarray, bot: np.ndarray, agent: np.ndarray,
          open_at: np.ndarray, n_visits: np.ndarray, rng: np.random.Generator) -> tuple[_Plan, Chats]:  # fmt: skip
    """Who opens the widget, fills the pre-chat form, chats, rates and minimizes it."""
    n = len(visitor)
    opened = ~bot & (rng.random(n) < np.where(k == 0, 0.22, 0.3))
    chat = opened & (rng.random(n) < 0.55)
    host = ~bot & ~chat & (k >= 1) & (rng.random(n) < 0.04)
    known_before = k > _first_per_visitor(visitor, k, chat | host, n_visits)[visitor]
    form = chat & ~known_before
    abandoned = opened & ~chat & ~known_before & (rng.random(n) < 0.3)
    open_rel = open_at + rng.integers(3_000, 40_000, n)
    form_rel = open_rel + 500
    submit_rel = form_rel + rng.lognormal(np.log(25_000), 0.5, n).astype(np.int64)
    chat_rel = np.where(form, submit_rel, open_rel) + rng.integers(3_000, 20_000, n)
    chat_visits = np.flatnonzero(chat)
    industry = tuple(world.accounts[a.account].industry for a in world.agents)
    chats = draw_chats(world.agents, industry, agent[chat_visits], rng, greeting_rate=0.3)
    chat_of = np.full(n, -1, dtype=np.int64)
    chat_of[chat_visits] = np.arange(len(chat_visits))
    chat_end = np.zeros(n, dtype=np.int64)
    chat_end[chat_visits] = chat_rel[chat_visits] + chats.length_ms
    has_csat = np.zeros(n, dtype=bool)
    has_csat[chat_visits] = ~np.isnan(chats.csat)
    feedback_rel = chat_end + rng.integers(5_000, 40_000, n)
    busy_until = np.where(has_csat, feedback_rel, np.where(chat, chat_end, open_rel))
    minimized = opened & (rng.random(n) < 0.6)
    min_rel = busy_until + rng.integers(5_000, 90_000, n)
    busy_until = np.where(minimized, min_rel, busy_until)
    plan = _Plan(opened, chat, host, known_before, form, abandoned, open_rel, form_rel, submit_rel, chat_rel,
                 chat_of, has_csat, feedback_rel, minimized, min_rel, busy_until)  # fmt: skip
    return plan, chats


def _after_interaction(pages: Pages, n_pages: np.ndarray, open_page: np.ndarray, plan: _Plan) -> Pages:
    """Pages after the one where the widget was used are loaded after the interaction."""
    first = offsets(n_pages)
    after = (np.arange(len(pages.visit)) - first[pages.visit]) > open_page[pages.visit]
    shift = np.maximum(0, plan.busy_until - pages.rel[first + open_page])[pages.visit]
    rel = pages.rel + np.where(after & plan.opened[pages.visit], shift + 5_000, 0)
    return replace(pages, rel=rel.astype(np.int64))


def _visit_events(world: World, pages: Pages, plan: _Plan, chats: Chats, agent: np.ndarray, bot: np.ndarray,
                  n_pages: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:  # fmt: skip
    """Every widget event of every visit, sorted by visit and time."""
    b = _Builder()
    b.add(pages.visit, pages.rel, LOADED, p1=rng.lognormal(np.log(600), 0.5, len(pages.visit)))
    rows = np.flatnonzero(plan.opened)
    b.add(rows, plan.open_rel[rows], OPENED, s1=choose(rng, (70, 25, 5), len(rows)))
    rows = np.flatnonzero(plan.form | plan.abandoned)
    b.add(rows, plan.form_rel[rows], FORM_SHOWN)
    rows = np.flatnonzero(plan.form)
    waited = (plan.submit_rel - plan.form_rel)[rows]
    b.add(rows, plan.submit_rel[rows], FORM_SUBMITTED, p1=rng.integers(2, 4, len(rows)), p2=waited)
    _add_messages(b, chats, np.flatnonzero(plan.chat), plan.chat_rel, world, agent, rng)
    rows = np.flatnonzero(plan.has_csat)
    b.add(rows, plan.feedback_rel[rows], FEEDBACK, p1=chats.csat[plan.chat_of[rows]])
    rows = np.flatnonzero(plan.minimized)
    b.add(rows, plan.min_rel[rows], MINIMIZED, p1=(plan.min_rel - plan.open_rel)[rows] // 1000)
    # the spike agent errs on 70 % of visits; _finish keeps them on its spike day only (p2 = thinning key)
    rate = np.where(agent == world.widget_spike_agent, JS_SPIKE_RATE, 0.01)
    rows = np.flatnonzero(~bot & (rng.random(len(bot)) < rate))
    b.add(rows, pages.rel[offsets(n_pages)[rows]] + 1_500, JS_ERROR, s1=rng.integers(0, 2, len(rows)),
          p2=rng.integers(0, 1_000_000, len(rows)))  # fmt: skip
    return b.merged()


def _first_per_visitor(
    visitor: np.ndarray, k: np.ndarray, flag: np.ndarray, n_visits: np.ndarray
) -> np.ndarray:
    """Per visitor, the first visit number where ``flag`` holds (a large number if never)."""
    first = np.full(len(n_visits), 1 << 30, dtype=np.int64)
    np.minimum.at(first, visitor[flag], k[flag])
    return first


def _add_messages(b: _Builder, chats: Chats, chat_visits: np.ndarray, chat_rel: np.ndarray, world: World,
                  agent: np.ndarray, rng: np.random.Generator) -> None:  # fmt: skip
    """message_sent / message_received events, api errors and slow-response warnings."""
    chat_idx = np.repeat(np.arange(len(chat_visits)), chats.n_msg)
    visit = chat_visits[chat_idx]
    rel = chat_rel[visit] + chats.rel_ms
    msg = np.arange(len(chat_idx))
    prev_customer = np.zeros(len(msg), dtype=bool)
    prev_customer[1:] = (chats.sender[:-1] == CUSTOMER) & (chat_idx[1:] == chat_idx[:-1])
    wait = np.where(prev_customer, np.diff(chats.rel_ms, prepend=0), -1)
    sent = chats.sender == CUSTOMER
    b.add(
        visit[sent],
        rel[sent],
        SENT,
        p1=chats.chars[sent],
        p2=rng.random(int(sent.sum())) < 0.03,
        msg=msg[sent],
    )
    received = ~sent
    b.add(visit[received], rel[received], RECEIVED, p1=chats.chars[received], p2=wait[received], msg=msg[received],
          s1=chats.sender[received] - AGENT)  # fmt: skip
    slow_p = np.clip(np.array([a.profile.response_s for a in world.agents]) / 400, 0.03, 0.7)[agent[visit]]
    slow = received & prev_customer & (wait > 3_000) & (rng.random(len(msg)) < slow_p)
    b.add(visit[slow], rel[slow] - 1, SLOW, p1=wait[slow])
    # the spike agent gets many api errors; _finish keeps them on its spike day only (p2 = thinning key)
    api_p = np.where(agent[visit] == world.widget_spike_agent, API_SPIKE_RATE, 0.01)
    api = sent & (rng.random(len(msg)) < api_p)
    status = np.array(vocab.API_STATUS)[rng.integers(0, len(vocab.API_STATUS), int(api.sum()))]
    b.add(visit[api], rel[api] + 150, API_ERROR, p1=status, p2=rng.integers(0, 1_000_000, int(api.sum())))


def _place_visits(vs: Visitors, visitor: np.ndarray, k: np.ndarray, length: np.ndarray,
                  rng: np.random.Generator) -> Visits:  # fmt: skip
    """Absolute start of every visit; session-id reuse; traffic source and IP per visit."""
    n = len(visitor)
    same_day = rng.random(n) < 0.25
    gap = np.where(
        same_day,
        31 * MINUTE_MS + rng.exponential(90 * MINUTE_MS, n),
        np.maximum(31 * MINUTE_MS, rng.lognormal(np.log(3 * DAY_MS), 1.0, n)),
    ).astype(np.int64)
    gap = np.where(k == 0, 0, gap)
    prev_len = np.concatenate([[0], length[:-1]])
    step = np.where(k == 0, 0, prev_len + gap)
    start = vs.first_ms[visitor] + seg_cumsum(step, vs.n_visits)
    reuse = (k >= 1) & (gap < 4 * HOUR_MS) & (rng.random(n) < 0.5)
    sid = np.maximum.accumulate(np.where(reuse, 0, np.arange(n))) if n else np.zeros(0, np.int64)
    fresh = choose(rng, [s[4] for s in vocab.TRAFFIC], n)
    source = np.where(k == 0, vs.source[visitor], np.where(rng.random(n) < 0.65, vocab.DIRECT_TRAFFIC, fresh))
    ip = np.where((k >= 1) & (rng.random(n) < 0.3), vs.ip[visitor] + rng.integers(1, 4096, n), vs.ip[visitor])
    empty = np.zeros(n, dtype=np.int64)
    return Visits(visitor, k, start, gap, sid, source, ip, empty, empty, empty, empty)


def _finish(world: World, vs: Visitors, visits: Visits, pages: Pages, ev: dict[str, np.ndarray], chats: Chats,
            length: np.ndarray) -> Widget:  # fmt: skip
    """Drop visits that would end after ``end`` (or after the agent stopped) and renumber."""
    agent_hi = np.array([min(world.end_ms - 10_000, a.active_until_ms) for a in world.agents])
    keep = visits.start + length <= agent_hi[vs.agent[visits.visitor]]
    kept = np.flatnonzero(keep)
    renum = np.full(len(keep), -1, dtype=np.int64)
    renum[kept] = np.arange(len(kept))
    ev_keep = keep[ev["visit"]]
    page_keep = keep[pages.visit]
    chat_keep = np.zeros(len(chats.n_msg), dtype=bool)
    chat_keep[visits.chat[kept][visits.chat[kept] >= 0]] = True
    chat_renum = np.cumsum(chat_keep) - 1
    msg_keep = np.repeat(chat_keep, chats.n_msg)
    msg_renum = np.cumsum(msg_keep) - 1
    v = Visits(*(getattr(visits, f)[kept] for f in Visits.__dataclass_fields__))
    v = replace(v, sid=renum[v.sid], chat=np.where(v.chat >= 0, chat_renum[np.maximum(v.chat, 0)], -1))
    pages = Pages(renum[pages.visit[page_keep]], pages.rel[page_keep], pages.path[page_keep])
    ev_keep &= ~_off_spike(world, vs, visits, ev)
    e = {key: val[ev_keep] for key, val in ev.items()}
    e["visit"] = renum[e["visit"]]
    e["msg"] = np.where(e["msg"] >= 0, msg_renum[np.maximum(e["msg"], 0)], -1)
    time = v.start[e["visit"]] + e["rel"]
    page_keys = pages.visit * PAGE_KEY + pages.rel
    page = np.searchsorted(page_keys, e["visit"] * PAGE_KEY + e["rel"], side="right") - 1
    events = Events(e["visit"], time, e["kind"], page, e["p1"], e["p2"], e["msg"], e["s1"])
    kept_chats = chats.subset(chat_keep)
    chat_visit = np.flatnonzero(v.chat >= 0)
    chat_visit = chat_visit[np.argsort(v.chat[chat_visit], kind="stable")]
    web = WebChats(
        kept_chats, v.start[chat_visit] + v.chat_rel[chat_visit], v.visitor[chat_visit], v.sid[chat_visit]
    )
    return Widget(vs, v, pages, events, web)


def _off_spike(world: World, vs: Visitors, visits: Visits, ev: dict[str, np.ndarray]) -> np.ndarray:
    """Errors of the spike agent outside its spike day, thinned back to the normal 1 % rate."""
    day = (visits.start[ev["visit"]] + ev["rel"]) // DAY_MS
    off_day = (vs.agent[visits.visitor[ev["visit"]]] == world.widget_spike_agent) & (
        day != world.widget_spike_day
    )
    keep_below = np.select(
        [ev["kind"] == API_ERROR, ev["kind"] == JS_ERROR], [0.01 / API_SPIKE_RATE, 0.01 / JS_SPIKE_RATE], 1.0
    )
    return off_day & (ev["p2"] >= keep_below * 1_000_000)


# --- frames ---------------------------------------------------------------------------------


def frames(world: World, w: Widget, rng: np.random.Generator) -> list[Frame]:
    """The ``widget/events``, ``widget/sessions`` and ``widget/identifies`` frames."""
    return [_events_frame(world, w, rng), _sessions_frame(world, w), _identifies_frame(world, w)]


def _traffic_columns(source: np.ndarray) -> dict[str, pa.Array]:
    t = vocab.TRAFFIC
    return {
        "referrer": strings(source, [s[0] for s in t]),
        "utm_source": strings(
            np.where([t[i][1] is not None for i in source], source, -1), [s[1] or "" for s in t]
        ),
        "utm_medium": strings(
            np.where([t[i][2] is not None for i in source], source, -1), [s[2] or "" for s in t]
        ),
        "utm_campaign": strings(
            np.where([t[i][3] is not None for i in source], source, -1), [s[3] or "" for s in t]
        ),
    }


def _query_strings() -> list[str]:
    return [
        f"?utm_source={s[1]}&utm_medium={s[2]}&utm_campaign={s[3]}" if s[1] else "" for s in vocab.TRAFFIC
    ]


def _events_frame(world: World, w: Widget, rng: np.random.Generator) -> Frame:
    e, v, p = w.events, w.visits, w.pages
    n = len(e.time)
    rel = e.time - v.start[e.visit]
    brk = np.ones(n, dtype=bool)
    brk[1:] = (
        (e.visit[1:] != e.visit[:-1]) | (e.page[1:] != e.page[:-1]) | (rel[1:] // 5000 != rel[:-1] // 5000)
    )
    batch = np.cumsum(brk) - 1
    first = np.flatnonzero(brk)
    received_first = (
        v.start[e.visit[first]] + (rel[first] // 5000 + 1) * 5000 + rng.integers(80, 1500, len(first))
    )
    received = received_first[batch]
    agent = w.visitors.agent[v.visitor[e.visit]].astype(np.int32)
    first_page = np.searchsorted(p.visit, e.visit)
    landing = (e.page == first_page) & (e.kind == LOADED)
    agents, accounts = world.agents, world.accounts
    cols = {
        "_rec": batch,
        "_day": received // DAY_MS,
        "_ord": received,
        "chatbot": strings(agent, [a.agent_id for a in agents]),
        "sid": v.sid[e.visit],
        "ev": np.arange(n, dtype=np.int64),
        "name": strings(e.kind, [x[0] for x in vocab.WIDGET_EVENTS]),
        "cat": strings(e.kind, [x[1] for x in vocab.WIDGET_EVENTS]),
        "p1": e.p1,
        "p2": e.p2,
        "s1": e.s1,
        "msg": e.msg,
        "domain": strings(agent, [accounts[a.account].domain for a in agents]),
        "site": strings(agent, [accounts[a.account].name for a in agents]),
        "path": strings(p.path[e.page], [x[0] for x in vocab.SITE_PAGES]),
        "title": strings(p.path[e.page], [x[1] for x in vocab.SITE_PAGES]),
        "q": strings(np.where(landing, v.source[e.visit], -1), _query_strings()),
        "client_ms": e.time + w.visitors.skew_ms[v.visitor[e.visit]],
        "recv": received,
    }
    return Frame(STREAMS_BY_TABLE["widget__events"], table(cols), BATCHES_SQL, nest=("events", EVENT_SQL))


def _sessions_frame(world: World, w: Widget) -> Frame:
    v, vs = w.visits, w.visitors
    rows = np.flatnonzero(v.sid == np.arange(len(v.sid)))
    visitor = v.visitor[rows]
    agent = vs.agent[visitor].astype(np.int32)
    first_page = np.searchsorted(w.pages.visit, rows)
    t = v.start[rows]
    cols = {
        **frame_keys(len(rows), t, DAY_MS),
        "chatbot": strings(agent, [a.agent_id for a in world.agents]),
        "visit": rows,
        "visitor": visitor,
        **_traffic_columns(v.source[rows]),
        "landing_page": strings(w.pages.path[first_page], [x[0] for x in vocab.SITE_PAGES]),
        "ua": strings(vs.agent_ua[visitor], [u[0] for u in vocab.VISITOR_AGENTS]),
        "sw": vs.screen[visitor, 0].astype(np.int32),
        "sh": vs.screen[visitor, 1].astype(np.int32),
        "ip": v.ip[rows],
        "t": t,
    }
    return Frame(STREAMS_BY_TABLE["widget__sessions"], table(cols), SESSIONS_SQL)


def _identifies_frame(world: World, w: Widget) -> Frame:
    v, vs = w.visits, w.visitors
    rows = np.flatnonzero(v.ident > 0)
    t = v.start[rows] + v.ident_rel[rows]
    order = np.argsort(t, kind="stable")
    rows, t = rows[order], t[order]
    visitor = v.visitor[rows]
    agent = vs.agent[visitor]
    cols = {
        **frame_keys(len(rows), t, DAY_MS),
        "sid": v.sid[rows],
        "visitor": visitor,
        "kind": v.ident[rows],
        "fn": strings(vs.first_name[visitor], vocab.FIRST_NAMES),
        "ln": strings(vs.last_name[visitor], vocab.LAST_NAMES),
        "mail": strings(vs.mail[visitor], vocab.MAIL_DOMAINS),
        "locale": strings(agent, [world.accounts[a.account].locale for a in world.agents]),
        "t": t,
    }
    return Frame(STREAMS_BY_TABLE["widget__identifies"], table(cols), IDENTIFIES_SQL)


PROPERTIES_SQL = """case name
  when 'widget_loaded' then json_object('load_time_ms', p1, 'widget_version', '2.4.1')
  when 'widget_opened' then json_object('trigger', [{triggers}][s1 + 1])
  when 'widget_minimized' then json_object('time_open_seconds', p1)
  when 'message_sent' then json_object('message_id', gid('msg', msg), 'message_length', p1,
    'has_attachment', p2 = 1)
  when 'message_received' then json_object('message_id', gid('msg', msg), 'message_length', p1,
    'response_time_ms', nullif(p2, -1), 'sender', ['agent', 'human'][s1 + 1])
  when 'pre_chat_form_shown' then json_object('form_id', 'prechat_default', 'fields', 3)
  when 'pre_chat_form_submitted' then json_object('form_id', 'prechat_default', 'fields_completed', p1,
    'time_to_submit_ms', p2)
  when 'feedback_given' then json_object('rating', p1, 'feedback_type', 'stars')
  when 'widget_error' then json_object('error_type', 'javascript', 'error_message', [{js_errors}][s1 + 1])
  when 'api_error' then json_object('endpoint', '/api/chat/message', 'status_code', p1,
    'error_message', 'Request failed with status code ' || p1)
  when 'slow_response' then json_object('endpoint', '/api/chat/message', 'response_time_ms', p1)
end""".replace("{js_errors}", sql_list(vocab.WIDGET_JS_ERRORS)).replace(
    "{triggers}", sql_list(vocab.WIDGET_TRIGGERS)
)

EVENT_SQL = f"""struct_pack(
    event_id := gid('we', ev),
    event_name := name::varchar,
    event_category := cat::varchar,
    properties := {PROPERTIES_SQL},
    page_url := 'https://www.' || domain || path || coalesce(q, ''),
    page_title := title || ' | ' || site,
    client_timestamp := iso(client_ms)
  )"""

BATCHES_SQL = """select
  chatbot::varchar as chatbotId,
  gid('ws', sid) as sessionId,
  events,
  iso(recv) as received_at,
  _rec, _copy, _ord
from {src}"""

SESSIONS_SQL = """select
  chatbot as chatbot_id,
  gid('ws', visit) as session_id,
  'anon_' || hexid('wv', visitor, 16) as anonymous_id,
  referrer, landing_page, utm_source, utm_medium, utm_campaign,
  ua as user_agent,
  sw as screen_width, sh as screen_height,
  ipv4(ip) as ip_address,
  iso(t) as created_at,
  _rec, _copy, _ord
from {src}"""

IDENTIFIES_SQL = """select
  gid('wi', _rec) as message_id,
  gid('ws', sid) as session_id,
  'cust_' || hexid('cust', visitor, 12) as user_id,
  lower(fn) || '.' || lower(ln) || (visitor % 97) || '@' || mail as user_email,
  fn || ' ' || ln as user_name,
  json_object('source', case when kind = 2 then 'host_app' else 'pre_chat_form' end,
    'marketing_opt_in', visitor % 3 = 0, 'locale', locale) as user_metadata,
  iso(t) as identified_at,
  _rec, _copy, _ord
from {src}"""
