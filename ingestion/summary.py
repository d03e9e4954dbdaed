"""``ewh summary``: what the last published build holds, read from the serving database.

The serving database (``ingestion/serving.py``) carries the raw table sizes of the moment it
was published, so the summary never opens the warehouse and never waits for a build.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.serving import open_serving

GRADE_ORDER = ("A+", "A", "B+", "B", "C+", "C", "D")


def print_summary(serving: Path) -> None:
    con = open_serving(serving)
    try:
        as_of, published_at, models, tests = con.execute(
            "select as_of, published_at, models_built, tests_passed from meta.build"
        ).fetchone()
        print(f"serving database {serving}: built as of {as_of}, published {published_at:%Y-%m-%d %H:%M:%S} UTC")
        if models is not None:
            print(f"  from a build of {models} models with {tests} tests passed")
        print("raw tables (when published):")
        raw = con.execute("select table_name, row_count, quarantined_lines from meta.raw_tables").fetchall()
        for table, rows, _ in raw:
            print(f"  {table:<36} {rows:>12,}")
        quarantined = [(t, q) for t, _, q in raw if q]
        total = sum(q for _, q in quarantined)
        detail = ", ".join(f"{t.split('.', 1)[1]}: {q}" for t, q in quarantined)
        print(f"quarantined lines: {total:,}" + (f" ({detail})" if total else ""))
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        print("marts:")
        for name in marts:
            rows = con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
            print(f"  marts.{name:<34} {rows:>12,}")
        if "agent_comparison" in marts:
            grades = dict(
                con.execute("select performance_grade, count(*) from marts.agent_comparison group by 1").fetchall()
            )
            shown = [g for g in GRADE_ORDER if g in grades] + sorted(set(grades) - set(GRADE_ORDER), key=str)
            print(
                "agents per performance grade: "
                + (", ".join(f"{g}: {grades[g]}" for g in shown) if shown else "none")
            )
        if "alerts" in marts:
            kinds = con.execute(
                "select alert_type, count(*), count(case when severity = 'critical' then 1 end) "
                "from marts.alerts group by 1 order by 1"
            ).fetchall()
            print(f"alerts: {sum(n for _, n, _ in kinds):,}" + ("" if kinds else " (none)"))
            for alert_type, n, critical in kinds:
                print(f"  {alert_type:<36} {n:>12,}" + (f"  ({critical:,} critical)" if critical else ""))
    finally:
        con.close()
