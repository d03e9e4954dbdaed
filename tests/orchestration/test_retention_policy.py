"""Retention in plain Python: exactly the rows past policy go, and nothing else, on every path."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from rawdata import AS_OF, IP_TO_NULL, PAST_POLICY, write_dataset

from ingestion.cli import main
from ingestion.landing import ingest
from ingestion.retention import RetentionError, delete_older_than, policies, prune, reads_first, tables
from ingestion.streams import STREAMS_BY_TABLE
from ingestion.warehouse import warehouse

IP_COLUMN = {"widget__sessions": "ip_address", "behavior__events": "ip_address"}


@pytest.fixture
def con(tmp_path: Path):
    write_dataset(tmp_path / "raw")
    context = warehouse(tmp_path / "warehouse.duckdb")
    connection = context.__enter__()
    # landed when nothing was past policy yet (the oldest row is 400 days before AS_OF)
    report = ingest(tmp_path / "raw", connection, as_of=AS_OF - timedelta(days=401))
    assert not report.refused and report.rows_quarantined == 0
    yield connection
    context.__exit__(None, None, None)


def keys(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    key = STREAMS_BY_TABLE[table].key[0]
    return {k for (k,) in con.execute(f'select "{key}" from raw.{table}').fetchall()}


def ips(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str | None]:
    """key -> the IP of every row (anywhere in the row: the field, or a field outside the contract)."""
    key = STREAMS_BY_TABLE[table].key[0]
    field = "json_extract_string(context, '$.ip')" if table == "product__tracks" else IP_COLUMN[table]
    sql = f"""select "{key}", {field}, _extra from raw.{table}"""
    rows = con.execute(sql).fetchall()
    assert all(extra is None for _, _, extra in rows)  # the dataset sends only contract fields
    return {k: ip for k, ip, _ in rows}


def test_prune_deletes_and_nulls_exactly_what_is_past_policy(con: duckdb.DuckDBPyConnection) -> None:
    before = {
        t: keys(con, t) for t in ("widget__events", "widget__sessions", "behavior__events", "product__tracks")
    }
    ips_before = {t: ips(con, t) for t in IP_TO_NULL}

    dry = prune(con, as_of=AS_OF, dry_run=True)
    assert {t: keys(con, t) for t in before} == before  # a dry run changes nothing
    report = prune(con, as_of=AS_OF)

    for table, gone in PAST_POLICY.items():
        assert keys(con, table) == before[table] - gone
        assert report.rows(f"raw.{table}", "delete") == len(gone)
    assert keys(con, "product__tracks") == before["product__tracks"]
    for table, nulled in IP_TO_NULL.items():
        after = ips(con, table)
        assert report.rows(f"raw.{table}", "null") == len(nulled)
        for key, ip in after.items():
            if key in nulled:
                assert ip is None, f"{table} {key} still has its IP"
            else:
                assert ip == ips_before[table][key], f"{table} {key} changed"
    # Other fields of a scrubbed record stay.
    context = json.loads(
        con.execute("select context from raw.product__tracks where message_id = 't-mid'").fetchone()[0]
    )
    assert context == {"session_id": "s-u2-40"}
    # The dry run counted what the real run did; the mart that does not exist yet is reported absent.
    assert [(r.table, r.action, r.rows) for r in dry.results] == [
        (r.table, r.action, r.rows) for r in report.results
    ]
    assert {r.status for r in report.results if r.table == "marts.fct_sessions"} == {"absent"}

    again = prune(con, as_of=AS_OF)
    assert again.rows() == 0  # idempotent


def test_prune_is_relative_to_as_of(con: duckdb.DuckDBPyConnection) -> None:
    # 60 days earlier nothing is past a deletion policy yet: the widget batch received 100 days
    # before AS_OF is 40 days old, the 400-day-old session 340, the soft delete is in the future.
    report = prune(con, as_of=AS_OF - timedelta(days=60), dry_run=True)
    assert report.rows(action="delete") == 0
    # ... but the 340-day-old session's IP is past the 30-day IP policy (the rows 40 days before
    # AS_OF lie in that as_of's future).
    assert report.rows("raw.widget__sessions", "null") == 1
    assert report.rows(action="null") == 1
    assert prune(con, as_of=AS_OF, dry_run=True).rows(action="delete") == 5


def test_one_line_adds_a_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema marts")
    con.execute("create table marts.fct_things as select 1 as id, timestamp '2024-01-01' as occurred_at")
    con.execute("insert into marts.fct_things values (2, timestamp '2026-11-19')")
    rules = (
        *policies(),
        delete_older_than("marts.fct_things", "occurred_at", days=365, policy="things: 1 year"),
    )
    report = prune(con, as_of=AS_OF, rules=rules, only_tables=["marts.fct_things"])
    assert report.rows() == 1
    assert con.execute("select id from marts.fct_things").fetchall() == [(2,)]


def test_rule_on_a_wrong_column_says_what_to_fix(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema marts")
    con.execute("create table marts.fct_sessions (session_id varchar, begun_at timestamp)")
    with pytest.raises(RetentionError, match="no column started_at.*ingestion/retention.py"):
        prune(con, as_of=AS_OF, only_tables=["marts.fct_sessions"])
    with pytest.raises(RetentionError, match="no retention rule deletes from or nulls in raw.nope"):
        prune(con, as_of=AS_OF, only_tables=["raw.nope"])


def test_policies_cover_design_section_5() -> None:
    assert tables()[:4] == [
        "raw.widget__events",
        "raw.widget__sessions",
        "raw.behavior__events",
        "raw.product__tracks",
    ]
    assert "marts.fct_sessions" in tables()
    assert "marts.widget_daily_stats" in tables(with_kept=True)  # daily stats: kept indefinitely
    assert "marts.widget_daily_stats" not in tables()
    assert reads_first("marts.fct_events") == ["raw.behavior__events"]


def test_incremental_model_loses_the_rows_pruned_from_raw(con: duckdb.DuckDBPyConnection) -> None:
    """An incremental model keeps rows across builds: the rows whose raw row went, go too."""
    con.execute("create schema marts")
    con.execute(
        """create table marts.fct_events as select * from (values
           ('behavior', 'b-recent'), ('behavior', 'b-ancient'), ('behavior', 'b-soft-deleted'),
           ('widget', 'ws-1-e0'), ('widget', 'ws-old-e0'), ('widget', 'ws-old-e1'), ('product', 't-mid'))
           as t(source, event_id)"""
    )
    con.execute("alter table marts.fct_events add column received_at timestamp")
    con.execute(
        "update marts.fct_events set received_at = case when event_id like 'ws-old%' "
        "then timestamp '2026-08-10 12:00:00' else timestamp '2026-11-19 12:00:00' end"
    )
    con.execute("alter table marts.fct_events add column session_started_at timestamp")
    con.execute("alter table marts.fct_events add column session_id varchar")
    con.execute("alter table marts.fct_events add column actor_id varchar")
    con.execute("alter table marts.fct_events add column occurred_at timestamp")
    con.execute("update marts.fct_events set actor_id = 'actor-' || event_id, occurred_at = received_at")
    dry = prune(con, as_of=AS_OF, dry_run=True)
    assert dry.rows("marts.fct_events") == 4  # counted after the raw deletes of the same run
    assert con.execute("select count(*) from marts.fct_events").fetchone()[0] == 7  # rolled back
    prune(con, as_of=AS_OF)
    left = {e for (e,) in con.execute("select event_id from marts.fct_events").fetchall()}
    assert left == {"b-recent", "ws-1-e0", "t-mid"}
    # the actors of the pruned behavior events, for the next build to sessionize what is left of
    # them (widget events are not recorded: widget sessions outlive their raw events)
    recorded = con.execute(
        "select source, actor_id, first_pruned_at::varchar from raw._pruned_event_actors order by actor_id"
    ).fetchall()
    assert recorded == [
        ("behavior", "actor-b-ancient", "2026-11-19 12:00:00"),
        ("behavior", "actor-b-soft-deleted", "2026-11-19 12:00:00"),
    ]


def test_ewh_prune_prints_counts(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    con.close()
    monkeypatch.setenv("EWH_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    assert main(["prune", "--dry-run", "--as-of", "2026-11-20T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert "dry run, nothing changed" in out
    assert "raw.behavior__events" in out and "would touch" in out
    assert main(["prune", "--as-of", "2026-11-20T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("raw.widget__events"))
    assert line.split()[-2:] == ["1", "done"]


def test_quarantined_lines_go_after_90_days(con: duckdb.DuckDBPyConnection) -> None:
    """Quarantined lines keep the producer's raw text (IPs, emails): reviewed within 90 days, then gone."""
    rows = [
        (
            "product__tracks",
            "old.jsonl",
            "h1",
            1,
            "invalid JSON",
            '{"ip": "192.0.2.7"',
            AS_OF - timedelta(days=91),
        ),
        (
            "product__tracks",
            "new.jsonl",
            "h2",
            1,
            "invalid JSON",
            '{"ip": "192.0.2.8"',
            AS_OF - timedelta(days=89),
        ),
    ]
    con.executemany("insert into raw._quarantine values (?, ?, ?, ?, ?, ?, ?)", rows)
    report = prune(con, as_of=AS_OF, only_tables=["raw._quarantine"])
    assert report.rows() == 1
    assert con.execute("select file_path from raw._quarantine").fetchall() == [("new.jsonl",)]


