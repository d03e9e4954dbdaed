"""The serving database as an asset: published after the dbt models of a run are built.

It depends on every mart, so in a run it goes last and only after a successful build (a failed
dbt step skips it, and readers keep the last good state). Rules of the file: ``ingestion/serving.py``.
"""

from collections.abc import Sequence

import dagster as dg
from pydantic import Field

from ingestion.serving import publish
from orchestration.as_of import format_as_of, parse_as_of
from orchestration.resources import WAREHOUSE_POOL, ServingResource, WarehouseResource

SERVING_GROUP = "serving"
SERVING_ASSET = "serving_database"


class ServingConfig(dg.Config):
    as_of: str | None = Field(
        default=None, description="The as_of of the build being published (recorded in meta.build)."
    )


def build_serving_asset(mart_keys: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        name=SERVING_ASSET,
        group_name=SERVING_GROUP,
        deps=list(mart_keys),
        description="The read-only copy of the marts that BI tools, notebooks and the report open "
        "(EWH_SERVING, default data/serving.duckdb), swapped in by rename after every build.",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
    )
    def serving_database(
        context: dg.AssetExecutionContext,
        config: ServingConfig,
        warehouse: WarehouseResource,
        serving: ServingResource,
    ) -> dg.MaterializeResult:
        as_of = format_as_of(parse_as_of(config.as_of)) if config.as_of else None
        with warehouse.connect() as con:
            published = publish(con, serving.resolved_path(), as_of=as_of)
        context.log.info(f"published {published.tables} marts ({published.rows:,} rows) to {published.path}")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(published.path)),
                "marts": published.tables,
                "rows": published.rows,
                "seconds": round(published.seconds, 2),
                "as_of": as_of or "now",
            }
        )

    return serving_database
