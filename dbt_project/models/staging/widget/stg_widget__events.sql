with

event_copies as (

    select * from {{ ref('base_widget__event_copies') }}

),

copies_ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by _loaded_at, _file, _line, event_index
        ) as landed_copy_number
    from event_copies

),

final as (

    select
        event_id,
        chatbot_id,
        session_id,
        event_name,
        event_category,
        occurred_at,
        event_time_source,
        is_clock_skewed,
        client_event_at,
        received_at,
        page_url,
        page_title,
        properties,
        event_index,
        _file,
        _line,
        _loaded_at
    from copies_ranked
    where landed_copy_number = 1

)

select * from final
