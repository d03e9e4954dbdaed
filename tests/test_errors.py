"""Errors people can act on: one line that says what is wrong and what to do, never a traceback.

Each message of the CLI (and of Dagster where it opens the warehouse) has a test here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import write_jsonl

from ingestion import config
from ingestion.cli import main

REPO = Path(__file__).resolve().parents[1]


def run_ewh(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingestion.cli", *args],
        env={**os.environ, **(env or {})},
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("waiting for")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def holder(tmp_path: Path):
    """Start a process that keeps a DuckDB file open (as a notebook would); yields a starter."""
    started: list[subprocess.Popen] = []

    def start(path: Path, *, read_only: bool) -> subprocess.Popen:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro');"
                " print('open', flush=True); time.sleep(120)",
                str(path),
                "ro" if read_only else "rw",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "open"
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def empty_raw(tmp_path: Path) -> str:
    (tmp_path / "raw").mkdir(exist_ok=True)
    return str(tmp_path / "raw")


def test_a_writer_waits_for_a_notebook_then_names_it(tmp_path: Path, holder) -> None:
    warehouse = tmp_path / "w.duckdb"
    assert run_ewh("ingest", empty_raw(tmp_path), env={"EWH_WAREHOUSE": str(warehouse)}).returncode == 0
    notebook = holder(warehouse, read_only=True)
    started = time.monotonic()
    proc = run_ewh("ingest", empty_raw(tmp_path), "--wait", "2s", env={"EWH_WAREHOUSE": str(warehouse)})
    assert time.monotonic() - started >= 2  # it waited before giving up
    message = one_line_error(proc)
    assert f"PID {notebook.pid}" in message and "--wait" in message and "serving" in message


def test_a_writer_goes_on_once_the_reader_lets_go(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    assert run_ewh("ingest", empty_raw(tmp_path), env={"EWH_WAREHOUSE": str(warehouse)}).returncode == 0
    # the reader lets go once the writer says it waits (not after a fixed time: on a busy
    # machine the writer's start alone can take longer than any such time)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
            " print('open', flush=True); sys.stdin.readline(); c.close()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "open"
    writer = subprocess.Popen(
        [sys.executable, "-m", "ingestion.cli", "ingest", empty_raw(tmp_path), "--wait", "120s"],
        env={**os.environ, "EWH_WAREHOUSE": str(warehouse)},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr = []
    for line in writer.stderr:  # ends when the writer exits
        stderr.append(line)
        if "waiting for the warehouse" in line:
            break
    reader.communicate("go\n", timeout=60)
    out, rest = writer.communicate(timeout=300)
    stderr.append(rest)
    assert writer.returncode == 0, "".join(stderr)
    assert "waiting for the warehouse" in "".join(stderr)


def test_a_second_writer_names_the_one_holding_the_writer_lock(tmp_path: Path) -> None:
    from ingestion.warehouse import writer_lock

    warehouse = tmp_path / "w.duckdb"
    assert run_ewh("ingest", empty_raw(tmp_path), env={"EWH_WAREHOUSE": str(warehouse)}).returncode == 0
    with writer_lock(warehouse, purpose="test"):
        message = one_line_error(run_ewh("prune", "--wait", "0", env={"EWH_WAREHOUSE": str(warehouse)}))
    assert f"PID {os.getpid()}" in message and "writer lock" in message and "--wait" in message


def test_warehouse_path_is_a_folder(tmp_path: Path) -> None:
    message = one_line_error(run_ewh("ingest", empty_raw(tmp_path), env={"EWH_WAREHOUSE": str(tmp_path)}))
    assert "points to the folder" in message and "EWH_WAREHOUSE" in message


def test_warehouse_path_is_not_duckdb(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("these are my notes, not a database" * 100)
    message = one_line_error(run_ewh("ingest", empty_raw(tmp_path), env={"EWH_WAREHOUSE": str(bogus)}))
    assert "is not a DuckDB database" in message


def test_landing_keeps_to_the_duckdb_limits_of_the_profile(tmp_path: Path, monkeypatch) -> None:
    from ingestion.warehouse import warehouse

    monkeypatch.setenv("EWH_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("EWH_DUCKDB_THREADS", "1")
    with warehouse(tmp_path / "w.duckdb") as con:
        limit, threads = con.execute(
            "select current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
    assert limit in ("1.0 GiB", "953.6 MiB") and threads == 1
    env = {"EWH_WAREHOUSE": str(tmp_path / "w.duckdb"), "EWH_DUCKDB_MEMORY_LIMIT": "lots"}
    message = one_line_error(run_ewh("ingest", empty_raw(tmp_path), env=env))
    assert "EWH_DUCKDB_MEMORY_LIMIT='lots'" in message and "8GB" in message
    env = {"EWH_WAREHOUSE": str(tmp_path / "w.duckdb"), "EWH_DUCKDB_THREADS": "0"}
    assert "EWH_DUCKDB_THREADS='0'" in one_line_error(run_ewh("ingest", empty_raw(tmp_path), env=env))


def test_summary_before_any_build(tmp_path: Path) -> None:
    message = one_line_error(run_ewh("summary", env={"EWH_SERVING": str(tmp_path / "none.duckdb")}))
    assert "does not exist yet" in message and "build" in message


def test_export_and_forget_refuse_ids_and_paths_they_must_not_take(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    env = {"EWH_WAREHOUSE": str(warehouse), "EWH_EXPORTS_DIR": str(tmp_path / "exports")}
    write_jsonl(tmp_path / "raw", "product/tracks/a.jsonl", [{"message_id": "m1", "user_id": "usr_1"}])
    assert run_ewh("ingest", str(tmp_path / "raw"), env=env).returncode == 0
    assert "is empty" in one_line_error(run_ewh("forget", "", env=env))
    assert "too short" in one_line_error(run_ewh("forget", "js", env=env))
    assert "no row of any table names 'json'" in one_line_error(run_ewh("forget", "json", env=env))
    assert "no row of any table names" in one_line_error(run_ewh("export-user", "nobody-here", env=env))
    escape = one_line_error(run_ewh("export-user", "usr_1", "--out", "../../evil.json", env=env))
    assert "exports stay in" in escape and not (tmp_path.parent / "evil.json").exists()
    sneaky = one_line_error(run_ewh("export-user", "../../usr_1", env=env))
    assert "no row of any table names" in sneaky
    ok = run_ewh("export-user", "usr_1", env=env)
    assert ok.returncode == 0 and (tmp_path / "exports" / "usr_1.json").exists()


def test_build_on_an_empty_warehouse_says_nothing_is_landed(tmp_path: Path, capsys) -> None:
    from ingestion.build import as_of_notes

    assert "nothing landed yet" in as_of_notes(None, None, None, 0)[0]


def test_as_of_outside_the_data_warns() -> None:
    from datetime import datetime

    from ingestion.build import as_of_notes

    lo, hi = datetime(2026, 10, 1), datetime(2026, 11, 30)
    assert "before the first landed event" in as_of_notes(datetime(1, 1, 1), lo, hi, 10)[0]
    far = as_of_notes(datetime(9999, 1, 1), lo, hi, 10)
    assert any("days after the last landed event" in n for n in far) and any("future" in n for n in far)
    assert as_of_notes(datetime(2026, 11, 30, 12), lo, hi, 10) == []


def test_a_bad_as_of_or_wait_is_one_line(tmp_path: Path) -> None:
    proc = run_ewh("build", "--as-of", "next tuesday")
    assert proc.returncode == 2 and "not an ISO-8601 time" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_ewh("prune", "--wait", "soon")
    assert proc.returncode == 2 and "not a duration" in proc.stderr


def test_ewh_reads_dot_env_from_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "dbt_project").symlink_to(REPO / "dbt_project")
    (root / ".env").write_text(f"EWH_SERVING={tmp_path / 'from-dot-env.duckdb'}\n")
    monkeypatch.delenv("EWH_SERVING", raising=False)
    monkeypatch.setattr(config, "project_root", lambda: root)
    assert main(["summary"]) == 1
    assert "from-dot-env.duckdb" in capsys.readouterr().err


def test_paths_resolve_from_the_project_root_whatever_the_working_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EWH_WAREHOUSE", "data/somewhere.duckdb")
    monkeypatch.chdir(tmp_path)
    assert config.warehouse_path() == REPO / "data" / "somewhere.duckdb"


@pytest.mark.dbt
def test_dbt_from_inside_dbt_project_opens_the_same_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    relative = os.path.relpath(warehouse, REPO)  # relative to the project root, as in .env
    dbt = Path(sys.executable).parent / "dbt"
    for cwd, extra in (
        (REPO / "dbt_project", []),
        (REPO, ["--project-dir", "dbt_project", "--profiles-dir", "dbt_project"]),
    ):
        proc = subprocess.run(
            [str(dbt), "debug", *extra],
            cwd=cwd,
            env={
                **os.environ,
                "EWH_WAREHOUSE": relative,
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                # dbt's logs and artifacts out of the shared dbt_project/ (tests run in parallel)
                "DBT_LOG_PATH": str(tmp_path / "dbt_logs"),
                "DBT_TARGET_PATH": str(tmp_path / "dbt_target"),
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "All checks passed" in proc.stdout, proc.stdout[-2000:]
        assert str(warehouse) in proc.stdout.replace("//", "/") or warehouse.exists()
    assert warehouse.exists()
    assert not (REPO / "dbt_project" / relative).exists()


def test_dagster_loads_without_its_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EWH_WAREHOUSE", "EWH_RAW_DIR", "EWH_SERVING"):
        monkeypatch.delenv(name, raising=False)
    from orchestration.resources import RawRootResource, WarehouseResource

    assert WarehouseResource().resolved_path() == REPO / "data" / "warehouse.duckdb"
    assert RawRootResource().resolved_path() == REPO / "data" / "raw"
