{%- set inactivity_hours = var('cs_alert_inactivity_hours') -%}
{%- set zero_activity_days = var('cs_alert_zero_activity_days') -%}
{%- set history_days = var('cs_alert_silence_history_days') | int -%}
{%- set inactivity_min_history_days = var('cs_alert_inactivity_min_history_days') | int -%}
-- inactivity and zero_activity episodes of client_momentum_alerts: the silences between a
-- client's events (the last one open to as_of). A silence is raised once it has lasted the
-- threshold (48 h inactivity, 3 days zero_activity, which replaces inactivity for that silence)
-- and is longer than the client's longest silence of the 28 days before; inactivity also needs
-- 28 days of the client's history before the silence. One row per silence,
-- detected on every UTC day it covers. Rules: docs/metrics.md, "Alerts".
with

clients as (

    select * from {{ ref('int_clients_resolved') }}

),

engagement_events as (

    select * from {{ ref('stg_client_success__events') }}

),

client_event_times as (

    select distinct
        client_id,
        occurred_at
    from engagement_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}

),

client_gaps as (

    select
        client_id,
        occurred_at as gap_started_at,
        lead(occurred_at) over (partition by client_id order by occurred_at) as gap_ended_at,
        min(occurred_at) over (partition by client_id) as first_event_at
    from client_event_times

),

client_gaps_measured as (

    select
        *,
        {{ seconds_between('gap_started_at', 'coalesce(gap_ended_at, ' ~ as_of() ~ ')') }} / 3600.0
            as hours_without_event
    from client_gaps

),

client_gaps_with_history as (

    -- the longest silence the client had in the days before this one began: a silence is
    -- only news when it is longer than the client's usual ones (docs/metrics.md, "Alerts")
    select
        *,
        {%- if history_days > 0 %}
        coalesce(max(hours_without_event) over (
            partition by client_id
            order by {{ epoch_microseconds('gap_started_at') }}
            range between {{ history_days * 86400 * 1000000 }} preceding and 1 preceding
        ), 0) as longest_previous_hours
        {%- else %}
        0 as longest_previous_hours
        {%- endif %}
    from client_gaps_measured

),

inactive_stretches as (

    select
        client_gaps_with_history.client_id,
        clients.organization_id,
        client_gaps_with_history.gap_started_at,
        client_gaps_with_history.gap_ended_at is null as is_open,
        coalesce(client_gaps_with_history.gap_ended_at, {{ as_of() }}) as gap_until,
        client_gaps_with_history.hours_without_event,
        client_gaps_with_history.longest_previous_hours,
        case
            when client_gaps_with_history.hours_without_event >= {{ zero_activity_days }} * 24
                and client_gaps_with_history.hours_without_event > client_gaps_with_history.longest_previous_hours
                then 'zero_activity'
            -- inactivity needs the client's rhythm: that many days of history before the
            -- silence (a newer client's first quiet days are not news; zero_activity still is)
            when client_gaps_with_history.hours_without_event >= {{ inactivity_hours }}
                and client_gaps_with_history.hours_without_event > client_gaps_with_history.longest_previous_hours
                and client_gaps_with_history.gap_started_at
                    >= {{ dbt.dateadd('day', inactivity_min_history_days, 'client_gaps_with_history.first_event_at') }}
                then 'inactivity'
        end as alert_type
    from client_gaps_with_history
    inner join clients
        on client_gaps_with_history.client_id = clients.client_id

),

silence_alerts as (

    -- a silence of zero_activity length is a zero_activity alert; it replaces the inactivity
    -- alert of the same silence. Either is raised once the silence has lasted the threshold
    -- and longer than the client's longest silence of the days before.
    select
        alert_type,
        case when alert_type = 'zero_activity' then 'critical' else 'warning' end as severity,
        'client' as subject_type,
        client_id as subject_id,
        client_id,
        organization_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        cast(null as date) as week_start,
        gap_started_at as last_activity_at,
        {{ dbt.dateadd(
            'second',
            'cast(ceil(3600 * greatest(case when alert_type = \'zero_activity\' then ' ~ zero_activity_days * 24 ~ ' else ' ~ inactivity_hours ~ ' end, longest_previous_hours)) as ' ~ dbt.type_bigint() ~ ')',
            'gap_started_at'
        ) }} as first_detected_at,
        gap_until as last_detected_at,
        is_open,
        cast(gap_started_at as {{ dbt.type_string() }}) as condition_period,
        round(hours_without_event, 2) as metric_value,
        case
            when alert_type = 'zero_activity' then {{ zero_activity_days }} * 24.0
            else {{ inactivity_hours }} * 1.0
        end as threshold_value,
        'No activity for ' || case
            when alert_type = 'zero_activity'
                then cast(cast(floor(hours_without_event / 24) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }}) || ' days'
            else cast(cast(floor(hours_without_event) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }}) || ' hours'
        end || case when is_open then '' else ' (until ' || cast(gap_until as {{ dbt.type_string() }}) || ' UTC)' end
            || ' after the event of ' || cast(gap_started_at as {{ dbt.type_string() }}) || ' UTC' as message
    from inactive_stretches
    where alert_type is not null

),

final as (

    select
        *,
        {{ days_between('first_detected_at', 'last_detected_at') }} + 1 as detections
    from silence_alerts

)

select * from final
