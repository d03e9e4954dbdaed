with

first_landed_tracks as (

    {{ first_landed_copies(source('product', 'tracks'), ['message_id']) }}

),

parsed as (

    select
        message_id,
        event as event_name,
        user_id,
        anonymous_id,
        -- renewal events carry the account in their properties
        coalesce(account_id, {{ json_text('properties', 'account_id') }}) as account_id,

        -- candidate event times
        {{ parse_utc_timestamp(json_text('properties', 'utc_time')) }} as utc_time_at,
        {{ adapter.quote('timestamp') }} as tracked_at,
        received_at,

        -- context
        {{ json_text('context', 'session_id') }} as session_id,
        {{ json_text('context', 'user_agent') }} as user_agent,
        -- IP addresses are kept var('retention_ip_address_days') days
        case
            when received_at >= {{ retention_cutoff('ip_address') }} then {{ json_text('context', 'ip') }}
        end as ip_address,
        {{ json_text('context', 'locale') }} as locale,
        {{ try_cast(json_text('context', 'timezone_offset'), 'integer') }} as timezone_offset_minutes,
        {{ json_text('context', 'screen_resolution') }} as screen_resolution,
        {{ try_cast(json_text('context', 'viewport_width'), 'integer') }} as viewport_width,
        {{ try_cast(json_text('context', 'viewport_height'), 'integer') }} as viewport_height,
        {{ json_text('context', 'platform') }} as platform,
        {{ json_text('context', 'connection_type') }} as connection_type,
        {{ try_cast(json_text('context', 'page_load_time_ms'), 'bigint') }} as page_load_time_ms,

        -- properties the marts use (the rest stays in `properties`)
        {{ json_text('properties', 'page_path') }} as page_path,
        {{ json_text('properties', 'page_title') }} as page_title,
        {{ json_text('properties', 'referrer') }} as referrer,
        {{ json_text('properties', 'feature_name') }} as feature_name,
        {{ json_text('properties', 'error_type') }} as error_type,
        {{ json_text('properties', 'goal_type') }} as goal_type,
        {{ json_text('properties', 'goal_name') }} as goal_name,
        {{ try_cast(json_text('properties', 'goal_value'), 'double') }} as goal_value,
        {{ try_cast(json_text('properties', 'time_to_achieve_seconds'), 'bigint') }} as time_to_achieve_seconds,
        {{ parse_utc_timestamp(json_text('properties', 'renewal_date')) }} as renewal_date_at,
        {{ json_text('properties', 'current_plan') }} as current_plan,
        {{ json_text('properties', 'renewed_plan') }} as renewed_plan,
        {{ try_cast(json_text('properties', 'contract_value'), 'double') }} as contract_value,
        {{ try_cast(json_text('properties', 'days_until_renewal'), 'integer') }} as days_until_renewal,
        {{ try_cast(json_text('properties', 'renewal_amount'), 'double') }} as renewal_amount,
        {{ try_cast(json_text('properties', 'contract_term_months'), 'integer') }} as contract_term_months,
        {{ try_cast(json_text('properties', 'expansion_amount'), 'double') }} as expansion_amount,
        {{ json_text('properties', 'churn_reason') }} as churn_reason,
        {{ try_cast(json_text('properties', 'final_mrr'), 'double') }} as final_mrr,

        properties,
        context,
        _file,
        _line,
        _loaded_at

    from first_landed_tracks

),

event_times as (

    select
        *,
        coalesce(utc_time_at, tracked_at, received_at, _loaded_at) as producer_event_at,
        case
            when utc_time_at is not null then 'utc_time'
            when tracked_at is not null then 'timestamp'
            when received_at is not null then 'received_at'
            else 'loaded_at'
        end as event_time_source
    from parsed

),

final as (

    select
        message_id,
        event_name,
        user_id,
        anonymous_id,
        account_id,
        session_id,
        {{ clamp_clock_skew('producer_event_at', 'received_at') }} as occurred_at,
        event_time_source,
        {{ is_clock_skewed('producer_event_at', 'received_at') }} as is_clock_skewed,
        utc_time_at,
        tracked_at,
        received_at,
        user_agent,
        ip_address,
        locale,
        timezone_offset_minutes,
        screen_resolution,
        viewport_width,
        viewport_height,
        platform,
        connection_type,
        page_load_time_ms,
        page_path,
        page_title,
        referrer,
        feature_name,
        error_type,
        goal_type,
        goal_name,
        goal_value,
        time_to_achieve_seconds,
        renewal_date_at,
        current_plan,
        renewed_plan,
        contract_value,
        days_until_renewal,
        renewal_amount,
        contract_term_months,
        expansion_amount,
        churn_reason,
        final_mrr,
        properties,
        context,
        _file,
        _line,
        _loaded_at
    from event_times

)

select * from final
