"""Copy Spark tables out as Parquet files: ``python -m ingestion.spark.snapshot OUT schema[.table] ...``.

Each table is read through the metastore (as any Spark reader sees it) and written to
``OUT/<schema>.<table>.parquet`` with Arrow; a bare schema name copies every table in it.
Used to compare what the two engines built (tests) and to hand a Spark-built mart to a
tool that reads files. It starts its own driver, so it runs while no other Spark process
holds the local metastore (one JVM at a time).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq

from ingestion.spark.session import spark_session, use_spark_environment


def tables_of(spark, names: Sequence[str]) -> list[str]:  # noqa: ANN001 - pyspark is optional
    """``schema.table`` names for ``names`` (a bare schema expands to its tables, sorted)."""
    out: list[str] = []
    for name in names:
        if "." in name:
            out.append(name)
        else:
            rows = spark.sql(f"show tables in `{name}`").collect()
            out += sorted(f"{name}.{row['tableName']}" for row in rows if not row["isTemporary"])
    return out


def snapshot(names: Sequence[str], out_dir: Path) -> dict[str, int]:
    """Write every table of ``names`` to ``out_dir``; return rows per table."""
    use_spark_environment()
    spark = spark_session()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for table in tables_of(spark, names):
        data = spark.table(table).toArrow()
        pq.write_table(data, out_dir / f"{table}.parquet")
        rows[table] = data.num_rows
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.spark.snapshot", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("names", nargs="+", help="schema or schema.table")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = snapshot(args.names, args.out_dir)
    for table, count in rows.items():
        print(f"{table:<48} {count:>10,} rows")
    print(f"{len(rows)} tables to {args.out_dir} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
