{%- set lookback_days = var('alert_lookback_days') -%}
{%- set baseline_days = var('alert_error_baseline_days') -%}
{%- set multiplier = var('alert_error_spike_multiplier') -%}
-- Error-rate spikes as episodes: per UTC day, the share of error events of the whole platform,
-- of each product account and of each widget agent, against the median daily rate of the
-- 14 days before. An account or agent is alerted only when it stands out from the rest of the
-- platform that day; a spike everyone shares is the platform's alert.
-- Rules: docs/metrics.md, "Alerts".
with

events as (

    select * from {{ ref('fct_events') }}

),

window_events as (

    -- the lookback days plus the baseline days before them, up to as_of
    select
        source,
        account_id,
        chatbot_id,
        cast(occurred_at as date) as event_date,
        case
            when source = 'product' then event_name = 'error_encountered'
            else event_category = 'error'
        end as is_error
    from events
    where source in ('product', 'widget')
      and occurred_at <= {{ as_of() }}
      and occurred_at >= cast({{ add_days(last_measured_date(), -(lookback_days + baseline_days)) }} as {{ dbt.type_timestamp() }})

),

subject_days as (

    select
        source,
        'platform' as subject_type,
        source as subject_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        event_date,
        count(*) as events_count,
        count(case when is_error then 1 end) as errors_count
    from window_events
    group by source, event_date

    union all

    select
        source,
        'account' as subject_type,
        account_id as subject_id,
        account_id,
        event_date,
        count(*) as events_count,
        count(case when is_error then 1 end) as errors_count
    from window_events
    where source = 'product'
      and account_id is not null
    group by source, account_id, event_date

    union all

    select
        source,
        'agent' as subject_type,
        chatbot_id as subject_id,
        max(account_id) as account_id,
        event_date,
        count(*) as events_count,
        count(case when is_error then 1 end) as errors_count
    from window_events
    where source = 'widget'
      and chatbot_id is not null
    group by source, chatbot_id, event_date

),

day_rates as (

    select
        *,
        {{ day_number('event_date') }} as day_number,
        cast(errors_count as double) / events_count as error_rate
    from subject_days

),

baselines as (

    select
        *,
        -- the median over the days of the baseline window that had events
        {{ median_value('error_rate') }} over (
            partition by source, subject_type, subject_id
            order by day_number
            range between {{ baseline_days }} preceding and 1 preceding
        ) as baseline_error_rate
    from day_rates

),

with_platform as (

    -- the rest of the platform that day: every other subject of the same stream
    select
        subjects.*,
        case
            when platform.events_count > subjects.events_count
                then cast(platform.errors_count - subjects.errors_count as double)
                    / (platform.events_count - subjects.events_count)
            else 0
        end as rest_error_rate
    from baselines as subjects
    inner join baselines as platform
        on subjects.source = platform.source
        and subjects.event_date = platform.event_date
        and platform.subject_type = 'platform'

),

detections as (

    select
        source,
        subject_type,
        subject_id,
        account_id,
        day_number as period_number,
        {{ day_measured_at('event_date') }} as detected_at,
        case
            when error_rate >= {{ var('alert_error_spike_critical_rate') }} then 'critical'
            else 'warning'
        end as severity,
        cast(event_date as {{ dbt.type_string() }}) as condition_period,
        round(error_rate, 4) as metric_value,
        round(greatest({{ var('alert_error_spike_min_rate') }}, {{ multiplier }} * coalesce(baseline_error_rate, 0)), 4)
            as threshold_value,
        'Error rate ' || cast(round(100 * error_rate, 1) as {{ dbt.type_string() }}) || ' % ('
            || cast(errors_count as {{ dbt.type_string() }}) || ' of '
            || cast(events_count as {{ dbt.type_string() }}) || ' ' || source || ' events) on '
            || cast(event_date as {{ dbt.type_string() }}) || ', against a median of '
            || cast(round(100 * coalesce(baseline_error_rate, 0), 1) as {{ dbt.type_string() }})
            || ' % over the ' || '{{ baseline_days }}' || ' days before' as message
    from with_platform
    where event_date >= {{ add_days(last_measured_date(), 1 - lookback_days) }}
      and errors_count >= {{ var('alert_error_spike_min_errors') }}
      and error_rate >= {{ var('alert_error_spike_min_rate') }}
      and error_rate >= {{ multiplier }} * coalesce(baseline_error_rate, 0)
      -- an account or agent whose rate does not stand out from the rest of the platform
      -- that day is part of a platform-wide spike: the platform's alert
      and (subject_type = 'platform' or error_rate >= {{ multiplier }} * rest_error_rate)

),

episodes as (

    {{ detection_episodes('detections', ['source', 'subject_type', 'subject_id', 'account_id']) }}

),

final as (

    select
        'error_rate_spike' as alert_type,
        subject_type,
        subject_id,
        account_id,
        first_detected_at,
        last_detected_at,
        cast(detections as {{ dbt.type_bigint() }}) as detections,
        severity,
        last_period_number = {{ day_number(last_measured_date()) }} as is_open,
        condition_period,
        message,
        cast(metric_value as double) as metric_value,
        cast(threshold_value as double) as threshold_value
    from episodes

)

select * from final
