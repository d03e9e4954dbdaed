"""The simulated world: accounts, their staff users and agents, with the personas that drive them.

Entity ids depend on the seed and the entity's position only, so the same seed gives the
same accounts, users and agents whatever ``end`` or ``days`` are.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace

from ingestion.generate import vocab
from ingestion.generate.config import DAY_MS, HOUR_MS

NEVER = 2**62  # a time after any end: "no drop", "active until the end"


def entity_hex(seed: int, kind: str, *parts: int) -> str:
    """Deterministic hex digest naming one entity (32 hex characters)."""
    text = ":".join([str(seed), kind, *map(str, parts)])
    return hashlib.md5(text.encode()).hexdigest()


def uuid_text(hex32: str) -> str:
    """Format 32 hex characters as a UUID string."""
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:32]}"


@dataclass(frozen=True)
class AgentProfile:
    """Behaviour of an agent that puts it in one performance grade (agent_performance, docs/metrics.md)."""

    grade: str
    response_s: float  # mean seconds from a customer message to the reply
    csat: float  # mean customer satisfaction, 1-5
    conversion: float  # share of conversations with a conversion event
    escalation: float  # share of conversations escalated to a human
    resolve: float  # share of escalations resolved
    open_rate: float  # share of conversations that never get an end time


# Assigned to agents in this order, so the two agents of one account differ; the at-risk
# account (the second one) gets the poor agents.
AGENT_PROFILES = (
    AgentProfile("A+", 14, 4.85, 0.36, 0.02, 0.9, 0.008),
    AgentProfile("B+", 60, 4.4, 0.25, 0.06, 0.7, 0.03),
    AgentProfile("D", 220, 3.2, 0.10, 0.18, 0.4, 0.07),
    AgentProfile("C", 140, 3.8, 0.21, 0.12, 0.5, 0.06),
    AgentProfile("A", 45, 4.6, 0.27, 0.05, 0.8, 0.02),
    AgentProfile("C+", 100, 4.0, 0.22, 0.10, 0.5, 0.05),
    AgentProfile("B", 75, 4.2, 0.23, 0.08, 0.6, 0.04),
    AgentProfile("D", 380, 2.5, 0.04, 0.28, 0.3, 0.08),
)


@dataclass(frozen=True)
class Account:
    idx: int
    account_id: str
    name: str
    domain: str
    industry: str
    country: str
    tz_min: int
    currency: str
    timezone: str
    locale: str
    archetype: str
    signup_ms: int
    signup_source: str
    employee_count: int
    plan_tier: str
    account_type: str
    mrr: float
    growth_stage: int
    arr_level: int
    office_ip: str
    active_until_ms: int  # last possible activity of any of its users (churned accounts)
    drop_at_ms: int  # activity drop of a declining account
    drop_factor: float


@dataclass(frozen=True)
class User:
    idx: int
    user_id: str
    anonymous_id: str
    account: int
    first_name: str
    last_name: str
    email: str
    title: str
    department: str
    role: str
    signup_ms: int
    persona: str  # power / active / casual / dormant
    cs_persona: str
    device: int  # index into vocab.STAFF_DEVICES
    ip: str
    active_from_ms: int
    active_until_ms: int
    drop_at_ms: int
    drop_factor: float
    identified: bool  # False: events but never an identify_user call
    mfa_enabled: bool
    features: tuple[int, ...]  # a permutation of vocab.FEATURES; breadth is persona-driven
    tools: tuple[int, ...]  # a permutation of vocab.TOOLS
    satisfaction: float  # mean client-success feedback score


@dataclass(frozen=True)
class Agent:
    idx: int
    agent_id: str
    account: int
    name: str
    created_ms: int
    active_until_ms: int
    profile: AgentProfile
    visits_per_day: float
    platform_weights: tuple[float, float, float, float, float]


@dataclass(frozen=True)
class World:
    seed: int
    start_ms: int
    end_ms: int
    accounts: tuple[Account, ...]
    users: tuple[User, ...]
    agents: tuple[Agent, ...]
    week_start_ms: int  # Monday 00:00 UTC of the ISO week holding ``end``
    error_spike_day: int  # epoch day with a product error-rate spike
    widget_spike_day: int  # epoch day with an api_error spike on ``widget_spike_agent``
    widget_spike_agent: int
    feature_drop_ms: int  # from here on vocab.REPORT_FEATURE is rarely used


def build_world(seed: int, accounts: int, users_per_account: int, agents_per_account: int,
                start_ms: int, end_ms: int) -> World:  # fmt: skip
    """Create every account, user and agent with its persona."""
    account_list = tuple(_account(seed, i, end_ms) for i in range(accounts))
    users: list[User] = []
    for account in account_list:
        for j in range(users_per_account):
            users.append(_user(seed, account, j, len(users), start_ms, end_ms))
    users = _assign_cs_personas(users, start_ms, end_ms)
    agents = [
        _agent(seed, account, j, account.idx * agents_per_account + j, end_ms)
        for account in account_list
        for j in range(agents_per_account)
    ]
    days_since_epoch = end_ms // DAY_MS
    monday = (days_since_epoch + 3) // 7 * 7 - 3  # epoch day 0 was a Thursday
    spike_day = max(start_ms // DAY_MS, days_since_epoch - 12)
    return World(
        seed=seed,
        start_ms=start_ms,
        end_ms=end_ms,
        accounts=account_list,
        users=tuple(users),
        agents=tuple(agents),
        week_start_ms=monday * DAY_MS,
        error_spike_day=spike_day if spike_day < days_since_epoch else -1,
        widget_spike_day=max(start_ms // DAY_MS, days_since_epoch - 8),
        widget_spike_agent=min(len(agents) - 1, agents_per_account),
        feature_drop_ms=end_ms - 10 * DAY_MS,
    )


def _account(seed: int, i: int, end_ms: int) -> Account:
    rnd = random.Random(f"{seed}:account:{i}")
    archetype = vocab.ARCHETYPES[i % len(vocab.ARCHETYPES)]
    if i < len(vocab.ACCOUNT_CATALOG):
        name, stem, industry, country, tz_min, currency, timezone, locale = vocab.ACCOUNT_CATALOG[i]
    else:
        base = vocab.ACCOUNT_CATALOG[i % len(vocab.ACCOUNT_CATALOG)]
        name = f"{rnd.choice(vocab.NAME_PARTS_A)} {rnd.choice(vocab.NAME_PARTS_B)} {i}"
        stem = name.lower().replace(" ", "-")
        _, _, industry, country, tz_min, currency, timezone, locale = base
    plan, account_type = {
        "healthy": ("enterprise", "paid"),
        "at_risk": ("growth", "paid"),
        "expansion": ("growth", "paid"),
        "trial": ("starter", "trial"),
        "churned": ("starter", "paid"),
        "small_healthy": ("starter", "paid"),
    }.get(archetype, ("pro", "paid"))
    mrr_range = {"starter": (99, 299), "pro": (499, 999), "growth": (1500, 3000), "enterprise": (5000, 9000)}
    signup = end_ms - (20 * DAY_MS if archetype == "trial" else rnd.randint(200, 900) * DAY_MS)
    return Account(
        idx=i,
        account_id="acc_" + entity_hex(seed, "account", i)[:12],
        name=name,
        domain=f"{stem}.example",
        industry=industry,
        country=country,
        tz_min=tz_min,
        currency=currency,
        timezone=timezone,
        locale=locale,
        archetype=archetype,
        signup_ms=signup - rnd.randint(0, 23) * HOUR_MS,
        signup_source=rnd.choice(vocab.SIGNUP_SOURCES),
        employee_count=rnd.choice((8, 15, 25, 40, 60, 120, 250, 600)),
        plan_tier=plan,
        account_type=account_type,
        mrr=float(rnd.randint(*mrr_range[plan])),
        growth_stage=rnd.randrange(len(vocab.GROWTH_STAGES)),
        arr_level=rnd.randrange(len(vocab.ARR_LEVELS)),
        office_ip=f"{rnd.choice((24, 47, 68, 73, 81, 92, 104, 151, 185, 212))}.{rnd.randint(1, 254)}."
        f"{rnd.randint(1, 254)}.{rnd.randint(1, 254)}",
        active_until_ms=end_ms - rnd.randint(40 * DAY_MS, 50 * DAY_MS) if archetype == "churned" else NEVER,
        # three weeks before the end: every build of the last week has a complete week of the drop
        drop_at_ms=end_ms - 21 * DAY_MS if archetype == "declining" else NEVER,
        drop_factor=0.3 if archetype == "declining" else 1.0,
    )


def _user(seed: int, account: Account, j: int, idx: int, start_ms: int, end_ms: int) -> User:
    rnd = random.Random(f"{seed}:user:{account.idx}:{j}")
    mix = vocab.USER_MIX[account.archetype]
    persona = mix[j % len(mix)]
    first, last = rnd.choice(vocab.FIRST_NAMES), rnd.choice(vocab.LAST_NAMES)
    title, department = rnd.choice(vocab.TITLES)
    if account.archetype == "trial":
        signup = account.signup_ms + rnd.randint(0, 48) * HOUR_MS
    elif j > 0 and rnd.random() < 0.08:
        signup = start_ms + rnd.randint(1, max(1, (end_ms - start_ms) // DAY_MS // 2)) * DAY_MS
    else:
        signup = (
            account.signup_ms + rnd.randint(0, max(1, (start_ms - account.signup_ms) // DAY_MS - 5)) * DAY_MS
        )
    signup = min(signup, end_ms - HOUR_MS)
    until = account.active_until_ms
    if persona == "dormant":
        until = min(until, end_ms - rnd.randint(33 * DAY_MS, 50 * DAY_MS))
    features = list(range(len(vocab.FEATURES)))
    rnd.shuffle(features)
    tools = list(range(len(vocab.TOOLS)))
    rnd.shuffle(tools)
    satisfaction = 2.0 if account.archetype == "at_risk" else rnd.choice((3.6, 4.0, 4.3, 4.6))
    return User(
        idx=idx,
        user_id="usr_" + entity_hex(seed, "user", account.idx, j)[:12],
        anonymous_id="anon_" + entity_hex(seed, "anon", account.idx, j)[:16],
        account=account.idx,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower()}@{account.domain}",
        title=title,
        department=department,
        role="admin" if j == 0 else rnd.choice(("member", "member", "viewer")),
        signup_ms=signup,
        persona=persona,
        cs_persona="lapsed" if until < end_ms - 20 * DAY_MS else "steady",
        device=rnd.choices(range(len(vocab.STAFF_DEVICES)), weights=(40, 15, 20, 12, 8, 5))[0],
        ip=account.office_ip
        if rnd.random() < 0.6
        else f"{rnd.choice((73, 86, 98, 109, 176))}."
        f"{rnd.randint(1, 254)}.{rnd.randint(1, 254)}.{rnd.randint(1, 254)}",
        active_from_ms=max(start_ms, signup),
        active_until_ms=until,
        drop_at_ms=account.drop_at_ms,
        drop_factor=account.drop_factor,
        identified=idx % 9 != 7,
        mfa_enabled=rnd.random() < 0.45,
        features=tuple(features),
        tools=tuple(tools),
        satisfaction=satisfaction,
    )


def _assign_cs_personas(users: list[User], start_ms: int, end_ms: int) -> list[User]:
    """Cycle the client-success personas over the users that are still around."""
    out: list[User] = []
    k = 0
    for user in users:
        if user.cs_persona == "lapsed" or user.active_from_ms > end_ms - 14 * DAY_MS:
            out.append(user)
            continue
        persona = vocab.CS_ROTATION[k % len(vocab.CS_ROTATION)]
        k += 1
        out.append(replace(user, cs_persona=persona))
    return out


def _agent(seed: int, account: Account, j: int, idx: int, end_ms: int) -> Agent:
    rnd = random.Random(f"{seed}:agent:{account.idx}:{j}")
    profile = AGENT_PROFILES[idx % len(AGENT_PROFILES)]
    weights = [rnd.uniform(2, 6), rnd.uniform(0.5, 3), rnd.uniform(0.5, 2), 0.0, rnd.uniform(0.3, 2)]
    lag_days = rnd.randint(1, 3) if account.archetype == "trial" else rnd.randint(1, 30)
    created = account.signup_ms + lag_days * DAY_MS + rnd.randint(0, 86_399_999)
    return Agent(
        idx=idx,
        agent_id=uuid_text(entity_hex(seed, "agent", account.idx, j)),
        account=account.idx,
        name=f"{account.name.split()[0]} {vocab.AGENT_NAME_SUFFIXES[(account.idx + j) % 6]}",
        created_ms=min(created, end_ms - DAY_MS),
        active_until_ms=account.active_until_ms if account.archetype == "churned" else NEVER,
        profile=profile,
        visits_per_day=rnd.uniform(8, 35),
        platform_weights=(weights[0], weights[1], weights[2], weights[3], weights[4]),
    )
