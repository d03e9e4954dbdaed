"""How dbt nodes become Dagster assets: keys, groups, and the order after retention pruning."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject

LAYERS = ("staging", "intermediate", "marts")


def _group_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """dagster-dbt's keys (a source is ``[source, table]``, a model ``[schema, name]``), plus:

    - groups from the dbt folder: ``staging``, ``intermediate``, ``marts_<domain>`` for
      ``models/marts/<domain>/`` (``marts`` when a mart lies directly in ``models/marts``);
      ``seeds`` and ``snapshots`` for those; ``dbt`` for a model outside the three layers;
    - ``extra_source_deps``: a node that reads a source also depends on the assets given for that
      source's key (the retention pruning of that raw table), and ``extra_model_deps``: a node
      that reads a model (by dbt unique_id) also depends on the asset given for it (the pruning
      of that incremental model); so a run that prunes and builds prunes first, and a prune marks
      what reads the table as changed.
    """

    def __init__(
        self,
        extra_source_deps: Mapping[dg.AssetKey, dg.AssetKey] | None = None,
        extra_model_deps: Mapping[str, dg.AssetKey] | None = None,
    ) -> None:
        super().__init__()
        self._extra_source_deps = dict(extra_source_deps or {})
        self._extra_model_deps = dict(extra_model_deps or {})

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        configured = super().get_group_name(dbt_resource_props)
        if configured:
            return configured
        fqn = dbt_resource_props.get("fqn") or []
        # fqn = [project, folder..., name]
        folders = list(fqn[1:-1])
        resource_type = dbt_resource_props.get("resource_type")
        if resource_type in ("seed", "snapshot"):
            return f"{resource_type}s"
        if resource_type == "model" and folders and folders[0] in LAYERS:
            if folders[0] == "marts":
                return _group_safe(f"marts_{folders[1]}") if len(folders) > 1 else "marts"
            return folders[0]
        return "dbt"

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("source."):
            return spec
        have = {dep.asset_key for dep in spec.deps}
        extra = {self._extra_source_deps[key] for key in have if key in self._extra_source_deps}
        node = manifest.get("nodes", {}).get(unique_id) or {}
        parents = (node.get("depends_on") or {}).get("nodes") or []
        extra |= {self._extra_model_deps[p] for p in parents if p in self._extra_model_deps}
        extra -= have
        if not extra:
            return spec
        return spec.replace_attributes(
            deps=[*spec.deps, *(dg.AssetDep(key) for key in sorted(extra, key=lambda k: k.to_user_string()))]
        )
