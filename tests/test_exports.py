"""The files made from the serving database: the account_overview mart, ``ewh report``, ``ewh digest``
and ``ewh share``, end to end, and the report and a digest drawn in a real browser.

Generated sample data (3 accounts, 21 days, fixed seed) is landed and built once for the module
with ``ingestion.build.build``, which publishes the serving database every command reads. Expected
numbers are recomputed here from the other marts of the same serving file, so the checks hold for
any seed. The browser tests need Debian's chromium at /usr/bin/chromium (``make browser``).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingestion.build import build
from ingestion.cli import main
from ingestion.digest import parse_week, write_digests
from ingestion.exports import ExportError, safe_filename
from ingestion.generate import GenerateConfig, generate
from ingestion.landing import ingest
from ingestion.report import Limits, write_report
from ingestion.share import write_share
from ingestion.warehouse import warehouse

pytestmark = pytest.mark.dbt

AS_OF = datetime(2026, 11, 20, 0, 0)  # a Friday: the latest complete week starts Monday 2026-11-09
LATEST_COMPLETE_WEEK = datetime(2026, 11, 9).date()
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A serving database built as of AS_OF from generated data of three accounts."""
    root = tmp_path_factory.mktemp("exports")
    generate(
        GenerateConfig(
            out_dir=root / "raw",
            accounts=3,
            users_per_account=4,
            agents_per_account=2,
            days=21,
            seed=11,
            end=AS_OF.replace(tzinfo=UTC),
        )
    )
    path = root / "warehouse.duckdb"
    with warehouse(path) as con:
        report = ingest(root / "raw", con, as_of=AS_OF)
    assert report.ok and report.rows_landed > 0, report
    result = build(
        warehouse_path=path,
        serving_path=root / "serving.duckdb",
        as_of=AS_OF,
        unit_tests=False,
        target_path=root / "target",
    )
    assert result.ok and result.published, result.dbt.output[-3000:]
    return result.published.path


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def accounts_of(serving: Path) -> list[str]:
    return [a for (a,) in rows(serving, "select account_id from marts.dim_accounts order by 1")]


# ------------------------------------------------------------------ account_overview


def test_account_overview_has_one_row_per_account_with_stable_types(serving: Path) -> None:
    assert sorted(
        a for (a,) in rows(serving, "select account_id from marts.account_overview")
    ) == accounts_of(serving)
    types = dict(rows(serving, "select column_name, column_type from (describe marts.account_overview)"))
    assert "HUGEINT" not in types.values()
    counts = [
        c
        for c in types
        if c.startswith(("cs_excellent", "cs_good", "cs_needs", "cs_at", "end_customers", "open_alerts"))
    ]
    counts += [
        "users_total",
        "users_active_30d",
        "cs_clients",
        "agents",
        "conversations_30d",
        "widget_sessions_30d",
    ]
    assert {types[c] for c in counts} == {"BIGINT"}, {c: types[c] for c in counts}
    assert {types[c] for c in types if c.endswith("_rate")} == {"DOUBLE"}


