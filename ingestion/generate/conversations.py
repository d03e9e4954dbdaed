"""Conversation records of the agent platform and the reference table of agents.

Web conversations are the widget's chats (same session id, same message ids); the other
platforms have their own end customers, some with scripted histories so that every
customer segment of customer_insights occurs: high_value, regular and at_risk customers have
conversations before the window (up to 120 days before ``end``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ingestion.generate import vocab
from ingestion.generate.chats import APPOINTMENT, CUSTOMER, LEAD, PURCHASE, REFERRAL, Chats, draw_chats
from ingestion.generate.columns import nullable, strings, table
from ingestion.generate.config import DAY_MS, MINUTE_MS
from ingestion.generate.population import World
from ingestion.generate.timeline import VISITOR_HOURS, offsets, sample_hours, seg_cumsum, seg_rank
from ingestion.generate.widget import WebChats
from ingestion.generate.writer import Frame, sql_list
from ingestion.streams import STREAMS_BY_TABLE

OTHER_KEY = 1 << 40  # customer keys of non-web customers start here
COUNTRY_CODES = {"US": 1, "CA": 1, "GB": 44, "DE": 49, "IN": 91, "AU": 61}
# scripted customers per agent: (persona, how many)
SCRIPTED = (("high_value", 2), ("regular", 3), ("at_risk", 2))


@dataclass(frozen=True)
class Schedule:
    """Non-web conversations to hold: who, when, on which platform."""

    agent: np.ndarray
    customer: np.ndarray  # customer number (unique across agents)
    start: np.ndarray
    platform: np.ndarray
    number: np.ndarray  # digits of the customer's platform id
    vip: np.ndarray  # a scripted high-value customer's conversation
    purchase: np.ndarray  # forced purchase (high-value customers)


def schedule(world: World, scale: float, rng: np.random.Generator) -> Schedule:
    """Scripted persona customers plus customers arriving at random (``scale`` times as many)."""
    rows: list[tuple[int, int, int, int, bool, bool]] = []
    customer = 0
    for agent in world.agents:
        lo, hi = _bounds(world, agent.idx)
        rnd = random.Random(f"{world.seed}:customers:{agent.idx}")
        for persona, count in SCRIPTED:
            for _ in range(count):
                platform = _platform(rnd, agent.platform_weights)
                times = _persona_times(rnd, persona, world.end_ms)
                buys = (
                    set(rnd.sample(range(len(times)), min(len(times), 4)))
                    if persona == "high_value"
                    else set()
                )
                for j, at in enumerate(times):
                    if lo <= at <= hi:
                        rows.append((agent.idx, customer, at, platform, persona == "high_value", j in buys))
                customer += 1
    scripted = _columns(rows, customer, world, rng)
    return _concat(scripted, _random_customers(world, scale, customer, rng))


def _bounds(world: World, agent: int) -> tuple[int, int]:
    a = world.agents[agent]
    return a.created_ms + DAY_MS, min(world.end_ms, a.active_until_ms)


def _platform(rnd: random.Random, weights: tuple[float, ...]) -> int:
    return rnd.choices(range(len(vocab.PLATFORMS)), weights=weights)[0]


def _persona_times(rnd: random.Random, persona: str, end_ms: int) -> list[int]:
    day = DAY_MS
    if persona == "high_value":
        first = end_ms - rnd.randint(40, 100) * day
        last = end_ms - rnd.randint(1, 20) * day
        times = [first] + sorted(rnd.randint(first, last) for _ in range(rnd.randint(4, 6)))
    elif persona == "regular":
        at, times = end_ms - rnd.randint(85, 89) * day, []
        while at < end_ms:
            times.append(at)
            at += rnd.randint(18, 28) * day
    else:
        times = sorted(end_ms - rnd.randint(65, 120) * day for _ in range(rnd.randint(2, 3)))
    return [t + rnd.randint(0, 8 * 60 * MINUTE_MS) for t in times]


def _columns(rows: list[tuple[int, int, int, int, bool, bool]], n_customers: int, world: World,
             rng: np.random.Generator) -> Schedule:  # fmt: skip
    arr = np.array(rows, dtype=np.int64).reshape(-1, 6)
    numbers = _numbers(n_customers, rng)
    customer = arr[:, 1]
    return Schedule(
        arr[:, 0], customer, arr[:, 2], arr[:, 3], numbers[customer], arr[:, 4] == 1, arr[:, 5] == 1
    )


def _numbers(n: int, rng: np.random.Generator) -> np.ndarray:
    """Random 10-digit numbers (phone numbers, page-scoped ids)."""
    return rng.integers(2_000_000_000, 9_999_999_999, n)


def _random_customers(world: World, scale: float, first: int, rng: np.random.Generator) -> Schedule:
    agents = world.agents
    lo = np.array([max(world.start_ms, _bounds(world, a.idx)[0]) for a in agents], dtype=np.int64)
    hi = np.array([_bounds(world, a.idx)[1] for a in agents], dtype=np.int64)
    span_days = np.maximum(hi - lo, 0) / DAY_MS
    counts = rng.poisson(0.8 * scale * span_days)
    agent = np.repeat(np.arange(len(agents)), counts)
    n = len(agent)
    arrive = lo[agent] + (rng.random(n) * (hi - lo)[agent]).astype(np.int64)
    n_conv = 1 + rng.poisson(0.4, n)
    owner = np.repeat(np.arange(n), n_conv)
    k = seg_rank(n_conv)
    step = np.where(k == 0, 0, rng.exponential(10 * DAY_MS, len(owner))).astype(np.int64)
    cum = seg_cumsum(step, n_conv)
    tz = np.array([world.accounts[a.account].tz_min for a in agents], dtype=np.int64)[agent[owner]]
    day_start = (arrive[owner] + cum) // DAY_MS * DAY_MS
    start = day_start + sample_hours(rng, VISITOR_HOURS, len(owner)) - tz * MINUTE_MS
    weights = np.array([a.platform_weights for a in agents])
    cum_w = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)[agent]
    platform = np.minimum((rng.random(n)[:, None] > cum_w).sum(axis=1), len(vocab.PLATFORMS) - 1)
    numbers = _numbers(n, rng)
    keep = (start >= lo[agent[owner]]) & (start <= hi[agent[owner]])
    owner = owner[keep]
    zeros = np.zeros(len(owner), dtype=bool)
    return Schedule(agent[owner], first + owner, start[keep], platform[owner], numbers[owner], zeros, zeros)


def _concat(a: Schedule, b: Schedule) -> Schedule:
    return Schedule(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in Schedule.__dataclass_fields__))


# --- building the records ------------------------------------------------------------------


@dataclass(frozen=True)
class _All:
    """Web and other conversations together, in final order (by start time)."""

    chats: Chats
    start: np.ndarray
    platform: np.ndarray
    key: np.ndarray  # customer key: visitor index (web) or OTHER_KEY + customer number
    number: np.ndarray
    sid: np.ndarray  # widget session (web), else -1
    vip: np.ndarray
    msg_id: np.ndarray  # global message number of each message (web ones match the widget)


def frame(world: World, web: WebChats, scale: float, rng: np.random.Generator) -> Frame:
    """The ``conversations/conversations`` frame."""
    sched = schedule(world, scale, rng)
    industry = tuple(world.accounts[a.account].industry for a in world.agents)
    other = draw_chats(
        world.agents, industry, sched.agent, rng, greeting_rate=0.1, forced_purchase=sched.purchase
    )
    hi = np.array([_bounds(world, a.idx)[1] for a in world.agents], dtype=np.int64)
    fits = sched.start + other.length_ms <= hi[sched.agent]
    other = other.subset(fits)
    everything = _merge(web, other, sched, fits)
    return _frame(world, everything, rng)


def _merge(web: WebChats, other: Chats, sched: Schedule, fits: np.ndarray) -> _All:
    chats = _concat_chats(web.chats, other)
    n_web = len(web.start)
    start = np.concatenate([web.start, sched.start[fits]]).astype(np.int64)
    platform = np.concatenate([np.full(n_web, vocab.WEB), sched.platform[fits]])
    key = np.concatenate([web.visitor, OTHER_KEY + sched.customer[fits]])
    number = np.concatenate([np.zeros(n_web, np.int64), sched.number[fits]])
    sid = np.concatenate([web.sid, np.full(int(fits.sum()), -1)])
    vip = np.concatenate([np.zeros(n_web, bool), sched.vip[fits]])
    order = np.argsort(start, kind="stable")
    msg_order = np.repeat(offsets(chats.n_msg)[order], chats.n_msg[order]) + seg_rank(chats.n_msg[order])
    per_chat = {f: getattr(chats, f)[order] for f in _CHAT_FIELDS}
    per_msg = {f: getattr(chats, f)[msg_order] for f in _MSG_FIELDS}
    return _All(Chats(**per_chat, **per_msg), start[order], platform[order], key[order], number[order],
                sid[order], vip[order], msg_order)  # fmt: skip


_CHAT_FIELDS = ("agent", "n_msg", "escalated", "esc_msg", "resolved", "is_open", "csat", "conversion", "value",
                "reason", "tail_ms")  # fmt: skip
_MSG_FIELDS = ("sender", "rel_ms", "chars")


def _concat_chats(a: Chats, b: Chats) -> Chats:
    return Chats(**{f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in _CHAT_FIELDS + _MSG_FIELDS})


def _frame(world: World, c: _All, rng: np.random.Generator) -> Frame:
    ch = c.chats
    n = len(c.start)
    first_msg = offsets(ch.n_msg)
    conv_of_msg = np.repeat(np.arange(n), ch.n_msg)
    sent_at = c.start[conv_of_msg] + ch.rel_ms
    end = c.start + ch.length_ms + ch.tail_ms
    no_end = ch.is_open | (end > world.end_ms)
    customer_msgs = np.bincount(conv_of_msg, weights=ch.sender == CUSTOMER, minlength=n).astype(np.int64)
    prev_customer = np.zeros(len(conv_of_msg), dtype=bool)
    prev_customer[1:] = (ch.sender[:-1] == CUSTOMER) & (conv_of_msg[1:] == conv_of_msg[:-1])
    reply = prev_customer & (ch.sender != CUSTOMER)
    wait = np.where(reply, np.diff(ch.rel_ms, prepend=0), 0)
    n_wait = np.bincount(conv_of_msg, weights=reply, minlength=n)
    avg_wait = np.bincount(conv_of_msg, weights=wait, minlength=n) / np.maximum(n_wait, 1)
    journey = _journey(c)
    first_intent, intents = _intents(c, conv_of_msg, sent_at, customer_msgs, rng)
    esc_at = sent_at[first_msg + np.maximum(ch.esc_msg, 0)]
    account = np.array([a.account for a in world.agents])[ch.agent]
    agent32 = ch.agent.astype(np.int32)
    cols = {
        "_rec": np.arange(n, dtype=np.int64),
        "_day": c.start // DAY_MS,
        "_ord": c.start,
        "agent": strings(agent32, [a.agent_id for a in world.agents]),
        "platform": strings(c.platform, vocab.PLATFORMS),
        "key": c.key,
        "number": c.number,
        "cc": np.array([COUNTRY_CODES.get(a.country, 1) for a in world.accounts])[account],
        "sid": c.sid,
        "start": c.start,
        "end_ms": nullable(end, no_end),
        "n_msg": ch.n_msg,
        "customer_msgs": customer_msgs,
        "avg_wait": nullable(np.round(avg_wait, 1), n_wait == 0),
        "csat": nullable(ch.csat, np.isnan(ch.csat)),
        "conv": ch.conversion,
        "conv_type": strings(ch.conversion, vocab.CONVERSIONS),
        "conv_value": np.round(ch.value, 2),
        "currency": strings(account.astype(np.int32), [a.currency for a in world.accounts]),
        **_sentiment(c, first_intent, rng),
        "intents": intents,
        "escalated": ch.escalated,
        "esc_reason": strings(ch.reason, vocab.ESCALATION_REASONS),
        "esc_ms": esc_at,
        "resolved": ch.resolved,
        "resolver": strings(np.arange(n) % len(vocab.HUMAN_AGENTS), vocab.HUMAN_AGENTS),
        **_follow_ups_and_tags(c, journey, first_intent, rng),
        **journey.columns(),
        "messages": _messages(c, sent_at),
    }
    return Frame(STREAMS_BY_TABLE["conversations__conversations"], table(cols), CONVERSATIONS_SQL)


@dataclass(frozen=True)
class _Journey:
    rank: np.ndarray  # previous interactions of the customer
    days: np.ndarray  # days since the customer's first conversation
    stage: np.ndarray
    bought_before: np.ndarray
    touch: pa.Array

    def columns(self) -> dict[str, pa.Array | np.ndarray]:
        return {"rank": self.rank, "days": self.days, "stage": strings(self.stage, vocab.JOURNEY_STAGES),
                "touch": self.touch}  # fmt: skip


def _journey(c: _All) -> _Journey:
    """Per conversation: the customer's history so far (rank, first contact, platforms)."""
    n = len(c.start)
    order = np.lexsort((np.arange(n), c.start, c.key))
    key = c.key[order]
    new = np.ones(n, dtype=bool)
    new[1:] = key[1:] != key[:-1]
    group_first = np.maximum.accumulate(np.where(new, np.arange(n), 0)) if n else np.zeros(0, np.int64)
    rank_sorted = np.arange(n) - group_first
    purchase = (c.chats.conversion == PURCHASE)[order].astype(np.int64)
    cum = np.cumsum(purchase)
    bought_sorted = (cum - purchase) - (cum[group_first] - purchase[group_first])
    lo = np.maximum(group_first, np.arange(n) - 4)
    counts = np.arange(n) - lo + 1
    take = np.repeat(lo, counts) + seg_rank(counts)
    touch_sorted = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)),
        pa.array(np.array(vocab.PLATFORMS, dtype=object)[c.platform[order][take]].tolist(), type=pa.string()),
    )
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    rank = rank_sorted[inverse]
    bought = bought_sorted[inverse] > 0
    days = ((c.start[order] - c.start[order][group_first]) // DAY_MS)[inverse]
    conv = c.chats.conversion
    stage = np.select(
        [conv == REFERRAL, bought, (conv == PURCHASE) | (conv == APPOINTMENT), rank == 0],
        [4, 3, 2, 0],
        1,
    )
    return _Journey(rank, days, stage, bought, touch_sorted.take(pa.array(inverse)))


def _intents(c: _All, conv_of_msg: np.ndarray, sent_at: np.ndarray, customer_msgs: np.ndarray,
             rng: np.random.Generator) -> tuple[np.ndarray, pa.Array]:  # fmt: skip
    """1-3 intents per conversation, the first one consistent with the outcome."""
    n = len(c.start)
    conv = c.chats.conversion
    names = vocab.INTENTS
    first = np.select(
        [conv == APPOINTMENT, conv == PURCHASE, conv == LEAD, c.chats.escalated & (c.chats.reason == 2)],
        [0, rng.choice([1, 2], n), np.full(n, 1), np.full(n, 4)],
        rng.integers(0, len(names), n),
    )
    count = np.minimum(1 + (rng.random(n) < 0.35) + (rng.random(n) < 0.1), np.maximum(customer_msgs, 1))
    owner = np.repeat(np.arange(n), count)
    j = seg_rank(count)
    code = np.where(j == 0, first[owner], rng.integers(0, len(names), len(owner)))
    cust_msgs = np.flatnonzero(c.chats.sender == CUSTOMER)
    first_cust = np.searchsorted(conv_of_msg[cust_msgs], owner)
    ts = sent_at[cust_msgs[np.minimum(first_cust + j, len(cust_msgs) - 1)]]
    struct = pa.StructArray.from_arrays(
        [pa.array(np.array(names, dtype=object)[code].tolist(), type=pa.string()),
         pa.array(np.round(rng.uniform(0.6, 0.99, len(owner)), 3)), pa.array(ts)],
        names=["intent", "confidence", "ts"],
    )  # fmt: skip
    lists = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(count)]).astype(np.int32)), struct
    )
    return first, lists


