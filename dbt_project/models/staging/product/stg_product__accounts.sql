with

first_landed_identifies as (

    {{ first_landed_copies(source('product', 'accounts'), ['message_id']) }}

),

final as (

    select
        message_id,
        account_id,
        {{ adapter.quote('timestamp') }} as identified_at,

        -- traits
        {{ json_text('traits', 'name') }} as account_name,
        {{ json_text('traits', 'domain') }} as domain,
        {{ json_text('traits', 'industry') }} as industry,
        {{ try_cast(json_text('traits', 'employee_count'), 'integer') }} as employee_count,
        {{ json_text('traits', 'location_country') }} as location_country,
        cast({{ parse_utc_timestamp(json_text('traits', 'signup_date')) }} as date) as signup_date,
        {{ json_text('traits', 'signup_source') }} as signup_source,
        {{ json_text('traits', 'subscription_status') }} as subscription_status,
        {{ json_text('traits', 'plan_tier') }} as plan_tier,
        {{ try_cast(json_text('traits', 'total_users'), 'integer') }} as total_users,
        {{ json_text('traits', 'account_type') }} as account_type,
        cast({{ parse_utc_timestamp(json_text('traits', 'renewal_date')) }} as date) as renewal_date,
        {{ try_cast(json_text('traits', 'contract_value'), 'double') }} as contract_value,
        {{ try_cast(json_text('traits', 'mrr'), 'double') }} as mrr,

        traits,
        _file,
        _line,
        _loaded_at

    from first_landed_identifies

)

select * from final
