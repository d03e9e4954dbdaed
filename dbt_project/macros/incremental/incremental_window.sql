{#-
    Book-keeping of the incremental models of the web/widget marts (fct_events, fct_sessions,
    the widget_* tables). Rules in models/marts/web/_web__models.yml ("Incremental rules").
-#}

{#- The start time of this dbt invocation (UTC, naive timestamp): what `processed_at` records. -#}
{% macro processed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#-
    `timestamp_expression` minus var('incremental_lookback_days') days: the start of the
    event-time look-back window.
-#}
{% macro minus_lookback(timestamp_expression) -%}
    {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), timestamp_expression) }}
{%- endmacro %}

{#-
    A high-water mark read from the incremental table (e.g. 'max(loaded_at)'), or a time before
    any data when the table is empty (built on an empty warehouse): `x > null` would select
    nothing and leave the table empty for good.
-#}
{% macro watermark(aggregate_expression) -%}
    coalesce({{ aggregate_expression }}, cast('1900-01-01' as {{ dbt.type_timestamp() }}))
{%- endmacro %}

{#-
    The latest `column` of `relation` (an incremental table), read when the model is compiled
    for a run and written into its SQL as a timestamp literal (1900-01-01 when the table is
    empty). A literal, unlike a subquery on the table, is a filter the engine can push into
    the scans of the raw tables below the staging views: their zone maps on `_loaded_at` then
    skip every row group landed before it.
-#}
{% macro watermark_literal(relation, column) -%}
    {%- set latest = none -%}
    {%- if execute -%}
        {%- set found = run_query("select max(" ~ column ~ ") from " ~ relation) -%}
        {%- set latest = found.rows[0][0] if found.rows else none -%}
    {%- endif -%}
    {%- if latest is none -%}
        cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
    {%- elif latest.strftime is defined -%}
        cast('{{ latest.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast('{{ latest }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{#-
    Post-hook of an incremental Python model: drop the scratch table dbt-duckdb writes the
    model's new rows to on an incremental run (it is a real table for Python models, named
    <model>__dbt_tmp<suffix>, and dbt-duckdb leaves it behind). dbt-spark drops its own.
-#}
{% macro drop_python_scratch_tables(relation) -%}
    {{ return(adapter.dispatch('drop_python_scratch_tables')(relation)) }}
{%- endmacro %}

{% macro default__drop_python_scratch_tables(relation) -%}
    {%- if execute -%}
        {%- set found = run_query(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
            ~ "and table_name like '" ~ relation.identifier ~ "__dbt_tmp%'"
        ) -%}
        {%- for row in found.rows -%}
            drop table if exists {{ adapter.quote(row[0]) }}.{{ adapter.quote(row[1]) }};
        {% endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro spark__drop_python_scratch_tables(relation) -%}
    select 1
{%- endmacro %}