def _sentiment(
    c: _All, first_intent: np.ndarray, rng: np.random.Generator
) -> dict[str, pa.Array | np.ndarray]:
    ch = c.chats
    n = len(c.start)
    score = np.where(np.isnan(ch.csat), 0.0, (np.nan_to_num(ch.csat) - 3) / 2)
    score = (
        score + 0.5 * (ch.conversion >= 0) - 1.0 * (ch.escalated & ~ch.resolved) - 0.5 * (first_intent == 4)
    )
    score = score + rng.normal(0, 0.4, n)
    overall = np.where(score > 0.3, 0, np.where(score < -0.3, 2, 1))
    count = 1 + (rng.random(n) < 0.4)
    owner = np.repeat(np.arange(n), count)
    pick = (rng.integers(0, 3, n)[owner] + seg_rank(count)) % 3
    flat = np.array([e for row in vocab.EMOTIONS for e in row], dtype=object)[overall[owner] * 3 + pick]
    emotions = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(count)]).astype(np.int32)),
        pa.array(flat.tolist(), type=pa.string()),
    )
    return {
        "sentiment": strings(overall, vocab.SENTIMENTS),
        "confidence": np.round(rng.uniform(0.55, 0.98, n), 3),
        "emotions": emotions,
    }


def _follow_ups_and_tags(c: _All, j: _Journey, first_intent: np.ndarray,
                         rng: np.random.Generator) -> dict[str, pa.Array | np.ndarray]:  # fmt: skip
    ch = c.chats
    n = len(c.start)
    conv = ch.conversion
    unresolved = ch.escalated & ~ch.resolved
    follow = np.column_stack([
        conv == LEAD,
        conv == APPOINTMENT,
        unresolved | ((conv == LEAD) & (rng.random(n) < 0.5)),
        (conv == PURCHASE) & (rng.random(n) < 0.5),
        (conv < 0) & (rng.random(n) < 0.1),
    ])  # fmt: skip
    tags = np.column_stack([
        first_intent == 1,
        j.rank == 0,
        c.vip,
        conv == APPOINTMENT,
        (ch.escalated & (ch.reason == 2)) | (first_intent == 4),
        (conv == PURCHASE) & j.bought_before,
        (conv < 0) & np.isin(first_intent, [3, 6, 7]),
    ])  # fmt: skip
    return {
        "follow_required": follow.any(axis=1),
        "follow": _bool_lists(follow, vocab.FOLLOW_UPS),
        "tags": _bool_lists(tags, vocab.TAGS),
    }


