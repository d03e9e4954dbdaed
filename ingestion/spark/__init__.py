"""The scale-out path: the same dbt project on Spark (local pyspark here, a cluster later).

- ``session``: the Spark settings of the dbt profile's ``spark`` target, and a session built
  from them (one metastore and warehouse folder for landing and dbt alike);
- ``landing``: raw dumps into Spark with the landing contract of ``ewh ingest``;
- ``dbt``: dbt started with a Python-model helper for dbt-spark's ``session`` method.

Nothing here imports pyspark at import time: the ``spark`` extra (``pip install '.[spark]'``) is
only needed when a Spark command runs.
"""
