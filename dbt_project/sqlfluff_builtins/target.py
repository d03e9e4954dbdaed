"""``target``: the profile's DuckDB target (dbt_project/profiles.yml)."""

name = "local"
type = "duckdb"
schema = "main"
