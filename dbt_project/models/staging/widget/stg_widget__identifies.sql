with

widget_identifies as (

    select * from {{ source('widget', 'identifies') }}

),

identifies_ranked as (

    select
        *,
        row_number() over (
            partition by message_id
            order by _loaded_at, _file, _line
        ) as landed_copy_number
    from widget_identifies

),

first_landed_identifies as (

    select * from identifies_ranked
    where landed_copy_number = 1

),

final as (

    select
        message_id,
        session_id,
        user_id,
        identified_at,
        user_email,
        user_name,
        {{ json_text('user_metadata', 'plan') }} as metadata_plan,
        cast({{ parse_utc_timestamp(json_text('user_metadata', 'signup_date')) }} as date) as metadata_signup_date,
        user_metadata,
        _file,
        _line,
        _loaded_at
    from first_landed_identifies

)

select * from final
