"""What the generator planted: the personas and incidents a score or an alert should find.

``planted_truth(config)`` rebuilds the simulated world of a ``GenerateConfig`` (no files are
written) and returns, by warehouse id, the archetype of every account, the product and
client-success persona of every staff user, the grade each agent was tuned to, the persona of
the end customers with a scripted history, and the incidents planted for the monitoring
alerts. ``bench/score_quality.py`` (``make evaluate``) measures the marts against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingestion.generate import conversations, vocab
from ingestion.generate.config import DAY_MS, GenerateConfig, resolve_end, to_ms
from ingestion.generate.core import RNG_CONVERSATIONS
from ingestion.generate.population import AgentProfile, World, build_world


@dataclass(frozen=True)
class PlantedTruth:
    world: World
    account_archetype: dict[str, str]  # account_id -> healthy / at_risk / ... (vocab.ARCHETYPES)
    user_persona: dict[str, str]  # user_id -> power / active / casual / dormant
    client_persona: dict[str, str]  # client_id (= user_id) -> steady / quiet_2d / ... / lapsed
    user_account: dict[str, str]  # user_id -> account_id
    agent_grade: dict[str, str]  # agent_id -> the grade its profile was tuned to
    agent_profile: dict[str, AgentProfile] = field(default_factory=dict)
    customer_persona: dict[str, str] = field(default_factory=dict)  # scripted end customers
    error_spike_date: str | None = None  # the platform-wide product error spike (UTC date)
    widget_spike_date: str | None = None  # the api_error spike of one agent
    widget_spike_agent_id: str | None = None
    feature_drop_name: str | None = None  # the feature whose use falls platform-wide
    feature_drop_from: str | None = None  # ... from this UTC date

    def accounts_with(self, *archetypes: str) -> set[str]:
        return {a for a, kind in self.account_archetype.items() if kind in archetypes}


def planted_truth(config: GenerateConfig) -> PlantedTruth:
    """The planted personas and incidents of the data ``generate(config)`` writes."""
    end_ms = to_ms(resolve_end(config.end))
    start_ms = end_ms - config.days * DAY_MS
    world = build_world(
        config.seed, config.accounts, config.users_per_account, config.agents_per_account, start_ms, end_ms
    )
    if config.target_events is not None:
        raise ValueError("planted_truth supports the natural activity scale only (target_events=None)")
    accounts = world.accounts
    return PlantedTruth(
        world=world,
        account_archetype={a.account_id: a.archetype for a in accounts},
        user_persona={u.user_id: u.persona for u in world.users},
        client_persona={u.user_id: u.cs_persona for u in world.users},
        user_account={u.user_id: accounts[u.account].account_id for u in world.users},
        agent_grade={a.agent_id: a.profile.grade for a in world.agents},
        agent_profile={a.agent_id: a.profile for a in world.agents},
        customer_persona=_scripted_customers(world, config.seed),
        error_spike_date=_date(world.error_spike_day) if world.error_spike_day >= 0 else None,
        widget_spike_date=_date(world.widget_spike_day),
        widget_spike_agent_id=world.agents[world.widget_spike_agent].agent_id,
        feature_drop_name=vocab.FEATURES[vocab.REPORT_FEATURE][0],
        feature_drop_from=_date(world.feature_drop_ms // DAY_MS),
    )


def _date(epoch_day: int) -> str:
    return str(np.datetime64(int(epoch_day), "D"))


def _scripted_customers(world: World, seed: int) -> dict[str, str]:
    """customer id -> persona of the end customers with a scripted history (never web ones)."""
    sched = conversations.schedule(world, 1.0, np.random.default_rng([seed, RNG_CONVERSATIONS]))
    scripted_count = sum(count for _, count in conversations.SCRIPTED) * len(world.agents)
    personas = [persona for persona, count in conversations.SCRIPTED for _ in range(count)]
    out: dict[str, str] = {}
    for agent, customer, platform, number in zip(
        sched.agent, sched.customer, sched.platform, sched.number, strict=True
    ):
        if customer >= scripted_count:
            continue
        name = vocab.PLATFORMS[platform]
        if name == "instagram":
            customer_id = f"ig_{number}"
        elif name == "messenger":
            customer_id = f"fb_{number}"
        else:
            country = world.accounts[world.agents[agent].account].country
            customer_id = f"+{conversations.COUNTRY_CODES.get(country, 1)}{number}"
        out[customer_id] = personas[customer % len(personas)]
    return out
