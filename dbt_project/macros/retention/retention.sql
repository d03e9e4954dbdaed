{#-
    The start of a retention period: as_of minus var('retention_<period>_days') days (a
    timestamp). Rows older than this are past the period: staging leaves them out and nulls
    old IP addresses, so a --full-refresh cannot rebuild what pruning (ingestion/retention.py,
    which reads the same vars) removed. Periods: widget_raw_events, sessions, ip_address,
    behavior_default, quarantine (docs/retention.md).
-#}
{% macro retention_cutoff(period) -%}
    {{ dbt.dateadd('day', -1 * var('retention_' ~ period ~ '_days'), as_of()) }}
{%- endmacro %}
