with

first_landed_events as (

    {{ first_landed_copies(source('behavior', 'events'), ['id']) }}

),

kept_events as (

    -- a row is kept its own retention_days (var('retention_behavior_default_days') when it
    -- carries none), a soft-deleted id not at all (docs/retention.md)
    select * from first_landed_events
    where not exists (
          -- a soft delete is sticky: once any landed copy of an id carries deleted_at, the id goes
          select 1
          from {{ source('behavior', 'events') }} as deleted_copies
          where deleted_copies.id = first_landed_events.id
            and deleted_copies.deleted_at is not null
      )
      and (
          {{ adapter.quote('timestamp') }} is null
          or {{ adapter.quote('timestamp') }} >= {{ dbt.dateadd(
              'day', '-1 * coalesce(retention_days, ' ~ var('retention_behavior_default_days') ~ ')', as_of()
          ) }}
      )

),

final as (

    select
        id as event_id,
        customer_id,
        session_id,
        event_type,
        {{ adapter.quote('timestamp') }} as occurred_at,
        tool_id,
        tool_section,
        business_impact,
        competency_area,
        current_arr,
        target_arr,
        growth_stage,
        event_metadata,
        session_duration as session_duration_ms,
        session_duration / 1000.0 as session_duration_seconds,
        time_on_page as time_on_page_ms,
        time_on_page / 1000.0 as time_on_page_seconds,
        coalesce(retention_days, {{ var('retention_behavior_default_days') }}) as retention_days,
        coalesce(anonymized, false) as is_anonymized,
        -- IP addresses are kept var('retention_ip_address_days') days
        case
            when {{ adapter.quote('timestamp') }} >= {{ retention_cutoff('ip_address') }} then ip_address
        end as ip_address,
        user_agent,
        referrer,
        _file,
        _line,
        _loaded_at
    from kept_events

)

select * from final
