"""Chat transcripts between end customers and agents, shared by the widget and conversations.

A web chat's messages appear twice: as the widget's ``message_sent`` / ``message_received``
events and as the conversation's ``messages``, with the same ``message_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.generate.population import Agent
from ingestion.generate.timeline import offsets, seg_cumsum

CUSTOMER, AGENT, HUMAN = 0, 1, 2
APPOINTMENT, PURCHASE, LEAD, REFERRAL = range(4)
CONVERSION_MIX = {
    "healthcare": (60, 15, 20, 5),
    "fitness": (55, 20, 20, 5),
    "retail": (5, 60, 20, 15),
}
DEFAULT_MIX = (30, 15, 45, 10)


@dataclass(frozen=True)
class Chats:
    """Per-chat outcome arrays and flat per-message arrays (messages grouped by chat)."""

    agent: np.ndarray
    n_msg: np.ndarray
    escalated: np.ndarray
    esc_msg: np.ndarray  # position (inside the chat) of the message that triggered escalation
    resolved: np.ndarray
    is_open: np.ndarray  # the conversation never got an end time
    csat: np.ndarray  # NaN when the customer gave none
    conversion: np.ndarray  # -1 none, else APPOINTMENT / PURCHASE / LEAD / REFERRAL
    value: np.ndarray
    reason: np.ndarray  # escalation reason code
    tail_ms: np.ndarray  # from the last message to the end time
    sender: np.ndarray  # per message
    rel_ms: np.ndarray  # per message, from the chat's first message
    chars: np.ndarray  # per message

    @property
    def length_ms(self) -> np.ndarray:
        """Time from the first to the last message of each chat."""
        return self.rel_ms[offsets(self.n_msg) + self.n_msg - 1] if len(self.n_msg) else np.zeros(0, np.int64)

    def subset(self, keep: np.ndarray) -> Chats:
        """Only the chats where ``keep`` is true (with their messages)."""
        msg_keep = np.repeat(keep, self.n_msg)
        per_chat = {
            name: getattr(self, name)[keep]
            for name in ("agent", "n_msg", "escalated", "esc_msg", "resolved", "is_open", "csat",
                         "conversion", "value", "reason", "tail_ms")
        }  # fmt: skip
        per_msg = {name: getattr(self, name)[msg_keep] for name in ("sender", "rel_ms", "chars")}
        return Chats(**per_chat, **per_msg)


def draw_chats(agents: tuple[Agent, ...], industry: tuple[str, ...], chat_agent: np.ndarray,
               rng: np.random.Generator, greeting_rate: float = 0.0,
               forced_purchase: np.ndarray | None = None) -> Chats:  # fmt: skip
    """Draw transcripts and outcomes for chats of the given agents (``industry`` per agent).

    Outcome shares (escalation, resolution, open, conversion) are exact per agent (a quota
    drawn at random), so each agent lands in the performance grade of its profile.
    ``forced_purchase`` chats convert to a purchase and count against the quota.
    """
    n = len(chat_agent)
    prof = [a.profile for a in agents]
    forced = np.zeros(n, dtype=bool) if forced_purchase is None else forced_purchase
    resp_mean = np.array([p.response_s for p in prof])[chat_agent] * 1000.0
    exchanges = 1 + rng.poisson(2.5, n)
    escalated = quota(rng, chat_agent, np.array([p.escalation for p in prof]), ~forced)
    resolved = escalated & quota(
        rng, chat_agent, np.array([p.resolve for p in prof]), escalated, base=escalated
    )
    esc_ex = np.where(escalated, np.floor(rng.random(n) * exchanges).astype(np.int64), exchanges)
    unresolved = escalated & ~resolved
    exchanges = np.where(unresolved, esc_ex + 1, exchanges)
    greeting = rng.random(n) < greeting_rate
    n_msg = greeting + 2 * exchanges - unresolved
    sender, rel, chars, esc_msg = _messages(n_msg, greeting, esc_ex, resp_mean, rng)
    is_open = quota(rng, chat_agent, np.array([p.open_rate for p in prof]), ~unresolved) | (
        unresolved & (rng.random(n) < 0.5)
    )
    csat = _csat(np.array([p.csat for p in prof])[chat_agent] - 1.5 * unresolved, rng)
    csat = np.where((rng.random(n) < 0.45) & ~is_open, csat, np.nan)
    conversion, value = _conversions(agents, industry, chat_agent, unresolved, forced, rng)
    return Chats(
        agent=chat_agent,
        n_msg=n_msg,
        escalated=escalated,
        esc_msg=np.where(escalated, esc_msg, -1),
        resolved=resolved,
        is_open=is_open,
        csat=csat,
        conversion=conversion,
        value=value,
        reason=rng.integers(0, 4, n),
        tail_ms=rng.integers(30_000, 300_000, n),
        sender=sender,
        rel_ms=rel,
        chars=chars,
    )


def _messages(n_msg: np.ndarray, greeting: np.ndarray, esc_ex: np.ndarray, resp_mean: np.ndarray,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Alternating customer / reply messages; replies after an escalation come from a human."""
    chat = np.repeat(np.arange(len(n_msg)), n_msg)
    pos = np.arange(len(chat)) - np.repeat(offsets(n_msg), n_msg)
    step = pos - greeting[chat]  # 0, 1, 2 … counted from the first customer message
    is_customer = (step >= 0) & (step % 2 == 0)
    exchange = np.maximum(step, 0) // 2
    human = ~is_customer & (step >= 0) & (exchange >= esc_ex[chat])
    sender = np.where(is_customer, CUSTOMER, np.where(human, HUMAN, AGENT)).astype(np.int8)
    mean = np.where(human, np.maximum(90_000.0, 1.3 * resp_mean[chat]), resp_mean[chat])
    reply_gap = rng.lognormal(np.log(mean) - 0.18, 0.6)  # mean of the log-normal is ``mean``
    think_gap = rng.lognormal(np.log(30_000.0), 0.8, len(chat))
    gap = np.where(is_customer, think_gap, reply_gap)
    gap[offsets(n_msg)] = 0.0
    rel = seg_cumsum(gap, n_msg).astype(np.int64)
    median = np.where(is_customer, 45.0, np.where(human, 110.0, 160.0))
    chars = np.maximum(1, rng.lognormal(np.log(median), 0.6)).astype(np.int32)
    esc_pos = greeting + 2 * esc_ex  # the customer message that triggered the escalation
    return sender, rel, chars, esc_pos


