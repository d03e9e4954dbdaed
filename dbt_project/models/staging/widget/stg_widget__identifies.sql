with

first_landed_identifies as (

    {{ first_landed_copies(source('widget', 'identifies'), ['message_id']) }}

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
