-- Momentum alerts for client success staff, as of as_of (DESIGN §4, seed 003).
with

client_weeks as (

    select * from {{ ref('int_client_weeks_spined') }}

),

engagement_events as (

    select * from {{ ref('stg_client_success__events') }}

),

task_updates as (

    select * from {{ ref('stg_client_success__task_updates') }}

),

success_scores as (

    select * from {{ ref('client_success_scores') }}

),

clients as (

    select distinct
        client_id,
        organization_id
    from client_weeks

),

last_client_events as (

    select
        client_id,
        max(occurred_at) as last_event_at
    from engagement_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}
    group by client_id

),

inactive_clients as (

    select
        clients.client_id,
        clients.organization_id,
        last_client_events.last_event_at,
        {{ dbt.datediff('last_client_events.last_event_at', as_of(), 'second') }} / 3600.0 as hours_without_event,
        -- zero_activity (none for N days, critical) replaces inactivity (none for N hours)
        case
            when {{ as_of() }} >= {{ dbt.dateadd('day', var('cs_alert_zero_activity_days'), 'last_client_events.last_event_at') }}
                then 'zero_activity'
            when {{ as_of() }} >= {{ dbt.dateadd('hour', var('cs_alert_inactivity_hours'), 'last_client_events.last_event_at') }}
                then 'inactivity'
        end as alert_type
    from clients
    inner join last_client_events
        on clients.client_id = last_client_events.client_id

),

inactivity_alerts as (

    select
        alert_type,
        case when alert_type = 'zero_activity' then 'critical' else 'warning' end as severity,
        client_id,
        organization_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        cast(null as date) as week_start,
        last_event_at as last_activity_at,
        case
            when alert_type = 'zero_activity'
                then {{ dbt.dateadd('day', var('cs_alert_zero_activity_days'), 'last_event_at') }}
            else {{ dbt.dateadd('hour', var('cs_alert_inactivity_hours'), 'last_event_at') }}
        end as detected_at,
        cast(last_event_at as {{ dbt.type_string() }}) as condition_period,
        round(hours_without_event, 2) as metric_value,
        case
            when alert_type = 'zero_activity' then {{ var('cs_alert_zero_activity_days') }} * 24.0
            else {{ var('cs_alert_inactivity_hours') }} * 1.0
        end as threshold_value,
        case
            when alert_type = 'zero_activity'
                then 'No activity for ' || cast(cast(floor(hours_without_event / 24) as integer) as {{ dbt.type_string() }})
                    || ' days (last event ' || cast(last_event_at as {{ dbt.type_string() }}) || ' UTC)'
            else 'No activity for ' || cast(cast(floor(hours_without_event) as integer) as {{ dbt.type_string() }})
                || ' hours (last event ' || cast(last_event_at as {{ dbt.type_string() }}) || ' UTC)'
        end as message
    from inactive_clients
    where alert_type is not null

),

task_updates_ranked as (

    select
        task_id,
        client_id,
        organization_id,
        task_title,
        status,
        updated_at,
        row_number() over (partition by task_id order by updated_at desc) as recency_rank
    from task_updates
    where updated_at <= {{ as_of() }}

),

stalled_tasks as (

    select
        task_updates_ranked.task_id,
        task_updates_ranked.task_title,
        task_updates_ranked.client_id,
        coalesce(clients.organization_id, task_updates_ranked.organization_id) as organization_id,
        task_updates_ranked.updated_at,
        {{ dbt.datediff('task_updates_ranked.updated_at', as_of(), 'second') }} / 3600.0 as hours_without_update
    from task_updates_ranked
    left join clients
        on task_updates_ranked.client_id = clients.client_id
    where task_updates_ranked.recency_rank = 1
      and task_updates_ranked.status = 'in_progress'
      and {{ as_of() }} >= {{ dbt.dateadd('hour', var('cs_alert_task_stalled_hours'), 'task_updates_ranked.updated_at') }}

),

task_stalled_alerts as (

    select
        'task_stalled' as alert_type,
        'warning' as severity,
        client_id,
        organization_id,
        task_id,
        cast(null as date) as week_start,
        updated_at as last_activity_at,
        {{ dbt.dateadd('hour', var('cs_alert_task_stalled_hours'), 'updated_at') }} as detected_at,
        cast(updated_at as {{ dbt.type_string() }}) as condition_period,
        round(hours_without_update, 2) as metric_value,
        {{ var('cs_alert_task_stalled_hours') }} * 1.0 as threshold_value,
        'Task "' || coalesce(task_title, task_id) || '" in progress with no update for '
            || cast(cast(floor(hours_without_update) as integer) as {{ dbt.type_string() }}) || ' hours' as message
    from stalled_tasks

),

score_drop_alerts as (

    -- the latest complete ISO week (ended at or before as_of) against the week before it, so a
    -- partly elapsed current week never raises a drop
    select
        'score_drop' as alert_type,
        case
            when score_change <= -{{ var('cs_alert_score_drop_critical_points') }} then 'critical'
            else 'warning'
        end as severity,
        client_id,
        organization_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        week_start,
        cast(null as timestamp) as last_activity_at,
        cast({{ dbt.dateadd('day', 7, 'week_start') }} as timestamp) as detected_at,
        cast(week_start as {{ dbt.type_string() }}) as condition_period,
        score_change as metric_value,
        -{{ var('cs_alert_score_drop_warning_points') }} * 1.0 as threshold_value,
        'Success score dropped ' || cast(-score_change as {{ dbt.type_string() }}) || ' points to '
            || cast(overall_score as {{ dbt.type_string() }}) || ' in the week of '
            || cast(week_start as {{ dbt.type_string() }}) as message
    from success_scores
    where week_start = cast({{ dbt.dateadd('day', -7, dbt.date_trunc('week', as_of())) }} as date)
      and score_change <= -{{ var('cs_alert_score_drop_warning_points') }}

),

all_alerts as (

    select * from inactivity_alerts
    union all
    select * from task_stalled_alerts
    union all
    select * from score_drop_alerts

),

final as (

    select
        {{ alert_id(
            'alert_type',
            "case when task_id is null then 'client' else 'task' end",
            'coalesce(task_id, client_id)',
            'condition_period'
        ) }} as alert_id,
        alert_type,
        severity,
        client_id,
        organization_id,
        task_id,
        week_start,
        last_activity_at,
        detected_at,
        condition_period,
        metric_value,
        threshold_value,
        message
    from all_alerts

)

select * from final
