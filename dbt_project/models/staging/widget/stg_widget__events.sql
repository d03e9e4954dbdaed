with

first_landed_copies as (

    -- the first landed copy of each event_id: earliest batch landing, then file, line and
    -- position in the batch (macros/staging/first_landed_copies.sql)
    {{ first_copies(
        ref('base_widget__event_copies'),
        'event_id',
        ['_loaded_at', '_file', '_line', 'event_index'],
    ) }}

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
    from first_landed_copies

)

select * from final