def test_account_overview_agrees_with_the_marts_it_joins(serving: Path) -> None:
    window_start = AS_OF - timedelta(days=30)
    con = duckdb.connect(str(serving), read_only=True)
    cursor = con.execute("select * from marts.account_overview")
    names = [d[0] for d in cursor.description]
    overview = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    con.close()
    assert sum(o["conversations_30d"] for o in overview) > 0, (
        "no conversations in 30 days: the fixture is too small"
    )
    assert sum(o["cs_clients"] for o in overview) > 0 and sum(o["widget_sessions_30d"] for o in overview) > 0
    for o in overview:
        account = o["account_id"]
        health = rows(
            serving,
            "select health_score, churn_risk, total_users, active_users_30d from marts.account_health "
            "where account_id = ? and is_as_of_date",
            [account],
        )
        got = (o["health_score"], o["churn_risk"], o["users_total"], o["users_active_30d"])
        assert got == (health[0] if health else (None, None, None, None))
        ((clients, mean, at_risk),) = rows(
            serving,
            "select count(*), round(avg(overall_score), 2), count(case when score_band = 'at_risk' then 1 end) "
            "from marts.client_success_scores where organization_id = ? and week_start = ?",
            [account, LATEST_COMPLETE_WEEK],
        )
        assert o["cs_week_start"] == (LATEST_COMPLETE_WEEK if clients else None)
        assert (o["cs_clients"], o["cs_at_risk"]) == (clients, at_risk)
        assert o["cs_mean_score"] == (pytest.approx(mean) if mean is not None else None)
        ((agents, mean_score),) = rows(
            serving,
            "select (select count(*) from marts.dim_agents where account_id = $1), "
            "(select round(avg(performance_score), 2) from marts.agent_comparison where account_id = $1)",
            [account],
        )
        assert o["agents"] == agents
        assert o["agent_mean_score"] == (pytest.approx(mean_score) if mean_score is not None else None)
        ((conversations,),) = rows(
            serving,
            "select count(*) from marts.fct_conversations where account_id = ? and started_at > ? and started_at <= ?",
            [account, window_start, AS_OF],
        )
        assert o["conversations_30d"] == conversations
        ((sessions, with_conversation),) = rows(
            serving,
            """select coalesce(sum(total_sessions), 0), coalesce(sum(total_conversations), 0)
               from marts.widget_daily_stats
               where chatbot_id in (select agent_id from marts.dim_agents where account_id = ?)
                 and stat_date >= ? and stat_date < ?""",
            [account, window_start.date(), AS_OF.date()],
        )
        assert (o["widget_sessions_30d"], o["widget_conversations_30d"]) == (sessions, with_conversation)
        ((customers, new),) = rows(
            serving,
            "select count(*), count(case when customer_segment = 'new' then 1 end) from marts.customer_insights "
            "where account_id = ?",
            [account],
        )
        assert (o["end_customers"], o["end_customers_new"]) == (customers, new)
        ((alerts, critical),) = rows(
            serving,
            "select count(*), count(case when severity = 'critical' then 1 end) from marts.alerts "
            "where account_id = ? and is_open",
            [account],
        )
        assert (o["open_alerts"], o["open_alerts_critical"]) == (alerts, critical)


# ------------------------------------------------------------------ report


