"""Which rows and columns of a mart belong in one account's extract.

A mart is tied to an account by the first of these that it has (the ``via`` mart maps the key
to its account):

1. ``account_id`` or ``organization_id`` — the row's own account;
2. ``agent_id``, ``chatbot_id`` or ``latest_agent_id`` — the agent's owner in ``dim_agents``;
3. ``user_id`` or ``client_id`` — the staff user's account in ``dim_users``;
4. ``end_customer_id`` — the end customer's account in ``customer_insights``;
5. ``session_id`` — the session's account in ``fct_sessions``.

A mart with none of these describes the whole platform (``platform_distribution``,
``system_performance``) and stays out of every extract. Rows whose key resolves to no account
stay out too.

Columns are left out when their name looks personal (email, person names, IP addresses, phone
numbers — marts should hold none, this makes sure) or when they summarise the whole platform
(``agent_comparison``'s fleet figures, which would reveal other accounts' totals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEY_RULES: list[tuple[tuple[str, ...], str | None, str | None]] = [
    (("account_id", "organization_id"), None, None),
    (("agent_id", "chatbot_id", "latest_agent_id"), "dim_agents", "agent_id"),
    (("user_id", "client_id"), "dim_users", "user_id"),
    (("end_customer_id",), "customer_insights", "end_customer_id"),
    (("session_id",), "fct_sessions", "session_id"),
]

PERSONAL_COLUMN = re.compile(
    r"e_?mail|(^|_)ip(_address)?($|_)|phone|^name$|"
    r"^(first|last|full|middle|user|display|contact|person|customer|client|sender)_?name$",
    re.IGNORECASE,
)

# Columns computed over every account (they would tell one account about the others).
PLATFORM_COLUMNS: dict[str, frozenset[str]] = {
    "agent_comparison": frozenset(
        {
            "performance_rank",
            "revenue_share",
            "score_vs_fleet_avg",
            "fleet_agents_count",
            "fleet_avg_satisfaction",
            "fleet_total_revenue",
            "fleet_avg_conversion_rate",
            "fleet_avg_performance_score",
        }
    ),
}


@dataclass(frozen=True)
class Tie:
    """How a mart's rows are tied to an account."""

    column: str
    via: str | None = None
    via_key: str | None = None

    def describe(self) -> str:
        if self.via is None:
            return self.column
        return f"{self.column} -> {self.via}.{self.via_key} -> account_id"

    def where(self, alias: str, source: str) -> str:
        """SQL condition on ``alias`` (the mart) for the account in parameter ``$account``."""
        if self.via is None:
            return f'{alias}."{self.column}" = $account'
        return (
            f'{alias}."{self.column}" in (select "{self.via_key}" from {source}.marts."{self.via}" '
            "where account_id = $account)"
        )


def tie_for(columns: list[str], marts_with_account: set[str]) -> Tie | None:
    """The first rule a mart with ``columns`` matches; ``via`` marts must exist and hold account_id."""
    present = set(columns)
    for names, via, via_key in KEY_RULES:
        if via is not None and via not in marts_with_account:
            continue
        for name in names:
            if name in present:
                return Tie(name, via, via_key)
    return None


def dropped_columns(table: str, columns: list[str]) -> dict[str, str]:
    """Column -> why it is left out of the extract."""
    dropped = {}
    for column in columns:
        is_flag = column.startswith(("is_", "has_"))  # is_email_verified holds no email
        if PERSONAL_COLUMN.search(column) and not is_flag:
            dropped[column] = "looks personal (email, name, IP or phone)"
        elif column in PLATFORM_COLUMNS.get(table, frozenset()) or column.startswith("fleet_"):
            dropped[column] = "computed over every account"
    return dropped
