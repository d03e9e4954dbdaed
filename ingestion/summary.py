"""``ewh summary``: what the last published build holds, read from the serving database.

The serving database (``ingestion/serving.py``) carries the raw table sizes of the moment it
was published, so the summary never opens the warehouse and never waits for a build.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.serving import open_serving

GRADE_ORDER = ("A+", "A", "B+", "B", "C+", "C", "D")


def print_summary(serving: Path, *, brief: bool = False) -> None:
    """What the serving database holds; ``brief``: one line per part (what ``ewh demo`` prints)."""
    con = open_serving(serving)
    try:
        as_of, published_at, models, tests = con.execute(
            "select as_of, published_at, models_built, tests_passed from meta.build"
        ).fetchone()
        print(f"serving database {serving}: built as of {as_of}, published {published_at:%Y-%m-%d %H:%M:%S} UTC")
        if models is not None:
            print(f"  from a build of {models} models with {tests} tests passed")
        raw = con.execute("select table_name, row_count, quarantined_lines from meta.raw_tables").fetchall()
        if brief:
            print(f"raw tables (when published): {sum(r for _, r, _ in raw):,} rows in {len(raw)} tables")
        else:
            print("raw tables (when published):")
        for table, rows, _ in [] if brief else raw:
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
        sizes = {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for name in marts}
        if brief:
            print(f"marts: {len(marts)} tables, {sum(sizes.values()):,} rows")
        else:
            print("marts:")
        for name, rows in [] if brief else sizes.items():
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
            critical_total = sum(c for _, _, c in kinds)
            print(
                f"alerts: {sum(n for _, n, _ in kinds):,}"
                + ("" if kinds else " (none)")
                + (f" ({critical_total:,} critical)" if brief and critical_total else "")
            )
            for alert_type, n, critical in [] if brief else kinds:
                print(f"  {alert_type:<36} {n:>12,}" + (f"  ({critical:,} critical)" if critical else ""))
    finally:
        con.close()
