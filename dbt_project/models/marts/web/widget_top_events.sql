-- One row per (chatbot, day, event_name): the chatbot's widget events of that day (UTC, event
-- time) and the sessions they belong to, events of bot sessions left out — the chat widget's
-- top-events answer for any window by summing days (unique_sessions summed over days counts a
-- session once per day it has events). Incremental and kept like widget_daily_stats: a run recomputes the
-- days its rewritten widget events fall on, never days before the recompute horizon.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_ranges',
        replace_partition_by=['chatbot_id'],
        replace_range_column='stat_date',
        replace_marker_column='event_count',
        full_refresh=false,
        on_schema_change='append_new_columns',
    )
}}

{%- set columns = [
    'chatbot_id', 'stat_date', 'event_name', 'event_category', 'account_id', 'event_count',
    'unique_sessions', 'processed_at',
] %}

with

events as (

    select * from {{ ref('fct_events') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

{% if is_incremental() %}

replace_points as (

    {{ widget_replace_points(ref('fct_events'), 'cast(occurred_at as date)') }}

),

stat_events as (

    select
        events.*,
        cast(events.occurred_at as date) as stat_date
    from events
    inner join replace_points
        on events.chatbot_id = replace_points.chatbot_id
    where events.source = 'widget'
      and cast(events.occurred_at as date) >= replace_points.replace_from

),

{% else %}

stat_events as (

    select
        *,
        cast(occurred_at as date) as stat_date
    from events
    where source = 'widget'
      and chatbot_id is not null

),

{% endif %}

human_events as (

    select stat_events.*
    from stat_events
    inner join sessions
        on stat_events.session_id = sessions.session_id
    where not sessions.is_bot

),

top_events as (

    select
        chatbot_id,
        stat_date,
        event_name,
        max(event_category) as event_category,
        max(account_id) as account_id,
        count(*) as event_count,
        count(distinct session_id) as unique_sessions,
        {{ processed_at() }} as processed_at
    from human_events
    where event_name is not null
    group by chatbot_id, stat_date, event_name

),

{% if is_incremental() %}

range_markers as (

    select
        {{ range_marker_columns(columns, ['chatbot_id'], 'stat_date', 'replace_from') }}
    from replace_points

),

final as (

    select * from top_events
    union all
    select * from range_markers

)

{% else %}

final as (

    select * from top_events

)

{% endif %}

select * from final
