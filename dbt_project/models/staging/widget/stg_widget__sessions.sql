with

first_landed_sessions as (

    -- session payloads are kept var('retention_sessions_days') days (docs/retention.md)
    {{ first_landed_copies(
        source('widget', 'sessions'),
        ['session_id'],
        retained='created_at is null or created_at >= ' ~ retention_cutoff('sessions'),
    ) }}

),

final as (

    select
        session_id,
        chatbot_id,
        anonymous_id,
        created_at,
        referrer,
        landing_page,
        utm_source,
        utm_medium,
        utm_campaign,
        user_agent,
        screen_width,
        screen_height,
        -- IP addresses are kept var('retention_ip_address_days') days
        case when created_at >= {{ retention_cutoff('ip_address') }} then ip_address end as ip_address,
        _file,
        _line,
        _loaded_at
    from first_landed_sessions

)

select * from final