def test_report_is_one_self_contained_file_of_every_section(serving: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = write_report(out, serving=serving)
    html = out.read_text()
    assert result.bytes == out.stat().st_size and result.as_of == AS_OF
    assert (result.charts, result.tables) == (8, 4)
    # nothing is fetched: no external script, style, image or frame, and a policy that forbids requests
    assert not re.search(r"<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)\s*=", html, re.I)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "connect-src 'none'" in html and "default-src 'none'" in html
    assert html.count("Plotly.newPlot(") == 8 and html.count("plotly.js v") == 1  # the library inlined once
    for section in ("accounts", "health", "success", "agents", "widget", "alerts"):
        assert f'<section id="{section}">' in html
    assert html.index('id="accounts"') < html.index('id="health"')  # the overview comes first
    assert "As of 2026-11-20 00:00 UTC" in html
    assert html.count("How to read this:") == 8
    names = [
        n
        for (n,) in rows(
            serving, "select account_name from marts.account_overview where account_name is not null"
        )
    ]
    overview = html[html.index('id="table-accounts"') : html.index('<section id="health">')]
    body = overview[overview.index("<tbody>") :]
    assert body.count("<tr>") == 3 and all(name.replace("&", "&amp;") in overview for name in names)
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_caps_long_lists_and_says_so(serving: Path, tmp_path: Path) -> None:
    out = tmp_path / "capped.html"
    write_report(out, serving=serving, limits=Limits(accounts=1, agents=2, heatmap_clients=3, alerts=2))
    html = out.read_text()
    agents = rows(serving, "select count(*) from marts.agent_comparison")[0][0]
    assert "Showing 1 of 3." in html and f"Showing 2 of {agents:,}." in html
    clients = rows(serving, "select count(distinct client_id) from marts.client_engagement_heatmap")[0][0]
    assert f"Shows the 3 most active of {clients} clients." in html


def test_report_command_and_its_errors(serving: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("EWH_SERVING", str(serving))
    monkeypatch.setenv("EWH_EXPORTS_DIR", str(tmp_path / "exports"))
    assert main(["report"]) == 0
    assert (tmp_path / "exports" / "report.html").stat().st_size > 1_000_000
    assert "report.html" in capsys.readouterr().out
    assert main(["report", "--as-of", "2026-11-20T00:00:00Z", "--out", str(tmp_path / "r.html")]) == 0
    capsys.readouterr()
    assert main(["report", "--as-of", "2026-11-21T00:00:00Z"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "ewh build --as-of 2026-11-21T00:00:00Z" in err
    monkeypatch.setenv("EWH_SERVING", str(tmp_path / "missing.duckdb"))
    assert main(["report"]) == 1
    assert "does not exist yet" in capsys.readouterr().err


# ------------------------------------------------------------------ digest


def test_digest_of_every_client_of_the_latest_complete_week(serving: Path, tmp_path: Path) -> None:
    result = write_digests(tmp_path, serving=serving)
    assert result.week_start == LATEST_COMPLETE_WEEK
    scores = rows(
        serving,
        """select client_id, overall_score, score_band, score_change, active_days, tasks_done_count,
                  content_generated_count + visual_created_count
           from marts.client_success_scores where week_start = ? order by 1""",
        [LATEST_COMPLETE_WEEK],
    )
    assert scores and result.clients == len(scores) and len(result.files) == 2 * len(scores)
    bands = {
        "excellent": "Excellent",
        "good": "Good",
        "needs_attention": "Needs attention",
        "at_risk": "At risk",
    }
    for client, score, band, change, active_days, tasks, content in scores:
        raw_text = (tmp_path / f"{safe_filename(client)}.txt").read_text()
        text = " ".join(raw_text.split())  # the text part wraps at 72 columns
        html = (tmp_path / f"{safe_filename(client)}.html").read_text()
        assert f"Success score: {math.floor(score)} / 100 — {bands[band]}" in text
        assert 'class="score" style="font-size:72px' in html and f">{math.floor(score)}</div>" in html
        if change is None:
            assert "your first scored week" in text
        elif abs(change) >= 0.05:
            assert f"{'up' if change > 0 else 'down'} {abs(change):.1f} points on last week" in text
        assert f"Active days:      {active_days} of 7" in raw_text
        assert f"Tasks completed:  {tasks}" in raw_text and f"Content created:  {content}" in raw_text
        insights = rows(
            serving,
            "select title, message from marts.client_weekly_insights where client_id = ? and week_start = ?",
            [client, LATEST_COMPLETE_WEEK],
        )
        for title, message in insights:
            assert title in text and title in html and message in text
        assert html.count('class="insight"') == len(insights)
        assert "Open your success dashboard" in html and "Open your success dashboard" in text
        assert not re.search(r"<(script|link|img)\b", html)


def test_digest_of_one_client_and_week_and_its_errors(
    serving: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    (client,) = rows(
        serving,
        "select min(client_id) from marts.client_success_scores where week_start = ?",
        [LATEST_COMPLETE_WEEK - timedelta(days=7)],
    )[0]
    result = write_digests(tmp_path, serving=serving, client=client, week=parse_week("2026-W45"))
    assert result.week_start == LATEST_COMPLETE_WEEK - timedelta(days=7) and result.clients == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{safe_filename(client)}.html",
        f"{safe_filename(client)}.txt",
    ]
    assert parse_week("2026-11-12") == LATEST_COMPLETE_WEEK == parse_week("2026W46")
    with pytest.raises(ExportError, match="no complete week of scores starts on 2026-11-16"):
        write_digests(tmp_path, serving=serving, week=parse_week("2026-11-16"))  # the current week
    monkeypatch.setenv("EWH_SERVING", str(serving))
    monkeypatch.setenv("EWH_EXPORTS_DIR", str(tmp_path / "exports"))
    assert main(["digest", "--client", "nobody"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'nobody'" in err
    assert main(["digest"]) == 0
    assert "week of 2026-11-09" in capsys.readouterr().out


def test_safe_file_names() -> None:
    assert safe_filename("usr_12ab") == "usr_12ab"
    assert safe_filename("+12081669653") == "+12081669653"
    for hostile in ("../etc/passwd", "a/b", ".hidden", "", "x y"):
        name = safe_filename(hostile)
        assert "/" not in name and not name.startswith(".") and " " not in name and name
    assert safe_filename("a/b") != safe_filename("a_b")


# ------------------------------------------------------------------ share


def _ids_of(con: duckdb.DuckDBPyConnection, account: str) -> set[str]:
    """Every id that belongs to ``account``: the account, its users, agents, end customers, sessions
    and conversations."""
    queries = [
        "select ?",
        "select user_id from marts.dim_users where account_id = ?",
        "select agent_id from marts.dim_agents where account_id = ?",
        "select end_customer_id from marts.customer_insights where account_id = ?",
        "select end_customer_id from marts.fct_conversations where account_id = ?",
        "select conversation_id from marts.fct_conversations where account_id = ?",
        "select end_customer_id from marts.dim_end_customers where latest_agent_id in "
        "(select agent_id from marts.dim_agents where account_id = ?)",
        "select session_id from marts.fct_sessions where account_id = ?",
        "select anonymous_id from marts.fct_sessions where account_id = ?",
        "select blended_user_id from marts.fct_sessions where account_id = ?",
        "select session_id from marts.behavior_sessions where account_id = ?",
    ]
    ids: set[str] = set()
    for sql in queries:
        ids |= {value for (value,) in con.execute(sql, [account]).fetchall() if value}
    return ids


def _cells_holding(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, int]:
    """``schema.table.column`` -> cells in which one of ``ids`` appears as text, in every column of
    every table of the database. A cell is cut into id-shaped tokens (letters, digits, ``_ + @ -``):
    an id inside JSON, a list or a sentence is found, a longer id that merely starts the same is not."""
    con.execute("create or replace temp table probe_ids as select unnest(?::varchar[]) as id", [sorted(ids)])
    found = {}
    columns = con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and schema_name in ('marts', 'meta')"
    ).fetchall()
    for schema, table, column in columns:
        hits = con.execute(
            f"""select count(*) from (
                    select unnest(string_split_regex(cast("{column}" as varchar), '[^A-Za-z0-9_+@-]+')) as token
                    from {schema}."{table}"
                ) as cells
                inner join probe_ids on cells.token = probe_ids.id"""
        ).fetchone()[0]
        if hits:
            found[f"{schema}.{table}.{column}"] = hits
    return found


def test_share_extracts_hold_no_id_of_another_account(serving: Path, tmp_path: Path) -> None:
    accounts = accounts_of(serving)
    assert len(accounts) >= 2
    source = duckdb.connect(str(serving), read_only=True)
    try:
        ids = {account: _ids_of(source, account) for account in accounts}
        others_of = {a: set().union(*(ids[b] for b in accounts if b != a)) - ids[a] for a in accounts}
        # the probe works: the serving database itself holds the other accounts' ids in many columns
        assert len(_cells_holding(source, others_of[accounts[0]])) > 10
    finally:
        source.close()
    for account in accounts[:2]:
        out = tmp_path / f"{account}.duckdb"
        result = write_share(account, out, serving=serving)
        assert result.excluded == ["platform_distribution", "system_performance"]
        con = duckdb.connect(str(out), read_only=True)
        try:
            assert _cells_holding(con, others_of[account]) == {}
            # and it does hold the account's own rows
            assert result.tables["fct_events"] > 0 and result.tables["account_overview"] == 1
            own = _cells_holding(con, ids[account])
            assert "marts.fct_conversations.conversation_id" in own and "marts.dim_users.user_id" in own
            for table in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall():
                columns = [
                    c
                    for (c,) in con.execute(f"select column_name from (describe marts.{table[0]})").fetchall()
                ]
                assert not [
                    c
                    for c in columns
                    if re.search(
                        r"email(?!_verified)|^ip|_ip$|ip_address|^name$|first_name|last_name|phone|^fleet_", c
                    )
                ]
                if "account_id" in columns:
                    assert (
                        con.execute(
                            f"select count(*) from marts.{table[0]} where account_id is distinct from ?",
                            [account],
                        ).fetchone()[0]
                        == 0
                    )
            extract = {
                row[0]: row[1:]
                for row in con.execute(
                    "select table_name, is_included, tied_by, row_count from meta.extract"
                ).fetchall()
            }
            assert extract["system_performance"][0] is False and extract["platform_distribution"][0] is False
            assert extract["dim_end_customers"][1] == "latest_agent_id -> dim_agents.agent_id -> account_id"
            assert extract["client_success_scores"][1] == "organization_id"
            assert all(extract[t][2] == n for t, n in result.tables.items())
            assert con.execute("select account_id, as_of from meta.build").fetchone() == (account, AS_OF)
        finally:
            con.close()
        assert not list(tmp_path.glob(".*.tmp*"))


def test_share_command_and_an_unknown_account(serving: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("EWH_SERVING", str(serving))
    monkeypatch.setenv("EWH_EXPORTS_DIR", str(tmp_path))
    account = accounts_of(serving)[0]
    assert main(["share", "--account", account]) == 0
    assert (tmp_path / "share" / f"{account}.duckdb").exists()
    capsys.readouterr()
    assert main(["share", "--account", "acc_does_not_exist"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'acc_does_not_exist' is not in the serving database" in err
    assert not (tmp_path / "share" / "acc_does_not_exist.duckdb").exists()


# ------------------------------------------------------------------ in a real browser


def _browser():
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed: make install")
    return sync_api.sync_playwright()


def _open(p, url: str):
    """A page at ``url`` with every console error, page error and request recorded."""
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = {"errors": [], "requests": []}
    page.on(
        "console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.goto(url, wait_until="load")
    return browser, page, seen


def test_report_draws_every_chart_in_chromium_without_a_request(serving: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_report(out, serving=serving)
    with _browser() as p:
        browser, page, seen = _open(p, out.as_uri())
        try:
            page.wait_for_function(
                "document.querySelectorAll('figure.chart .main-svg').length >= document.querySelectorAll('figure.chart').length"
            )
            charts = page.evaluate(
                """Array.from(document.querySelectorAll('figure.chart')).map(figure => {
                    const svg = figure.querySelector('.main-svg');
                    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                    return {key: figure.dataset.chart, width: box.width, height: box.height,
                            marks: figure.querySelectorAll('.trace, .hm').length,
                            title: (figure.querySelector('.gtitle') || {}).textContent || '',
                            axes: figure.querySelectorAll('.xtitle, .ytitle').length};
                })"""
            )
            assert [c["key"] for c in charts] == [
                "health", "success", "heatmap", "grades", "widget", "channels", "devices", "alerts"
            ]  # fmt: skip
            for chart in charts:
                assert chart["width"] > 200 and chart["height"] > 200, chart
                assert chart["marks"] > 0 and chart["title"] and chart["axes"] >= 2, chart
            # a click on a header sorts the table by that column
            health = page.locator("#table-accounts thead tr:last-child th", has_text="health")
            health.click()
            assert health.get_attribute("aria-sort") == "ascending"
            values = page.eval_on_selector_all(
                "#table-accounts tbody tr", "rows => rows.map(r => Number(r.cells[3].dataset.sort))"
            )
            assert values == sorted(values)
            health.click()
            assert health.get_attribute("aria-sort") == "descending"
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 50_000
        finally:
            browser.close()
    assert seen["errors"] == []
    assert seen["requests"] == [out.as_uri()]


def test_digest_renders_in_chromium_without_a_request(serving: Path, tmp_path: Path) -> None:
    result = write_digests(tmp_path, serving=serving)
    page_file = next(p for p in result.files if p.suffix == ".html")
    with _browser() as p:
        browser, page, seen = _open(p, page_file.as_uri())
        try:
            score = page.locator(".score")
            assert score.is_visible() and re.fullmatch(r"\d{1,3}", score.inner_text())
            assert page.locator(".stats td").count() == 3 and page.locator("a.cta").is_visible()
            box = page.locator("table[width='600']").bounding_box()
            assert box and 500 < box["width"] <= 600
            shot = tmp_path / "digest.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
    assert seen["errors"] == []
    assert seen["requests"] == [page_file.as_uri()]
