{#-
    widget_stat_sessions(sessions, replace_points): the body of the `stat_sessions` query of the
    widget daily tables built from fct_sessions (widget_daily_stats, widget_devices,
    widget_traffic_sources) — the widget sessions of `sessions` that are not bots, with their
    `stat_date`. On incremental runs only the days each chatbot needs recomputed: sessions
    joined to `replace_points` (the model's CTE of widget_replace_points) from its
    replace_from day on.

        stat_sessions as (
            {{ widget_stat_sessions('sessions', 'replace_points') }}
        ),
-#}
{% macro widget_stat_sessions(sessions, replace_points) -%}
{%- if is_incremental() %}
    select
        {{ sessions }}.*,
        cast({{ sessions }}.started_at as date) as stat_date
    from {{ sessions }}
    inner join {{ replace_points }}
        on {{ sessions }}.chatbot_id = {{ replace_points }}.chatbot_id
    where {{ sessions }}.source = 'widget'
      and not {{ sessions }}.is_bot
      and cast({{ sessions }}.started_at as date) >= {{ replace_points }}.replace_from
{%- else %}
    select
        *,
        cast(started_at as date) as stat_date
    from {{ sessions }}
    where source = 'widget'
      and chatbot_id is not null
      and not is_bot
{%- endif %}
{%- endmacro %}


{#-
    Pre-hook of widget_daily_stats, migrating rows kept from earlier versions of the table so
    the kept history and new days share one unit and one type: conversion_rate was a
    percentage (0-100) and is rewritten from each row's own totals as a fraction; counts that
    were 128-bit integers (HUGEINT) become BIGINT. A no-op once the table is migrated.
-#}
{% macro widget_conversion_rate_migration() -%}
    {{ return(adapter.dispatch('widget_conversion_rate_migration')()) }}
{%- endmacro %}

{% macro default__widget_conversion_rate_migration() -%}
    {%- if is_incremental() -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
    {%- if column.dtype | upper in ('HUGEINT', 'INT128') %}
    alter table {{ this }} alter column {{ column.name }} set data type {{ dbt.type_bigint() }};
    {%- endif -%}
    {%- endfor %}
    update {{ this }}
    set conversion_rate = round(cast(total_conversations as double) / total_sessions, 4)
    where total_sessions > 0
      and conversion_rate <> round(cast(total_conversations as double) / total_sessions, 4)
    {%- endif -%}
{%- endmacro %}

{#- Spark: the same rewrite, through update_where (Parquet tables have no UPDATE). -#}
{% macro spark__widget_conversion_rate_migration() -%}
    {%- if is_incremental() -%}
    {%- set rate = 'round(cast(total_conversations as double) / total_sessions, 4)' -%}
    {{ update_where(this, 'conversion_rate', rate, 'total_sessions > 0 and conversion_rate <> ' ~ rate) }}
    {%- endif -%}
{%- endmacro %}
