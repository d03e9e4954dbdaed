"""Dagster orchestration of the warehouse (README.md, "Operating with Dagster").

``orchestration.definitions`` assembles everything in one ``Definitions``; ``workspace.yaml``
loads it. The modules beside it each do one job: resources, landing and retention assets, the
dbt assets, great-expectations checks, jobs, schedules and the landing sensor.
"""