def _csat(mean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Integer scores 1-5 whose expected value is ``mean`` (5 % uniformly random answers)."""
    target = np.clip((mean - 0.05 * 3) / 0.95, 1.0, 5.0)
    low = np.floor(target)
    score = low + (rng.random(len(mean)) < target - low)
    noise = rng.random(len(mean)) < 0.05
    return np.where(noise, rng.integers(1, 6, len(mean)), np.minimum(score, 5)).astype(float)


def quota(rng: np.random.Generator, group: np.ndarray, rate: np.ndarray, eligible: np.ndarray,
          base: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Pick exactly ``round(rate[g] * size)`` eligible members of each group ``g`` at random.

    ``size`` counts the group's members where ``base`` holds (all members by default);
    members already counted (``~eligible`` but in ``base``) are not picked again.
    """
    n = len(group)
    counted = np.ones(n, dtype=bool) if base is None else base
    size = np.bincount(group, weights=counted, minlength=len(rate))
    want = np.round(rate * size).astype(np.int64)
    key = np.where(eligible, rng.random(n), 2.0)
    order = np.lexsort((key, group))
    sorted_group = group[order]
    first = np.searchsorted(sorted_group, sorted_group)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first
    return eligible & (rank < want[group])


def _conversions(agents: tuple[Agent, ...], industry: tuple[str, ...], chat_agent: np.ndarray,
                 unresolved: np.ndarray, forced: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    n = len(chat_agent)
    rate = np.array([a.profile.conversion for a in agents])
    already = np.bincount(chat_agent, weights=forced, minlength=len(rate))
    size = np.maximum(np.bincount(chat_agent, minlength=len(rate)), 1)
    rate = np.clip(rate - already / size, 0.0, 1.0)
    converted = quota(rng, chat_agent, rate, ~unresolved & ~forced)
    mixes = np.array([CONVERSION_MIX.get(industry[a.idx], DEFAULT_MIX) for a in agents], dtype=float)
    cum = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)[chat_agent]
    kind = (rng.random(n)[:, None] > cum).sum(axis=1)
    kind = np.minimum(kind, 3)
    value = np.select(
        [kind == APPOINTMENT, kind == PURCHASE, kind == REFERRAL],
        [
            rng.integers(60, 251, n),
            np.clip(rng.lognormal(np.log(120), 0.9, n), 15, 2000).round(2),
            np.full(n, 25),
        ],
        0.0,
    ).astype(float)
    kind = np.where(forced, PURCHASE, np.where(converted, kind, -1))
    value = np.where(forced, rng.integers(400, 901, n).astype(float), np.where(converted, value, 0.0))
    return kind, value
