-- One row per (chatbot, day, device_type, browser_name, os_name): the chatbot's widget
-- sessions that started that day (UTC) by device, from the parsed user agent, bots left out —
-- seed 002's devices answer for any window by summing days. '(unknown)' where the session had
-- no user agent or the parser did not recognise it. Incremental and kept like widget_daily_stats.
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

{{ widget_stat_sessions_ctes() }}

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

{{ widget_daily_final('devices', columns) }}

select * from final
