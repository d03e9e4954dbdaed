{%- set levels = var('cs_heatmap_level_min_events') -%}
-- Client x day activity for the last N days ending on as_of's date (the client-success app's
-- EngagementHeatmap), zero days present. The as_of day counts events up to as_of.
with

clients as (

    select * from {{ ref('int_clients_resolved') }}

),

engagement_events as (

    select * from {{ ref('stg_client_success__events') }}

),

days as (

    {{ calendar_spine(
        dbt.dateadd('day', 1 - var('cs_heatmap_days'), 'cast(' ~ as_of() ~ ' as date)'),
        'cast(' ~ as_of() ~ ' as date)',
        column_name='activity_date'
    ) }}

),

daily_activity as (

    select
        client_id,
        cast(occurred_at as date) as activity_date,
        count(*) as events_count,
        count(case when event_type in (
            {%- for event_type in var('cs_high_value_event_types') %}
            '{{ event_type }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ) then 1 end) as high_value_actions_count,
        coalesce(sum(duration_seconds), 0) as duration_seconds
    from engagement_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}
      and occurred_at >= {{ dbt.dateadd('day', 1 - var('cs_heatmap_days'), 'cast(' ~ as_of() ~ ' as date)') }}
    group by client_id, cast(occurred_at as date)

),

client_days as (

    select
        clients.client_id,
        clients.organization_id,
        days.activity_date,
        coalesce(daily_activity.events_count, 0) as events_count,
        coalesce(daily_activity.high_value_actions_count, 0) as high_value_actions_count,
        coalesce(daily_activity.duration_seconds, 0) as duration_seconds
    from clients
    cross join days
    left join daily_activity
        on clients.client_id = daily_activity.client_id
        and days.activity_date = daily_activity.activity_date

),

final as (

    select
        client_id,
        organization_id,
        activity_date,
        {{ dbt.datediff('activity_date', 'cast(' ~ as_of() ~ ' as date)', 'day') }} as days_before_as_of,
        {{ dbt.datediff(dbt.date_trunc('week', 'activity_date'), 'activity_date', 'day') }} + 1 as iso_day_of_week,
        events_count,
        high_value_actions_count,
        round(duration_seconds / 60.0, 2) as active_minutes,
        events_count > 0 as is_active,
        case
            {%- for minimum in levels | reverse %}
            when events_count >= {{ minimum }} then {{ levels | length - loop.index0 }}
            {%- endfor %}
            else 0
        end as intensity_level
    from client_days

)

select * from final
