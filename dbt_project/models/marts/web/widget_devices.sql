-- One row per (chatbot, day, device_type, browser_name, os_name): the chatbot's widget
-- sessions that started that day (UTC) by device, from the parsed user agent, bots left out —
-- the chat widget's devices answer for any window by summing days. '(unknown)' where the
-- session had no user agent or the parser did not recognise it. Incremental and kept like
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
    'chatbot_id', 'stat_date', 'device_type', 'browser_name', 'os_name', 'account_id',
    'sessions', 'unique_visitors', 'processed_at',
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

devices as (

    select
        chatbot_id,
        stat_date,
        coalesce(device_type, '(unknown)') as device_type,
        coalesce(browser_name, '(unknown)') as browser_name,
        coalesce(os_name, '(unknown)') as os_name,
        max(account_id) as account_id,
        count(*) as sessions,
        count(distinct actor_id) as unique_visitors,
        {{ processed_at() }} as processed_at
    from stat_sessions
    group by
        chatbot_id,
        stat_date,
        coalesce(device_type, '(unknown)'),
        coalesce(browser_name, '(unknown)'),
        coalesce(os_name, '(unknown)')

),

{% if is_incremental() %}

range_markers as (

    select
        {{ range_marker_columns(columns, ['chatbot_id'], 'stat_date', 'replace_from') }}
    from replace_points

),

{% endif %}

final as (

    select * from devices
    {%- if is_incremental() %}
    union all
    select * from range_markers
    {%- endif %}

)

select * from final
