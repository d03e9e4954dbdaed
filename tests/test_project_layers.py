"""The dbt project's layers flow one way: staging -> intermediate -> marts.

Read from the manifest of a real ``dbt parse``: no staging model reads an intermediate model or
a mart, and no intermediate model reads a mart, except the alert episodes, which read the facts
and scores whose numbers they alert on (models/intermediate/monitoring/_int_monitoring__models.yml).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingestion.dbt_runner import run_dbt

pytestmark = pytest.mark.dbt

ALERT_EPISODES = ("intermediate/monitoring/", "intermediate/client_success/int_client_")


def _layer(node: dict) -> str:
    return node["original_file_path"].split("/")[1]  # models/<layer>/...


def test_layers_flow_one_way(empty_warehouse: Path, tmp_path: Path) -> None:
    run_dbt(["parse"], warehouse=empty_warehouse, target_path=tmp_path / "target")
    nodes = json.loads((tmp_path / "target" / "manifest.json").read_text())["nodes"]
    models = {uid: n for uid, n in nodes.items() if n["resource_type"] == "model"}
    assert len(models) > 50
    order = {"staging": 0, "intermediate": 1, "marts": 2}
    backwards = []
    for node in models.values():
        path = node["original_file_path"].removeprefix("models/")
        for parent in node["depends_on"]["nodes"]:
            if parent not in models:
                continue  # sources and seeds
            if order[_layer(models[parent])] <= order[_layer(node)]:
                continue
            if _layer(node) == "intermediate" and path.startswith(ALERT_EPISODES):
                continue
            backwards.append(f"{node['name']} reads {models[parent]['name']}")
    assert backwards == []
