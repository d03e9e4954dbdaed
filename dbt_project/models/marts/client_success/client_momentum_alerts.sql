{%- set lookback_days = var('alert_lookback_days') -%}
-- Momentum alerts for client-success staff as of as_of, as episodes: one row per stretch of
-- silence, per stalled stretch of a task, per run of weeks with a score drop or two at-risk
-- weeks, each family from its own model (models/intermediate/client_success/int_client_*_episodes).
-- Episodes still true at as_of are open; closed ones are kept while their last detection lies
-- in the lookback. Rules and a worked example: docs/metrics.md, "Alerts".
with

silence_episodes as (

    select * from {{ ref('int_client_silence_episodes') }}

),

task_stall_episodes as (

    select * from {{ ref('int_client_task_stall_episodes') }}

),

score_episodes as (

    select * from {{ ref('int_client_score_episodes') }}

),

all_alerts as (

    select * from silence_episodes
    union all
    select * from task_stall_episodes
    union all
    select * from score_episodes

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
