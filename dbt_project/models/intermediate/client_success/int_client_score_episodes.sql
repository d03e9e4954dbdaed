-- score_drop and churn_risk episodes of client_momentum_alerts: weekly detections,
-- consecutive weeks forming one episode. score_drop: a complete week at least 25 points
-- (cs_alert_score_drop_warning_points; critical at 30) below the one before, or the current week
-- below the latest complete one once 3 days have elapsed (cs_alert_partial_week_min_days).
-- churn_risk: score_band at_risk in two consecutive complete weeks. Rules: docs/metrics.md, "Alerts".
with

success_scores as (

    select * from {{ ref('client_success_scores') }}

),

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

final as (

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

)

select * from final
