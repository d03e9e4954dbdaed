with

first_landed_events as (

    {{ first_landed_copies(source('client_success', 'events'), ['id']) }}

),

final as (

    select
        id as event_id,
        client_id,
        organization_id,
        session_id,
        event_type,
        created_at as occurred_at,
        duration_seconds,
        -- feedback_given carries a 1-5 score
        {{ try_cast(json_text('event_data', 'score'), 'double') }} as feedback_score,
        event_data,
        _file,
        _line,
        _loaded_at
    from first_landed_events

)

select * from final
