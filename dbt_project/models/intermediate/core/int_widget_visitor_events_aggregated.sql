-- One row per widget visitor (anonymous_id) with events: the earliest and latest time its
-- events were seen, the chatbot of its latest events, and the oldest time one was received.
-- What dim_end_customers needs of the widget events, so that it groups one row per visitor
-- instead of every event of the history.
--
-- Incremental: a run aggregates again the visitors with events built since the table's latest
-- loaded_at (a new event, or an event whose session payload arrived late and gave it its
-- visitor), and the visitors whose oldest event is past the widget events' retention: those
-- events are gone from int_events_unioned (its post-hook, or a prune), so their visitor is
-- aggregated from what is left, and the post-hook deletes the visitors with nothing left.
{%- if is_incremental() %}
    {%- set built_until = watermark_literal(this, 'loaded_at') %}
{%- endif %}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='anonymous_id',
        on_schema_change='append_new_columns',
        post_hook=[
            "{{ delete_where(this, 'oldest_received_at < ' ~ retention_cutoff('widget_raw_events')) }}",
        ],
    )
}}

with

widget_events as (

    select
        anonymous_id,
        chatbot_id,
        occurred_at,
        received_at,
        loaded_at
    from {{ ref('int_events_unioned') }}
    where source = 'widget'
      and anonymous_id is not null

),

{%- if is_incremental() %}

visitors_to_aggregate as (

    select anonymous_id from widget_events
    where loaded_at > {{ built_until }}
    union
    select anonymous_id from {{ this }}
    where oldest_received_at < {{ retention_cutoff('widget_raw_events') }}

),

visitor_events as (

    select * from widget_events
    where anonymous_id in (select anonymous_id from visitors_to_aggregate)

),

{%- else %}

visitor_events as (

    select * from widget_events

),

{%- endif %}

visitor_chatbot_times as (

    select
        anonymous_id,
        chatbot_id,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        min(received_at) as oldest_received_at,
        max(loaded_at) as loaded_at
    from visitor_events
    group by anonymous_id, chatbot_id

),

visitor_times as (

    select
        anonymous_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        min(oldest_received_at) as oldest_received_at,
        max(loaded_at) as loaded_at
    from visitor_chatbot_times
    group by anonymous_id

),

latest_chatbots as (

    -- of the chatbots the visitor was seen on at its latest time (at any time when none of its
    -- events has one), the first by id
    select
        visitor_chatbot_times.anonymous_id,
        min(visitor_chatbot_times.chatbot_id) as latest_chatbot_id
    from visitor_chatbot_times
    inner join visitor_times
        on visitor_chatbot_times.anonymous_id = visitor_times.anonymous_id
        and visitor_chatbot_times.last_seen_at is not distinct from visitor_times.last_seen_at
    group by visitor_chatbot_times.anonymous_id

),

final as (

    select
        visitor_times.anonymous_id,
        visitor_times.first_seen_at,
        visitor_times.last_seen_at,
        latest_chatbots.latest_chatbot_id,
        visitor_times.oldest_received_at,
        visitor_times.loaded_at
    from visitor_times
    inner join latest_chatbots
        on visitor_times.anonymous_id = latest_chatbots.anonymous_id

)

select * from final
