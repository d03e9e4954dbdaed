with

account_identifies as (

    select * from {{ source('product', 'accounts') }}

),

identifies_ranked as (

    select
        *,
        row_number() over (
            partition by message_id
            order by _loaded_at, _file, _line
        ) as landed_copy_number
    from account_identifies

),

first_landed_identifies as (

    select * from identifies_ranked
    where landed_copy_number = 1

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
