-- Every alert of the warehouse as of as_of, one row per episode: the client-success momentum
-- alerts and the monitoring families, each built by a model of its own
-- (models/intermediate/monitoring). Rules, severities and ids: docs/metrics.md, "Alerts".
with

client_momentum_alerts as (

    select * from {{ ref('client_momentum_alerts') }}

),

error_rate_spikes as (

    select * from {{ ref('int_error_rate_spike_episodes') }}

),

feature_usage_drops as (

    select * from {{ ref('int_feature_usage_drop_episodes') }}

),

churn_risk_high as (

    select * from {{ ref('int_churn_risk_high_episodes') }}

),

agent_response_time_high as (

    select * from {{ ref('int_agent_response_time_high_episodes') }}

),

low_customer_satisfaction as (

    select * from {{ ref('int_low_customer_satisfaction_episodes') }}

),

monitoring_episodes as (

    select * from error_rate_spikes
    union all
    select * from feature_usage_drops
    union all
    select * from churn_risk_high
    union all
    select * from agent_response_time_high
    union all
    select * from low_customer_satisfaction

),

all_alerts as (

    select
        alert_id,
        alert_type,
        severity,
        subject_type,
        subject_id,
        organization_id as account_id,
        first_detected_at,
        last_detected_at,
        detections,
        is_open,
        condition_period,
        message,
        metric_value,
        threshold_value
    from client_momentum_alerts

    union all

    select
        {{ alert_id('alert_type', 'subject_type', 'subject_id', 'condition_period') }} as alert_id,
        alert_type,
        severity,
        subject_type,
        subject_id,
        account_id,
        first_detected_at,
        last_detected_at,
        detections,
        is_open,
        condition_period,
        message,
        metric_value,
        threshold_value
    from monitoring_episodes
    -- an episode is kept while it is open or its last detection lies in the lookback
    where is_open
       or last_detected_at > {{ window_start(as_of(), var('alert_lookback_days')) }}

),

final as (

    select
        cast(alert_id as {{ dbt.type_string() }}) as alert_id,
        cast(alert_type as {{ dbt.type_string() }}) as alert_type,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(subject_type as {{ dbt.type_string() }}) as subject_type,
        cast(subject_id as {{ dbt.type_string() }}) as subject_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(first_detected_at as {{ dbt.type_timestamp() }}) as detected_at,
        cast(first_detected_at as {{ dbt.type_timestamp() }}) as first_detected_at,
        cast(last_detected_at as {{ dbt.type_timestamp() }}) as last_detected_at,
        cast(detections as {{ dbt.type_bigint() }}) as detections,
        is_open,
        cast(condition_period as {{ dbt.type_string() }}) as condition_period,
        cast(message as {{ dbt.type_string() }}) as message,
        cast(metric_value as double) as metric_value,
        cast(threshold_value as double) as threshold_value
    from all_alerts

)

select * from final
