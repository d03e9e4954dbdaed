"""Engagement Warehouse ingestion: generate sample dumps, land raw files in DuckDB."""
