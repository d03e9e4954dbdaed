{%- set window_days = var('alert_agent_response_window_days') -%}
{%- set lookback_days = var('alert_lookback_days') -%}
-- Slow agents as episodes: each day of the lookback, an agent's mean response time over the
-- conversations started in the N days ending at that day's end (as_of for as_of's day), when
-- enough of them had a measured response; consecutive days above the threshold are one alert.
-- Rules: docs/metrics.md, "Alerts".
with

conversations as (

    select * from {{ ref('int_conversations_enriched') }}

),

days as (

    {{ calendar_spine(
        add_days(last_measured_date(), 1 - lookback_days),
        last_measured_date(),
        column_name='detection_date'
    ) }}

),

answered_conversations as (

    select
        agent_id,
        account_id,
        started_at,
        response_time_avg_ms
    from conversations
    where response_time_avg_ms is not null
      and started_at <= {{ as_of() }}
      and started_at > {{ window_start(
          'cast(' ~ add_days(last_measured_date(), 1 - lookback_days) ~ ' as ' ~ dbt.type_timestamp() ~ ')',
          window_days
      ) }}

),

agent_days as (

    select
        answered_conversations.agent_id,
        max(answered_conversations.account_id) as account_id,
        days.detection_date,
        {{ day_measured_at('days.detection_date') }} as detected_at,
        count(*) as conversations_count,
        avg(answered_conversations.response_time_avg_ms) / 1000.0 as avg_response_time_seconds
    from days
    inner join answered_conversations
        on answered_conversations.started_at <= {{ day_measured_at('days.detection_date') }}
        and answered_conversations.started_at > {{ window_start(day_measured_at('days.detection_date'), window_days) }}
    group by answered_conversations.agent_id, days.detection_date

),

detections as (

    select
        agent_id,
        account_id,
        {{ day_number('detection_date') }} as period_number,
        detected_at,
        'warning' as severity,
        cast(detection_date as {{ dbt.type_string() }}) as condition_period,
        round(avg_response_time_seconds, 3) as metric_value,
        {{ var('alert_agent_response_max_seconds') }} * 1.0 as threshold_value,
        'Mean response time ' || cast(round(avg_response_time_seconds, 1) as {{ dbt.type_string() }})
            || ' s over the ' || cast(conversations_count as {{ dbt.type_string() }})
            || ' conversations of the ' || '{{ window_days }}' || ' days to '
            || cast(detection_date as {{ dbt.type_string() }}) || ', above '
            || '{{ var("alert_agent_response_max_seconds") }}' || ' s' as message
    from agent_days
    where conversations_count >= {{ var('alert_agent_response_min_conversations') }}
      and avg_response_time_seconds > {{ var('alert_agent_response_max_seconds') }}

),

episodes as (

    {{ detection_episodes('detections', ['agent_id', 'account_id']) }}

),

final as (

    select
        'agent_response_time_high' as alert_type,
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
