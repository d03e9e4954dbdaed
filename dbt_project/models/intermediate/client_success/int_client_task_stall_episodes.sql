{%- set stalled_hours = var('cs_alert_task_stalled_hours') -%}
-- task_stalled episodes of client_momentum_alerts: each stretch a task spends in_progress with
-- no update for at least 72 h (cs_alert_task_stalled_hours), until its next update (or open at
-- as_of); detected on every UTC day it covers. Rules: docs/metrics.md, "Alerts".
with

clients as (

    select * from {{ ref('int_clients_resolved') }}

),

task_updates as (

    select * from {{ ref('stg_client_success__task_updates') }}

),

task_stretches as (

    select
        task_id,
        client_id,
        organization_id,
        task_title,
        status,
        updated_at,
        lead(updated_at) over (partition by task_id order by updated_at, status) as next_updated_at
    from task_updates
    where updated_at <= {{ as_of() }}

),

stalled_stretches as (

    select
        task_stretches.*,
        coalesce(clients.organization_id, task_stretches.organization_id) as client_organization_id,
        task_stretches.next_updated_at is null as is_open,
        coalesce(task_stretches.next_updated_at, {{ as_of() }}) as stretch_until,
        {{ seconds_between('task_stretches.updated_at', 'coalesce(task_stretches.next_updated_at, ' ~ as_of() ~ ')') }}
            / 3600.0 as hours_without_update
    from task_stretches
    left join clients
        on task_stretches.client_id = clients.client_id
    where task_stretches.status = 'in_progress'

),

task_stalled_alerts as (

    select
        'task_stalled' as alert_type,
        'warning' as severity,
        'task' as subject_type,
        task_id as subject_id,
        client_id,
        client_organization_id as organization_id,
        task_id,
        cast(null as date) as week_start,
        updated_at as last_activity_at,
        {{ dbt.dateadd('hour', stalled_hours, 'updated_at') }} as first_detected_at,
        stretch_until as last_detected_at,
        is_open,
        cast(updated_at as {{ dbt.type_string() }}) as condition_period,
        round(hours_without_update, 2) as metric_value,
        {{ stalled_hours }} * 1.0 as threshold_value,
        'Task "' || coalesce(task_title, task_id) || '" in progress with no update for '
            || cast(cast(floor(hours_without_update) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }}) || ' hours'
            || case when is_open then '' else ' (until ' || cast(stretch_until as {{ dbt.type_string() }}) || ' UTC)' end
            as message
    from stalled_stretches
    where hours_without_update >= {{ stalled_hours }}

),

final as (

    select
        *,
        {{ days_between('first_detected_at', 'last_detected_at') }} + 1 as detections
    from task_stalled_alerts

)

select * from final
