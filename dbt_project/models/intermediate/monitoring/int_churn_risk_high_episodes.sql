-- Churn risk turning high as episodes: the consecutive days on which account_health's
-- churn_risk is 'high' form one alert, raised on the first of them; it stays open while the
-- as_of day is still high. Episodes that ended before the lookback are left out.
-- Rules: docs/metrics.md, "Alerts".
with

account_health as (

    select * from {{ ref('account_health') }}

),

detections as (

    select
        account_id,
        {{ day_number('health_date') }} as period_number,
        measured_at as detected_at,
        'critical' as severity,
        cast(health_date as {{ dbt.type_string() }}) as condition_period,
        cast(churn_risk_points as double) as metric_value,
        {{ var('churn_high_above') }} * 1.0 as threshold_value,
        'Churn risk high: ' || {{ join_strings('churn_risk_reasons', '; ') }}
            || ' (' || cast(churn_risk_points as {{ dbt.type_string() }}) || ' risk points, health score '
            || cast(health_score as {{ dbt.type_string() }}) || ')' as message
    from account_health
    where churn_risk = 'high'

),

episodes as (

    {{ detection_episodes('detections', ['account_id']) }}

),

final as (

    select
        'churn_risk_high' as alert_type,
        'account' as subject_type,
        account_id as subject_id,
        account_id,
        first_detected_at,
        last_detected_at,
        cast(detections as {{ dbt.type_bigint() }}) as detections,
        severity,
        last_period_number = {{ day_number('cast(' ~ as_of() ~ ' as date)') }} as is_open,
        condition_period,
        message,
        metric_value,
        threshold_value
    from episodes
    where last_detected_at > {{ window_start(as_of(), var('alert_lookback_days')) }}

)

select * from final
