"""Score quality (``make evaluate``): the marts against the personas the generator planted.

For each seed, sample data is generated (30 accounts, 60 days, ending on a Friday 00:00 UTC),
landed once, and the dbt models are built as of four moments of the last week — Sunday 23:00,
Monday 02:00 (the daily schedule's hour), Wednesday 12:00 and Friday 00:00 — each on a fresh
copy of the landed warehouse. The marts are then compared with ``planted_truth`` (the
archetype of every account, the persona of every user, client, agent and scripted end
customer, and the planted incidents):

- churn_risk: precision and recall of ``high`` against the accounts planted to churn or be at
  risk, and of ``high`` + ``medium`` against those plus the declining ones;
- clock stability: mean health and mean client score per build time, risk labels that flip
  between build times for accounts whose planted behaviour is steady, steady clients shown
  ``declining``;
- segment confusion matrices (users, scripted end customers) and agent grades;
- every alert kind against the incidents planted for it.

The targets the report checks are in ``TARGETS``. Writes ``docs/score_quality.md``.
Usage: ``python bench/score_quality.py [--seeds 7 11] [--dir SCRATCH] [--reuse]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from ingestion.config import vocabulary  # noqa: E402
from ingestion.dbt_runner import run_dbt  # noqa: E402
from ingestion.generate import GenerateConfig, generate  # noqa: E402
from ingestion.generate.truth import PlantedTruth, planted_truth  # noqa: E402
from ingestion.landing import ingest  # noqa: E402
from ingestion.warehouse import warehouse as open_warehouse  # noqa: E402

END = datetime(2026, 11, 6, tzinfo=UTC)  # a Friday, 00:00 UTC
BUILD_TIMES = {
    "Sun 23:00": END - timedelta(days=4, hours=1),
    "Mon 02:00": END - timedelta(days=3, hours=22),
    "Wed 12:00": END - timedelta(days=1, hours=12),
    "Fri 00:00": END,
}
ACCOUNTS = 30
DAYS = 60
CHURN = ("churned", "at_risk")  # planted to churn or be at risk
DECLINE = (*CHURN, "declining")
STEADY_ACCOUNTS = ("healthy", "expansion", "steady", "small_healthy", "trial")
RISK_LABELS = tuple(reversed(vocabulary("risk_levels")))  # worst first
USER_SEGMENTS = vocabulary("user_segments")
CUSTOMER_SEGMENTS = ("new", "at_risk", "high_value", "regular", "occasional")
GRADES = vocabulary("performance_grades")

TARGETS = {
    "churn_high_recall": 0.90,
    "churn_high_precision": 0.80,
    "churn_high_medium_recall": 0.90,
    "churn_high_medium_precision": 0.80,
    "steady_account_flips": 1,  # at most, over all steady accounts and build times
    "steady_clients_declining": 0.10,  # less than, at every build time
    "alerts_without_cause": 0.25,  # at most, per alert kind
    "power_precision": 0.80,
}


@dataclass
class Build:
    """The marts of one build (one seed, one as_of), as plain Python rows."""

    as_of: datetime
    health: dict[str, dict] = field(default_factory=dict)  # account_id -> as-of row
    client_current: dict[str, dict] = field(default_factory=dict)  # client -> current week row
    client_latest: dict[str, dict] = field(default_factory=dict)  # client -> latest complete week
    user_segment: dict[str, str] = field(default_factory=dict)
    customer_segment: dict[str, str] = field(default_factory=dict)
    agent_grade: dict[str, str] = field(default_factory=dict)
    alerts: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_build(warehouse: Path, as_of: datetime, seconds: float) -> Build:
    build = Build(as_of=as_of, seconds=seconds)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for row in rows(con, "select * from marts.account_health where is_as_of_date"):
            build.health[row["account_id"]] = row
        for row in rows(con, "select * from marts.client_success_scores where not is_complete_week"):
            build.client_current[row["client_id"]] = row
        for row in rows(
            con,
            """select * from marts.client_success_scores where is_complete_week
               qualify row_number() over (partition by client_id order by week_start desc) = 1""",
        ):
            build.client_latest[row["client_id"]] = row
        build.user_segment = dict(
            con.execute("select user_id, user_segment from marts.user_segments").fetchall()
        )
        build.customer_segment = dict(
            con.execute("select end_customer_id, customer_segment from marts.customer_insights").fetchall()
        )
        build.agent_grade = dict(
            con.execute(
                "select agent_id, performance_grade from marts.agent_performance where period = 'all_time'"
            ).fetchall()
        )
        build.alerts = rows(
            con,
            """select alerts.*, momentum.client_id
               from marts.alerts
               left join marts.client_momentum_alerts as momentum using (alert_id)""",
        )
    finally:
        con.close()
    return build


def prepare_seed(seed: int, scratch: Path, reuse: bool) -> tuple[GenerateConfig, Path]:
    """Generate and land one seed's data once; returns the config and the landed warehouse."""
    folder = scratch / f"seed-{seed}"
    config = GenerateConfig(out_dir=folder / "raw", accounts=ACCOUNTS, days=DAYS, end=END, seed=seed)
    landed = folder / "landed.duckdb"
    marker = folder / "config.json"
    wanted = json.dumps({"seed": seed, "accounts": ACCOUNTS, "days": DAYS, "end": END.isoformat()})
    if reuse and landed.exists() and marker.exists() and marker.read_text() == wanted:
        return config, landed
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    generate(config)
    with open_warehouse(landed, purpose="make evaluate") as con:
        ingest(config.out_dir, con, as_of=END)
    marker.write_text(wanted)
    return config, landed


