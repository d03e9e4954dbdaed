"""Which asset writes a warehouse table, so retention pruning sits in the right place of the graph."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

from ingestion.retention import POLICIES, Rule, tables
from ingestion.streams import RAW_SCHEMA, STREAMS_BY_TABLE
from orchestration.assets.landing import landing_asset_key
from orchestration.assets.retention import prune_asset_name


def table_key_resolver(
    manifest: Mapping[str, Any], translator: DagsterDbtTranslator
) -> Callable[[str], dg.AssetKey | None]:
    """``schema.table`` -> the asset that writes it: a landing asset for raw, else a dbt node."""
    by_relation = {
        (node["schema"], node.get("alias") or node["name"]): node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") in ("model", "seed", "snapshot")
    }

    def key_for_table(table: str) -> dg.AssetKey | None:
        schema, name = table.split(".", 1)
        if schema == RAW_SCHEMA:
            stream = STREAMS_BY_TABLE.get(name)
            return landing_asset_key(stream) if stream else None
        node = by_relation.get((schema, name))
        return translator.get_asset_key(node) if node else None

    return key_for_table


def pruned_raw_sources(policies: tuple[Rule, ...] = POLICIES) -> dict[dg.AssetKey, dg.AssetKey]:
    """Landing asset key -> the prune asset of that raw table (for the dbt nodes that read it)."""
    out: dict[dg.AssetKey, dg.AssetKey] = {}
    for table in tables(policies):
        schema, name = table.split(".", 1)
        if schema == RAW_SCHEMA and name in STREAMS_BY_TABLE:
            out[landing_asset_key(STREAMS_BY_TABLE[name])] = dg.AssetKey(prune_asset_name(table))
    return out
