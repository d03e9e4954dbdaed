-- Every landed copy of every widget event: one row per element of a retained batch's events[],
-- parsed, with the event-time rule; no dedupe. stg_widget__events keeps the first landed copy of
-- each event_id; int_events_unioned reads the copies of the batches landed since its last build
-- (a filter on _loaded_at that reaches the raw scan: nothing here looks across rows).
with

event_batches as (

    select * from {{ source('widget', 'events') }}

),

retained_batches as (

    -- raw widget events are kept var('retention_widget_raw_events_days') days (docs/retention.md)
    select * from event_batches
    where received_at is null or received_at >= {{ retention_cutoff('widget_raw_events') }}

),

batch_event_lists as (

    select
        chatbotId as chatbot_id,
        sessionId as session_id,
        received_at,
        {{ json_array_elements('events') }} as event_jsons,
        _file,
        _line,
        _loaded_at
    from retained_batches

),

batch_events as (

    -- one row per element of the batch's events[] array
    select
        chatbot_id,
        session_id,
        received_at,
        {{ unnest_with_position('event_jsons', 'event_json', 'event_index') }},
        _file,
        _line,
        _loaded_at
    from batch_event_lists

),

parsed as (

    select
        {{ json_text('event_json', 'event_id') }} as event_id,
        chatbot_id,
        session_id,
        {{ json_text('event_json', 'event_name') }} as event_name,
        {{ json_text('event_json', 'event_category') }} as event_category,
        {{ json_value('event_json', 'properties') }} as properties,
        {{ json_text('event_json', 'page_url') }} as page_url,
        {{ json_text('event_json', 'page_title') }} as page_title,
        {{ parse_utc_timestamp(json_text('event_json', 'client_timestamp')) }} as client_event_at,
        received_at,
        event_index,
        _file,
        _line,
        _loaded_at
    from batch_events

),

event_times as (

    select
        *,
        coalesce(client_event_at, received_at, _loaded_at) as producer_event_at,
        case
            when client_event_at is not null then 'client_timestamp'
            when received_at is not null then 'received_at'
            else 'loaded_at'
        end as event_time_source
    from parsed

),

final as (

    select
        event_id,
        chatbot_id,
        session_id,
        event_name,
        event_category,
        {{ clamp_clock_skew('producer_event_at', 'received_at') }} as occurred_at,
        event_time_source,
        {{ is_clock_skewed('producer_event_at', 'received_at') }} as is_clock_skewed,
        client_event_at,
        received_at,
        page_url,
        page_title,
        properties,
        event_index,
        _file,
        _line,
        _loaded_at
    from event_times

)

select * from final