def _bool_lists(matrix: np.ndarray, names: tuple[str, ...]) -> pa.Array:
    """A list column holding, per row, the names whose column is true."""
    rows, cols = np.nonzero(matrix)
    counts = matrix.sum(axis=1)
    values = pa.array(np.array(names, dtype=object)[cols].tolist(), type=pa.string())
    return pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)), values
    )


def _messages(c: _All, sent_at: np.ndarray) -> pa.Array:
    ch = c.chats
    struct = pa.StructArray.from_arrays(
        [pa.array(c.msg_id), pa.array(ch.sender), pa.array(sent_at), pa.array(ch.chars)],
        names=["g", "s", "t", "c"],
    )
    return pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(ch.n_msg)]).astype(np.int32)), struct
    )


CONVERSATIONS_SQL = """select
  gid('cv', _rec) as conversationId,
  agent as agentId,
  case platform
    when 'web' then 'cust_' || hexid('cust', key, 12)
    when 'instagram' then 'ig_' || number
    when 'messenger' then 'fb_' || number
    else '+' || cc || number
  end as customerId,
  platform::varchar as platform,
  case when platform = 'web' then gid('ws', sid)
    else ['wa', 'ig', 'fb', 'web', 'sms'][list_position([{platforms}], platform::varchar)]
      || '_' || hexid('th', _rec, 16) end as sessionId,
  iso(start) as startTime,
  iso(end_ms) as endTime,
  round((end_ms - start) / 1000.0, 3)::double as duration,
  n_msg as messageCount,
  customer_msgs as customerMessages,
  n_msg - customer_msgs as agentResponses,
  avg_wait as responseTimeAvg,
  csat as customerSatisfactionScore,
  case when conv >= 0 then struct_pack(type := conv_type::varchar, value := conv_value, currency := currency::varchar)
    end as conversionEvent,
  struct_pack(overall := sentiment::varchar, confidence := confidence, emotions := emotions) as sentiment,
  list_transform(intents, lambda x: struct_pack(intent := x.intent, confidence := x.confidence,
    timestamp := iso(x.ts))) as intents,
  case when escalated then struct_pack(required := true, reason := esc_reason::varchar, timestamp := iso(esc_ms),
    resolvedBy := case when resolved then 'human:' || resolver end) end as escalation,
  follow_required as followUpRequired,
  follow as followUpActions,
  tags,
  struct_pack(stage := stage::varchar, touchpointSequence := touch, previousInteractions := rank,
    daysSinceFirstContact := days) as customerJourney,
  list_transform(messages, lambda m: struct_pack(message_id := gid('msg', m.g),
    sender := [{senders}][m.s + 1], sent_at := iso(m.t), chars := m.c)) as messages,
  _rec, _copy, _ord
from {src}""".replace("{senders}", sql_list(vocab.SENDERS)).replace("{platforms}", sql_list(vocab.PLATFORMS))


def reference_frame(world: World) -> Frame:
    """``reference/agents``: one snapshot file (dated ``end``) listing every agent."""
    agents = world.agents
    created = np.array([a.created_ms for a in agents], dtype=np.int64)
    cols = {
        "_rec": np.arange(len(agents), dtype=np.int64),
        "_day": np.full(len(agents), world.end_ms // DAY_MS),
        "_ord": created,
        "agent_id": [a.agent_id for a in agents],
        "account_id": [world.accounts[a.account].account_id for a in agents],
        "name": [a.name for a in agents],
        "created": created,
    }
    sql = "select agent_id, account_id, name, iso(created) as created_at, _rec, _copy, _ord from {src}"
    return Frame(STREAMS_BY_TABLE["reference__agents"], table(cols), sql)
