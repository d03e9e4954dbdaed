with

engagement_events as (

    select * from {{ source('client_success', 'events') }}

),

events_ranked as (

    select
        *,
        row_number() over (
            partition by id
            order by _loaded_at, _file, _line
        ) as landed_copy_number
    from engagement_events

),

first_landed_events as (

    select * from events_ranked
    where landed_copy_number = 1

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
