-- One row per (chatbot, day, traffic_source, channel): the chatbot's widget sessions that
-- started that day (UTC) by where they came from, bots left out — the chat widget's
-- traffic-sources answer for any window by summing days. Incremental and kept like
-- widget_daily_stats.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_ranges',
        replace_partition_by=['chatbot_id'],
        replace_range_column='stat_date',
        replace_marker_column='sessions',
        full_refresh=false,
        on_schema_change='append_new_columns',
    )
}}

{%- set columns = [
    'chatbot_id', 'stat_date', 'traffic_source', 'channel', 'account_id', 'sessions',
    'new_visitor_sessions', 'conversations', 'bounces', 'processed_at',
] %}

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

{% if is_incremental() %}

replace_points as (

    {{ widget_replace_points(ref('fct_sessions'), 'cast(started_at as date)') }}

),

{% endif %}

stat_sessions as (

    {{ widget_stat_sessions('sessions', 'replace_points') }}

),

traffic_sources as (

    select
        chatbot_id,
        stat_date,
        traffic_source,
        channel,
        max(account_id) as account_id,
        count(*) as sessions,
        count(case when is_new_visitor then 1 end) as new_visitor_sessions,
        count(case when had_conversation then 1 end) as conversations,
        count(case when is_bounce then 1 end) as bounces,
        {{ processed_at() }} as processed_at
    from stat_sessions
    group by chatbot_id, stat_date, traffic_source, channel

),

{% if is_incremental() %}

range_markers as (

    select
        {{ range_marker_columns(columns, ['chatbot_id'], 'stat_date', 'replace_from') }}
    from replace_points

),

{% endif %}

final as (

    select * from traffic_sources
    {%- if is_incremental() %}
    union all
    select * from range_markers
    {%- endif %}

)

select * from final