def test_landing_drops_what_is_already_past_policy(tmp_path: Path) -> None:
    """A dump delivered (again) after its rows expired cannot bring them back, nor their IPs."""
    write_dataset(tmp_path / "raw")
    with warehouse(tmp_path / "warehouse.duckdb") as con:
        report = ingest(tmp_path / "raw", con, as_of=AS_OF)
        assert report.rows_expired == sum(len(gone) for gone in PAST_POLICY.values())
        by_file = {f.path.split("/")[0] + "__" + f.path.split("/")[1]: f for f in report.landed}
        assert by_file["widget__events"].rows_expired == 1
        for table, gone in PAST_POLICY.items():
            assert not keys(con, table) & gone, table
        for table, nulled in IP_TO_NULL.items():
            assert all(ips(con, table)[k] is None for k in nulled), table
        # what a prune as of the same time would do is done already
        assert prune(con, as_of=AS_OF).rows() == 0
        manifest = dict(
            con.execute("select table_name, sum(rows_expired) from raw._manifest group by 1").fetchall()
        )
        assert manifest["behavior__events"] == len(PAST_POLICY["behavior__events"])
        # a soft-deleted id is gone for good: a later copy without the marker does not land
        tombstoned = con.execute(
            "select erased_id_sha256 = sha256('b-soft-deleted') from raw._tombstones "
            "where id_kind = 'behavior_event'"
        ).fetchall()
        assert (True,) in tombstoned
