"""dbt under Dagster: the project and its manifest, the translator, the ``@dbt_assets``."""
