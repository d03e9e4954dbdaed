{%- set lookback_days = var('alert_lookback_days') -%}
{%- set inactivity_hours = var('cs_alert_inactivity_hours') -%}
{%- set zero_activity_days = var('cs_alert_zero_activity_days') -%}
{%- set stalled_hours = var('cs_alert_task_stalled_hours') -%}
{%- set history_days = var('cs_alert_silence_history_days') | int -%}
-- Momentum alerts for client-success staff as of as_of, as episodes: one row per stretch of
-- inactivity, per stalled stretch of a task, per run of weeks with a score drop or two at-risk
-- weeks. Episodes still true at as_of are open; closed ones are kept while their last
-- detection lies in the lookback. Rules and a worked example: docs/metrics.md, "Alerts".
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
    where evaluation = 'week'

),

-- inactivity and zero_activity: the gaps between a client's events, the last one open to as_of

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
        lead(occurred_at) over (partition by client_id order by occurred_at) as gap_ended_at
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
            when client_gaps_with_history.hours_without_event >= {{ inactivity_hours }}
                and client_gaps_with_history.hours_without_event > client_gaps_with_history.longest_previous_hours
                then 'inactivity'
        end as alert_type
    from client_gaps_with_history
    inner join clients
        on client_gaps_with_history.client_id = clients.client_id

),

