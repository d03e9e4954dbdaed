{#-
    Shared frame of the widget daily tables built from fct_sessions (widget_daily_stats,
    widget_devices, widget_traffic_sources). They expect an import CTE named `sessions`.

    widget_stat_sessions_ctes(): the `replace_points` CTE (incremental runs only) and the
    `stat_sessions` CTE: widget sessions that are not bots, with their `stat_date`, limited on
    incremental runs to the days each chatbot needs recomputed.
-#}
{% macro widget_stat_sessions_ctes() -%}
{% if is_incremental() %}
replace_points as (

    {{ widget_replace_points(ref('fct_sessions'), 'cast(started_at as date)') }}

),

stat_sessions as (

    select
        sessions.*,
        cast(sessions.started_at as date) as stat_date
    from sessions
    inner join replace_points
        on sessions.chatbot_id = replace_points.chatbot_id
    where sessions.source = 'widget'
      and not sessions.is_bot
      and cast(sessions.started_at as date) >= replace_points.replace_from

),
{% else %}
stat_sessions as (

    select
        *,
        cast(started_at as date) as stat_date
    from sessions
    where source = 'widget'
      and chatbot_id is not null
      and not is_bot

),
{% endif %}
{%- endmacro %}


{#-
    widget_daily_final(rows_cte, columns): the `final` CTE — the computed rows, plus on
    incremental runs the replace_ranges marker rows that tell the strategy which
    (chatbot, first day) ranges to replace.
-#}
{% macro widget_daily_final(rows_cte, columns) -%}
{% if is_incremental() %}
range_markers as (

    select
        {{ range_marker_columns(columns, ['chatbot_id'], 'stat_date', 'replace_from') }}
    from replace_points

),

final as (

    select * from {{ rows_cte }}
    union all
    select * from range_markers

)
{% else %}
final as (

    select * from {{ rows_cte }}

)
{% endif %}
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
