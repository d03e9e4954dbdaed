"""Which asset writes a warehouse table, so retention pruning sits in the right place of the graph."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

from ingestion.retention import Rule, policies, tables
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


def pruned_raw_sources(rules: tuple[Rule, ...] | None = None) -> dict[dg.AssetKey, dg.AssetKey]:
    """Landing asset key -> the prune asset of that raw table (for the dbt nodes that read it)."""
    out: dict[dg.AssetKey, dg.AssetKey] = {}
    for table in tables(policies() if rules is None else rules):
        schema, name = table.split(".", 1)
        if schema == RAW_SCHEMA and name in STREAMS_BY_TABLE:
            out[landing_asset_key(STREAMS_BY_TABLE[name])] = dg.AssetKey(prune_asset_name(table))
    return out


def pruned_models(
    manifest: Mapping[str, Any], rules: tuple[Rule, ...] | None = None
) -> dict[str, dg.AssetKey]:
    """dbt unique_id of a model with a retention rule -> its prune asset (for the models that read it)."""
    by_relation = {
        f"{node['schema']}.{node.get('alias') or node['name']}": unique_id
        for unique_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "model"
    }
    return {
        by_relation[table]: dg.AssetKey(prune_asset_name(table))
        for table in tables(policies() if rules is None else rules)
        if table in by_relation
    }


def mart_asset_keys(manifest: Mapping[str, Any], translator: DagsterDbtTranslator) -> list[dg.AssetKey]:
    """The asset keys of every model in the marts schema (what the serving database copies)."""
    return sorted(
        (
            translator.get_asset_key(node)
            for node in manifest.get("nodes", {}).values()
            if node.get("resource_type") == "model" and node.get("schema") == "marts"
        ),
        key=lambda k: k.to_user_string(),
    )