inactivity_alerts as (

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

-- task_stalled: a task in progress with no update for the threshold, until its next update

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

-- score_drop and churn_risk: weekly detections, consecutive weeks forming one episode

scored_weeks as (

    select
        success_scores.*,
        {{ week_number('week_start') }} as week_number,
        lag(score_band) over (partition by client_id order by week_start) as previous_score_band
    from success_scores
    where is_complete_week

),

latest_complete_weeks as (

    select
        client_id,
        max(week_number) as latest_week_number
    from scored_weeks
    group by client_id

),

current_weeks as (

    -- the current week against the latest complete week, once enough of it has elapsed
    select
        current_week.client_id,
        current_week.organization_id,
        current_week.week_start,
        {{ week_number('current_week.week_start') }} as week_number,
        current_week.measured_at,
        current_week.overall_score,
        round(current_week.overall_score - latest_week.overall_score, 2) as score_change_vs_latest
    from success_scores as current_week
    inner join scored_weeks as latest_week
        on current_week.client_id = latest_week.client_id
        and latest_week.week_start = {{ add_days('current_week.week_start', -7) }}
    where not current_week.is_complete_week
      and current_week.days_elapsed >= {{ var('cs_alert_partial_week_min_days') }}

),

score_drop_detections as (

    select
        client_id,
        organization_id,
        week_start,
        week_number as period_number,
        measured_at as detected_at,
        score_change,
        overall_score,
        true as is_complete_week
    from scored_weeks
    where score_change <= -{{ var('cs_alert_score_drop_warning_points') }}

    union all

    select
        client_id,
        organization_id,
        week_start,
        week_number as period_number,
        measured_at as detected_at,
        score_change_vs_latest as score_change,
        overall_score,
        false as is_complete_week
    from current_weeks
    where score_change_vs_latest <= -{{ var('cs_alert_score_drop_warning_points') }}

),

score_drop_detections_described as (

    select
        client_id,
        organization_id,
        period_number,
        detected_at,
        case
            when score_change <= -{{ var('cs_alert_score_drop_critical_points') }} then 'critical'
            else 'warning'
        end as severity,
        cast(week_start as {{ dbt.type_string() }}) as condition_period,
        score_change as metric_value,
        -{{ var('cs_alert_score_drop_warning_points') }} * 1.0 as threshold_value,
        'Success score dropped ' || cast(-score_change as {{ dbt.type_string() }}) || ' points to '
            || cast(overall_score as {{ dbt.type_string() }}) || ' in the week of '
            || cast(week_start as {{ dbt.type_string() }})
            || case when is_complete_week then '' else ' so far, against the week before' end as message
    from score_drop_detections

),

score_drop_episodes as (

    {{ detection_episodes('score_drop_detections_described', ['client_id', 'organization_id']) }}

),

churn_risk_detections as (

    select
        client_id,
        organization_id,
        week_number as period_number,
        measured_at as detected_at,
        'critical' as severity,
        cast(week_start as {{ dbt.type_string() }}) as condition_period,
        overall_score as metric_value,
        {{ var('cs_band_needs_attention_min') }} * 1.0 as threshold_value,
        'Success score at risk two complete weeks running (' || cast(overall_score as {{ dbt.type_string() }})
            || ' in the week of ' || cast(week_start as {{ dbt.type_string() }}) || ')' as message
    from scored_weeks
    where score_band = 'at_risk'
      and previous_score_band = 'at_risk'

),

churn_risk_episodes as (

    {{ detection_episodes('churn_risk_detections', ['client_id', 'organization_id']) }}

),

weekly_alerts as (

    select
        'score_drop' as alert_type,
        score_drop_episodes.severity,
        'client' as subject_type,
        score_drop_episodes.client_id as subject_id,
        score_drop_episodes.client_id,
        score_drop_episodes.organization_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        cast(score_drop_episodes.condition_period as date) as week_start,
        cast(null as {{ dbt.type_timestamp() }}) as last_activity_at,
        score_drop_episodes.first_detected_at,
        score_drop_episodes.last_detected_at,
        -- open while the latest measured week (the current one once it is compared) still drops
        score_drop_episodes.last_period_number >= coalesce(
            current_weeks.week_number, latest_complete_weeks.latest_week_number
        ) as is_open,
        score_drop_episodes.condition_period,
        score_drop_episodes.metric_value,
        score_drop_episodes.threshold_value,
        score_drop_episodes.message,
        score_drop_episodes.detections
    from score_drop_episodes
    inner join latest_complete_weeks
        on score_drop_episodes.client_id = latest_complete_weeks.client_id
    left join current_weeks
        on score_drop_episodes.client_id = current_weeks.client_id

    union all

    select
        'churn_risk' as alert_type,
        churn_risk_episodes.severity,
        'client' as subject_type,
        churn_risk_episodes.client_id as subject_id,
        churn_risk_episodes.client_id,
        churn_risk_episodes.organization_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        cast(churn_risk_episodes.condition_period as date) as week_start,
        cast(null as {{ dbt.type_timestamp() }}) as last_activity_at,
        churn_risk_episodes.first_detected_at,
        churn_risk_episodes.last_detected_at,
        churn_risk_episodes.last_period_number = latest_complete_weeks.latest_week_number as is_open,
        churn_risk_episodes.condition_period,
        churn_risk_episodes.metric_value,
        churn_risk_episodes.threshold_value,
        churn_risk_episodes.message,
        churn_risk_episodes.detections
    from churn_risk_episodes
    inner join latest_complete_weeks
        on churn_risk_episodes.client_id = latest_complete_weeks.client_id

),

stretch_alerts as (

    -- a stretch is detected once on every UTC day it covers
    select
        *,
        {{ days_between('first_detected_at', 'last_detected_at') }} + 1 as detections
    from inactivity_alerts

    union all

    select
        *,
        {{ days_between('first_detected_at', 'last_detected_at') }} + 1 as detections
    from task_stalled_alerts

),

all_alerts as (

    select * from stretch_alerts
    union all
    select * from weekly_alerts

),

final as (

    select
        {{ alert_id('alert_type', 'subject_type', 'subject_id', 'condition_period') }} as alert_id,
        alert_type,
        severity,
        subject_type,
        subject_id,
        client_id,
        organization_id,
        task_id,
        week_start,
        last_activity_at,
        first_detected_at as detected_at,
        first_detected_at,
        last_detected_at,
        cast(detections as {{ dbt.type_bigint() }}) as detections,
        is_open,
        condition_period,
        cast(metric_value as double) as metric_value,
        cast(threshold_value as double) as threshold_value,
        message
    from all_alerts
    where is_open
       or last_detected_at > {{ window_start(as_of(), lookback_days) }}

)

select * from final
