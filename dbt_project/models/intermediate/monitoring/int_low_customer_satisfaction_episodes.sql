{%- set lookback_days = var('alert_lookback_days') -%}
-- Low customer satisfaction as episodes: per agent and UTC day of the lookback, the mean CSAT
-- of the day's rated conversations; a day under the threshold is one detection (critical when
-- it is very low over enough ratings), not one per conversation, and consecutive such days
-- are one alert. Rules: docs/metrics.md, "Alerts".
with

conversations as (

    select * from {{ ref('int_conversations_enriched') }}

),

agent_days as (

    select
        agent_id,
        max(account_id) as account_id,
        conversation_date,
        count(*) as rated_conversations_count,
        avg(cast(customer_satisfaction_score as double)) as csat_avg
    from conversations
    where customer_satisfaction_score is not null
      and agent_id is not null
      and started_at <= {{ as_of() }}
      and conversation_date >= {{ add_days(last_measured_date(), 1 - lookback_days) }}
    group by agent_id, conversation_date

),

detections as (

    select
        agent_id,
        account_id,
        {{ day_number('conversation_date') }} as period_number,
        {{ day_measured_at('conversation_date') }} as detected_at,
        case
            when csat_avg < {{ var('alert_low_csat_critical_below') }}
                and rated_conversations_count >= {{ var('alert_low_csat_critical_min_rated') }}
                then 'critical'
            else 'warning'
        end as severity,
        cast(conversation_date as {{ dbt.type_string() }}) as condition_period,
        round(csat_avg, 3) as metric_value,
        {{ var('alert_low_csat_below') }} * 1.0 as threshold_value,
        'Mean customer satisfaction ' || cast(round(csat_avg, 2) as {{ dbt.type_string() }})
            || ' over ' || cast(rated_conversations_count as {{ dbt.type_string() }})
            || case when rated_conversations_count = 1 then ' rated conversation' else ' rated conversations' end
            || ' on ' || cast(conversation_date as {{ dbt.type_string() }}) || ', below '
            || '{{ var("alert_low_csat_below") }}' as message
    from agent_days
    where csat_avg < {{ var('alert_low_csat_below') }}

),

episodes as (

    {{ detection_episodes('detections', ['agent_id', 'account_id']) }}

),

final as (

    select
        'low_customer_satisfaction' as alert_type,
        'agent' as subject_type,
        agent_id as subject_id,
        account_id,
        first_detected_at,
        last_detected_at,
        cast(detections as {{ dbt.type_bigint() }}) as detections,
        severity,
        last_period_number = {{ day_number(last_measured_date()) }} as is_open,
        condition_period,
        message,
        cast(metric_value as double) as metric_value,
        threshold_value
    from episodes

)

select * from final
