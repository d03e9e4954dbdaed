with

first_landed_identifies as (

    {{ first_landed_copies(source('product', 'users'), ['message_id']) }}

),

final as (

    select
        message_id,
        user_id,
        {{ adapter.quote('timestamp') }} as identified_at,

        -- traits (PII: first_name, last_name, email stay in staging)
        {{ json_text('traits', 'account_id') }} as account_id,
        {{ json_text('traits', 'first_name') }} as first_name,
        {{ json_text('traits', 'last_name') }} as last_name,
        {{ json_text('traits', 'email') }} as email,
        {{ json_text('traits', 'title') }} as title,
        {{ json_text('traits', 'department') }} as department,
        {{ json_text('traits', 'account_role') }} as account_role,
        cast({{ parse_utc_timestamp(json_text('traits', 'signup_date')) }} as date) as signup_date,
        {{ parse_utc_timestamp(json_text('traits', 'last_seen_at')) }} as reported_last_seen_at,
        {{ try_cast(json_text('traits', 'email_verified'), 'boolean') }} as is_email_verified,
        {{ json_text('traits', 'timezone') }} as timezone,
        {{ json_text('traits', 'preferred_language') }} as preferred_language,
        {{ try_cast(json_text('traits', 'features_used'), 'integer') }} as features_used_count,
        {{ try_cast(json_text('traits', 'onboarding_completed'), 'boolean') }} as is_onboarding_completed,
        {{ try_cast(json_text('traits', 'support_tickets_created'), 'integer') }} as support_tickets_created_count,
        {{ try_cast(json_text('traits', 'mfa_enabled'), 'boolean') }} as is_mfa_enabled,

        traits,
        _file,
        _line,
        _loaded_at

    from first_landed_identifies

)

select * from final