def build_at(landed: Path, folder: Path, as_of: datetime) -> Build:
    """A fresh copy of the landed warehouse, every model built as of ``as_of``, read back."""
    warehouse = folder / f"build-{as_of:%a-%H%M}.duckdb"
    for stale in (warehouse, Path(f"{warehouse}.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(landed, warehouse)
    began = time.perf_counter()
    run_dbt(
        ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
        warehouse=warehouse,
        as_of=as_of.strftime("%Y-%m-%d %H:%M:%S"),
        target_path=folder / "target",
    )
    return read_build(warehouse, as_of, time.perf_counter() - began)


# --- measures -------------------------------------------------------------------------------


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def precision_recall(flagged: set[str], truth: set[str]) -> tuple[float | None, float | None]:
    hits = len(flagged & truth)
    return ratio(hits, len(flagged)), ratio(hits, len(truth))


def steady_clients(truth: PlantedTruth) -> set[str]:
    """Clients planted steady whose account's activity does not drop or end."""
    out = set()
    for user in truth.world.users:
        account = truth.world.accounts[user.account]
        if user.cs_persona == "steady" and account.archetype not in ("declining", "churned"):
            out.add(user.user_id)
    return out


def expected_user_segment(truth: PlantedTruth, user_id: str, as_of: datetime) -> str:
    """The planted persona, or dormant when the user's activity had ended 28 days before as_of."""
    user = next(u for u in truth.world.users if u.user_id == user_id)
    as_of_ms = int(as_of.timestamp() * 1000)
    if user.active_until_ms <= as_of_ms - 28 * 86_400_000 or user.persona == "dormant":
        return "dormant"
    return user.persona


def alert_cause(truth: PlantedTruth, alert: dict) -> str | None:
    """The planted incident an alert answers to, or None when nothing was planted for it."""
    kind, subject = alert["alert_type"], alert["subject_id"]
    period = str(alert["condition_period"])[:10]
    persona = truth.client_persona.get(alert["client_id"] or subject)
    archetype = truth.account_archetype.get(alert["account_id"] or "")
    if kind in ("inactivity", "zero_activity"):
        if persona in ("quiet_2d", "quiet_4d", "lapsed"):
            return f"client {persona}"
        if persona in ("drop_last_week", "drop_this_week"):
            return "client activity dropped"
        if archetype in ("declining", "churned"):
            return f"account {archetype}"
        return None
    if kind == "task_stalled":
        return "client stalled_task" if persona == "stalled_task" else None
    if kind == "score_drop":
        if persona in ("drop_last_week", "drop_this_week", "quiet_2d", "quiet_4d"):
            return f"client {persona}"
        if archetype in ("declining", "churned"):
            return f"account {archetype}"
        return None
    if kind == "churn_risk":
        if persona in ("lapsed", "quiet_4d", "drop_last_week", "drop_this_week"):
            return f"client {persona}"
        if archetype in ("at_risk", "declining", "churned"):
            return f"account {archetype}"
        return None
    if kind == "error_rate_spike":
        if alert["subject_type"] in ("platform", "account") and period == truth.error_spike_date:
            return "product error spike"
        if alert["subject_type"] in ("platform", "agent") and period == truth.widget_spike_date:
            return "widget api_error spike"
        return None
    if kind == "feature_usage_drop":
        feature = subject.split(":")[-1]
        if feature == truth.feature_drop_name and period >= _monday(truth.feature_drop_from):
            return "report_builder drop"
        if archetype in ("declining", "churned"):
            return f"account {archetype}"
        return None
    if kind == "churn_risk_high":
        return f"account {archetype}" if archetype in CHURN else None
    if kind == "agent_response_time_high":
        profile = truth.agent_profile.get(subject)
        return (
            f"agent grade {profile.grade} ({profile.response_s:g} s)"
            if profile and profile.response_s > 120
            else None
        )
    if kind == "low_customer_satisfaction":
        profile = truth.agent_profile.get(subject)
        return (
            f"agent grade {profile.grade} (CSAT {profile.csat:g})" if profile and profile.csat < 3.5 else None
        )
    return None


def _monday(day: str | None) -> str:
    if day is None:
        return "9999-12-31"
    date = datetime.strptime(day, "%Y-%m-%d")
    return (date - timedelta(days=date.weekday())).strftime("%Y-%m-%d")


@dataclass
class SeedResult:
    seed: int
    truth: PlantedTruth
    builds: dict[str, Build]


def measure(result: SeedResult) -> dict:
    truth, builds = result.truth, result.builds
    churn = truth.accounts_with(*CHURN)
    decline = truth.accounts_with(*DECLINE)
    steady = truth.accounts_with(*STEADY_ACCOUNTS)
    steady_cs = steady_clients(truth)
    out: dict = {
        "per_build": {},
        "flips": {},
        "alerts": defaultdict(Counter),
        "alert_causes": defaultdict(Counter),
    }
    for name, build in builds.items():
        labels = {a: row["churn_risk"] for a, row in build.health.items()}
        high = {a for a, label in labels.items() if label == "high"}
        elevated = {a for a, label in labels.items() if label in ("high", "medium")}
        p_high, r_high = precision_recall(high, churn)
        p_elev, r_elev = precision_recall(elevated, decline)
        in_steady = [c for c in steady_cs if c in build.client_current]
        declining_current = sum(build.client_current[c]["trend"] == "declining" for c in in_steady)
        in_steady_latest = [c for c in steady_cs if c in build.client_latest]
        declining_latest = sum(build.client_latest[c]["trend"] == "declining" for c in in_steady_latest)
        healths = [float(row["health_score"]) for row in build.health.values()]
        steady_scores = [float(build.client_current[c]["overall_score"]) for c in in_steady]
        out["per_build"][name] = {
            "high": (p_high, r_high, len(high)),
            "elevated": (p_elev, r_elev, len(elevated)),
            "mean_health": sum(healths) / len(healths) if healths else None,
            "mean_health_steady": _mean(
                [float(build.health[a]["health_score"]) for a in steady if a in build.health]
            ),
            "steady_clients": len(in_steady),
            "steady_declining_current": declining_current,
            "steady_declining_latest": declining_latest,
            "steady_clients_latest": len(in_steady_latest),
            "mean_client_score_steady": _mean(steady_scores),
            "labels": labels,
            "seconds": build.seconds,
        }
    names = list(builds)
    # every episode once (by alert_id), as the latest build saw it
    episodes = {alert["alert_id"]: alert for n in names for alert in builds[n].alerts}
    for alert in episodes.values():
        cause = alert_cause(truth, alert)
        out["alerts"][alert["alert_type"]]["with cause" if cause else "no cause"] += 1
        out["alert_causes"][alert["alert_type"]][cause or "—"] += 1
    for account in steady:
        sequence = [builds[n].health.get(account, {}).get("churn_risk") for n in names]
        changes = sum(1 for a, b in zip(sequence, sequence[1:], strict=False) if a != b)
        if changes:
            out["flips"][account] = sequence
    out["steady_flip_count"] = sum(
        sum(1 for a, b in zip(seq, seq[1:], strict=False) if a != b) for seq in out["flips"].values()
    )
    # confusion matrices on the Friday build (and the power precision on every build)
    last = builds[names[-1]]
    out["user_matrix"] = Counter(
        (expected_user_segment(truth, u, last.as_of), segment)
        for u, segment in last.user_segment.items()
        if u in truth.user_persona
    )
    out["power_precision"] = {}
    for name, build in builds.items():
        power = [u for u, s in build.user_segment.items() if s == "power" and u in truth.user_persona]
        planted = sum(expected_user_segment(truth, u, build.as_of) == "power" for u in power)
        out["power_precision"][name] = (ratio(planted, len(power)), len(power))
    out["customer_matrix"] = Counter(
        (persona, last.customer_segment.get(customer, "(absent)"))
        for customer, persona in truth.customer_persona.items()
    )
    out["grade_matrix"] = Counter(
        (truth.agent_grade[a], grade) for a, grade in last.agent_grade.items() if a in truth.agent_grade
    )
    out["steady_accounts"] = len(steady)
    out["churn_accounts"] = len(churn)
    out["decline_accounts"] = len(decline)
    return out


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# --- the report -----------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def pct_beside(value: float | None, limit: float) -> str:
    """A share beside its target: one decimal where a whole percent would read as the limit."""
    if value is not None and value != limit and round(100 * value) == round(100 * limit):
        return f"{100 * value:.1f} %"
    return pct(value)


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def matrix(counter: Counter, rows_: tuple[str, ...], cols: tuple[str, ...], corner: str) -> list[str]:
    seen_rows = [r for r in rows_ if any(counter[(r, c)] for c in counter_cols(counter))] or list(rows_)
    all_cols = list(cols) + [c for c in counter_cols(counter) if c not in cols]
    lines = [f"| {corner} | " + " | ".join(all_cols) + " |", "|---|" + "---:|" * len(all_cols)]
    for r in seen_rows:
        lines.append(f"| {r} | " + " | ".join(str(counter[(r, c)] or "·") for c in all_cols) + " |")
    return lines


def counter_cols(counter: Counter) -> list[str]:
    return sorted({c for _, c in counter})


def render(results: list[SeedResult], measures: list[dict], total_seconds: float) -> str:
    names = list(BUILD_TIMES)
    lines = [
        "# Score quality",
        "",
        "What the scores and alerts say about the generator's planted personas (`make evaluate`,",
        "`bench/score_quality.py`). Each seed's data — 30 accounts, 6 staff users and 2 agents each,",
        f"60 days ending {END:%A %Y-%m-%d %H:%M} UTC — is landed once and built as of four moments of",
        "its last week: " + ", ".join(f"{n} ({t:%Y-%m-%d %H:%M})" for n, t in BUILD_TIMES.items()) + ".",
        "The planted truth comes from `ingestion/generate/truth.py`; the account archetypes and personas",
        "are described in `ingestion/generate/__init__.py`.",
        "",
        f"Seeds: {', '.join(str(r.seed) for r in results)}. Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        f" in {total_seconds / 60:.1f} min.",
        "",
        "## Targets",
        "",
        "| Target | " + " | ".join(f"seed {r.seed}" for r in results) + " | Met |",
        "|---|" + "---:|" * len(results) + "---|",
    ]

    def worst(key: str, index: int) -> list[float | None]:
        return [min((m["per_build"][n][key][index] or 0.0) for n in names) for m in measures]

    checks = [
        (
            "churn_risk high: recall of churn + at_risk (lowest build)",
            worst("high", 1),
            TARGETS["churn_high_recall"],
            ">=",
        ),
        (
            "churn_risk high: precision (lowest build)",
            worst("high", 0),
            TARGETS["churn_high_precision"],
            ">=",
        ),
        (
            "high + medium: recall of churn + at_risk + declining (lowest)",
            worst("elevated", 1),
            TARGETS["churn_high_medium_recall"],
            ">=",
        ),
        (
            "high + medium: precision (lowest build)",
            worst("elevated", 0),
            TARGETS["churn_high_medium_precision"],
            ">=",
        ),
    ]
    all_met = True
    for label, values, target, _ in checks:
        ok = all(v is not None and v >= target for v in values)
        all_met &= ok
        lines.append(
            f"| {label} ≥ {pct(target)} | "
            + " | ".join(pct_beside(v, target) for v in values)
            + f" | {verdict(ok)} |"
        )
    flips = [m["steady_flip_count"] for m in measures]
    ok = all(f <= TARGETS["steady_account_flips"] for f in flips)
    all_met &= ok
    lines.append(f"| risk label flips of steady accounts across the four builds ≤ {TARGETS['steady_account_flips']} | "
                 + " | ".join(str(f) for f in flips) + f" | {verdict(ok)} |")  # fmt: skip
    declining = [
        max(
            max(ratio(m["per_build"][n]["steady_declining_current"], m["per_build"][n]["steady_clients"]) or 0,
                ratio(m["per_build"][n]["steady_declining_latest"], m["per_build"][n]["steady_clients_latest"]) or 0)
            for n in names
        )
        for m in measures
    ]  # fmt: skip
    ok = all(d < TARGETS["steady_clients_declining"] for d in declining)
    all_met &= ok
    lines.append(f"| steady clients shown declining, worst build and row < {pct(TARGETS['steady_clients_declining'])} | "
                 + " | ".join(pct_beside(d, TARGETS["steady_clients_declining"]) for d in declining) + f" | {verdict(ok)} |")  # fmt: skip
    worst_alert = []
    for m in measures:
        shares = [ratio(c["no cause"], c["no cause"] + c["with cause"]) or 0 for c in m["alerts"].values()]
        worst_alert.append(max(shares) if shares else 0)
    ok = all(w <= TARGETS["alerts_without_cause"] for w in worst_alert)
    all_met &= ok
    lines.append(f"| alerts without a planted cause, worst kind ≤ {pct(TARGETS['alerts_without_cause'])} | "
                 + " | ".join(pct_beside(w, TARGETS["alerts_without_cause"]) for w in worst_alert) + f" | {verdict(ok)} |")  # fmt: skip
    power = [min((m["power_precision"][n][0] or 0) for n in names) for m in measures]
    ok = all(p >= TARGETS["power_precision"] for p in power)
    all_met &= ok
    lines.append(f"| power users that are planted power users (lowest build) ≥ {pct(TARGETS['power_precision'])} | "
                 + " | ".join(pct_beside(p, TARGETS["power_precision"]) for p in power) + f" | {verdict(ok)} |")  # fmt: skip
    lines += ["", f"All targets met: {verdict(all_met)}.", ""]

    for result, m in zip(results, measures, strict=True):
        lines += [f"## Seed {result.seed}", ""]
        lines += [
            f"{m['churn_accounts']} accounts planted to churn or be at risk, {m['decline_accounts'] - m['churn_accounts']} "
            f"declining, {m['steady_accounts']} steady (healthy, expansion, steady, small_healthy, trial).",
            "",
            "### Churn risk and clock stability",
            "",
            "| Build | high: precision | high: recall | high+medium: precision | high+medium: recall | mean health"
            " | mean health, steady | steady clients | declining (current week) | declining (latest complete)"
            " | mean client score, steady | build s |",
            "|---|" + "---:|" * 11,
        ]
        for n in names:
            b = m["per_build"][n]
            lines.append(
                f"| {n} | {pct(b['high'][0])} ({b['high'][2]}) | {pct(b['high'][1])} | {pct(b['elevated'][0])} "
                f"({b['elevated'][2]}) | {pct(b['elevated'][1])} | {fmt(b['mean_health'], 1)} "
                f"| {fmt(b['mean_health_steady'], 1)} | {b['steady_clients']} | {b['steady_declining_current']} "
                f"| {b['steady_declining_latest']} | {fmt(b['mean_client_score_steady'], 1)} | {b['seconds']:.0f} |"
            )
        lines += ["", "Risk labels per account and build (archetype planted):", ""]
        lines += ["| Account | Archetype | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
        for account, archetype in sorted(
            result.truth.account_archetype.items(), key=lambda kv: (kv[1], kv[0])
        ):
            labels = [m["per_build"][n]["labels"].get(account, "—") for n in names]
            mark = " ⚑" if account in m["flips"] else ""
            lines.append(f"| `{account}`{mark} | {archetype} | " + " | ".join(labels) + " |")
        lines += ["", "⚑ a steady account whose label changes between build times.", ""]

        lines += ["### User segments (Friday build)", "", "Rows: planted persona (dormant when the user's"
                  " activity had ended 28 days before); columns: `user_segments.user_segment`.", ""]  # fmt: skip
        lines += matrix(m["user_matrix"], USER_SEGMENTS, USER_SEGMENTS, "planted \\ segment")
        lines += ["", "Power segment precision per build: " + ", ".join(
            f"{n} {pct(p)} of {count}" for n, (p, count) in m["power_precision"].items()) + ".", ""]  # fmt: skip

        lines += ["### End-customer segments (Friday build)", "", "Rows: the scripted history of the"
                  " customer; columns: `customer_insights.customer_segment`.", ""]  # fmt: skip
        lines += matrix(
            m["customer_matrix"],
            ("high_value", "regular", "at_risk"),
            CUSTOMER_SEGMENTS,
            "planted \\ segment",
        )
        lines += ["", "### Agent grades (all time, Friday build)", "", "Rows: the grade the agent's behaviour was"
                  " tuned to; columns: `agent_performance.performance_grade`.", ""]  # fmt: skip
        lines += matrix(m["grade_matrix"], GRADES, GRADES, "planted \\ graded")
        lines += ["", "### Alerts (every episode of the four builds, once)", "",
                  "| Alert kind | episodes | with a planted cause | without | causes |", "|---|---:|---:|---:|---|"]  # fmt: skip
        for kind in sorted(m["alerts"]):
            c = m["alerts"][kind]
            total = c["with cause"] + c["no cause"]
            causes = ", ".join(f"{cause} {count}" for cause, count in m["alert_causes"][kind].most_common())
            lines.append(
                f"| {kind} | {total} | {c['with cause']} | {c['no cause']} ({pct(ratio(c['no cause'], total))}) | {causes} |"
            )
        lines.append("")
    lines += [
        "## How causes are matched",
        "",
        "- inactivity, zero_activity: clients planted quiet (`quiet_2d`, `quiet_4d`), lapsed, with a planted drop,",
        "  or in a declining or churned account.",
        "- task_stalled: clients planted with a stalled onboarding task.",
        "- score_drop: clients planted with a drop or gone quiet, or in a declining or churned account.",
        "- churn_risk (client): lapsed, quiet_4d or dropping clients, clients of at-risk, declining or churned accounts.",
        "- error_rate_spike: the day of the planted product error spike (platform or account) or of the widget",
        "  api_error spike (platform or the spiking agent).",
        "- feature_usage_drop: `report_builder` from the week its planted drop begins, or a declining or churned account.",
        "- churn_risk_high: accounts planted to churn or be at risk.",
        "- agent_response_time_high: agents tuned to a mean response above 120 s.",
        "- low_customer_satisfaction: agents tuned to a mean CSAT below 3.5.",
        "",
        "## What the planted data is built to show",
        "",
        "- **Declining accounts** fall to 30 % of their activity 21 days before the data ends",
        "  (`ingestion/generate/population.py`), so every build of the last week — the earliest,",
        "  Sunday 23:00, is 4 days and an hour before the end — has at least one complete ISO week",
        "  of the fall. Churn risk reads the latest complete week (labels never move on the clock",
        "  alone), so a fall younger than one complete week cannot show yet: with the fall 14 days",
        "  before the end, high + medium recall was 64 % at Sunday 23:00 and at target from Monday on.",
        "- **Tasks** being worked on are done within 2.5 days of their start",
        "  (`ingestion/generate/client_success.py`); only the planted stalled task stays in progress",
        "  past the 72 h of task_stalled. With a memoryless time in progress (mean 2.5 days) 30 % of all",
        "  tasks sat in progress for more than 72 h, and 71-75 % of task_stalled alerts named no",
        "  planted stall.",
        "",
        'Thresholds tuned from this report, and why: `docs/metrics.md`, "Tuned thresholds".',
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ewh-score-quality"))
    parser.add_argument(
        "--reuse", action="store_true", help="reuse generated and landed data of an earlier run"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "score_quality.md")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    results = []
    for seed in args.seeds:
        print(f"seed {seed}: generating and landing", flush=True)
        config, landed = prepare_seed(seed, args.dir, args.reuse)
        truth = planted_truth(config)
        builds = {}
        for name, as_of in BUILD_TIMES.items():
            print(f"seed {seed}: dbt run as of {name} ({as_of:%Y-%m-%d %H:%M})", flush=True)
            builds[name] = build_at(landed, landed.parent, as_of)
        results.append(SeedResult(seed, truth, builds))
    measures = [measure(r) for r in results]
    args.out.write_text(render(results, measures, time.perf_counter() - began))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
