{%- set error_window_days = var('alert_lookback_days') + var('alert_error_baseline_days') -%}
-- Every alert of the warehouse as of as_of, one row per alert (DESIGN §4 Monitoring, seed 000 §9,
-- seed 003, seed 004). Rules, severities and the id in _monitoring__models.yml.
with

client_momentum_alerts as (

    select * from {{ ref('client_momentum_alerts') }}

),

events as (

    select * from {{ ref('fct_events') }}

),

agent_performance as (

    select * from {{ ref('agent_performance') }}

),

conversations as (

    select * from {{ ref('fct_conversations') }}

),

account_health as (

    select * from {{ ref('account_health') }}

),

-- client success (seed 003) -------------------------------------------------------------

momentum_alerts as (

    select
        alert_id,
        alert_type,
        severity,
        case when task_id is null then 'client' else 'task' end as subject_type,
        coalesce(task_id, client_id) as subject_id,
        organization_id as account_id,
        detected_at,
        message,
        condition_period,
        metric_value,
        threshold_value
    from client_momentum_alerts

),

-- error-rate spikes (seed 000 §9): product error_encountered per account and widget error
-- events per chatbot, per UTC day, against the pooled rate of the N days before -------------

error_window_events as (

    select
        source,
        event_name,
        event_category,
        account_id,
        chatbot_id,
        cast(occurred_at as date) as event_date
    from events
    where source in ('product', 'widget')
      and occurred_at <= {{ as_of() }}
      and occurred_at >= {{ dbt.dateadd('day', 1 - error_window_days, 'cast(' ~ as_of() ~ ' as date)') }}

),

error_subject_days as (

    select
        'account' as subject_type,
        account_id as subject_id,
        account_id,
        'product error_encountered' as error_kind,
        event_date,
        count(*) as events_count,
        count(case when event_name = 'error_encountered' then 1 end) as errors_count
    from error_window_events
    where source = 'product'
      and account_id is not null
    group by account_id, event_date

    union all

    select
        'agent' as subject_type,
        chatbot_id as subject_id,
        max(account_id) as account_id,
        'widget error' as error_kind,
        event_date,
        count(*) as events_count,
        count(case when event_category = 'error' then 1 end) as errors_count
    from error_window_events
    where source = 'widget'
      and chatbot_id is not null
    group by chatbot_id, event_date

),

error_rates as (

    select
        *,
        cast(errors_count as double) / events_count as error_rate,
        sum(errors_count) over (
            partition by subject_type, subject_id
            order by {{ dbt.datediff("cast('1970-01-01' as date)", 'event_date', 'day') }}
            range between {{ var('alert_error_baseline_days') }} preceding and 1 preceding
        ) as baseline_errors_count,
        sum(events_count) over (
            partition by subject_type, subject_id
            order by {{ dbt.datediff("cast('1970-01-01' as date)", 'event_date', 'day') }}
            range between {{ var('alert_error_baseline_days') }} preceding and 1 preceding
        ) as baseline_events_count
    from error_subject_days

),

error_spikes as (

    select
        *,
        coalesce(cast(baseline_errors_count as double) / nullif(baseline_events_count, 0), 0) as baseline_error_rate
    from error_rates
    where event_date >= {{ dbt.dateadd('day', 1 - var('alert_lookback_days'), 'cast(' ~ as_of() ~ ' as date)') }}

),

error_spike_alerts as (

    select
        'error_rate_spike' as alert_type,
        case when error_rate >= {{ var('alert_error_spike_critical_rate') }} then 'critical' else 'warning' end as severity,
        subject_type,
        subject_id,
        account_id,
        case
            when cast({{ dbt.dateadd('day', 1, 'event_date') }} as timestamp) < {{ as_of() }}
                then cast({{ dbt.dateadd('day', 1, 'event_date') }} as timestamp)
            else {{ as_of() }}
        end as detected_at,
        'Error rate ' || cast(round(error_rate * 100, 1) as {{ dbt.type_string() }}) || ' % ('
            || cast(errors_count as {{ dbt.type_string() }}) || ' ' || error_kind || ' events of '
            || cast(events_count as {{ dbt.type_string() }}) || ') on ' || cast(event_date as {{ dbt.type_string() }})
            || ' vs ' || cast(round(baseline_error_rate * 100, 1) as {{ dbt.type_string() }})
            || ' % over the ' || '{{ var("alert_error_baseline_days") }}' || ' days before' as message,
        cast(event_date as {{ dbt.type_string() }}) as condition_period,
        round(error_rate, 4) as metric_value,
        round(greatest(
            {{ var('alert_error_spike_min_rate') }},
            {{ var('alert_error_spike_multiplier') }} * baseline_error_rate
        ), 4) as threshold_value
    from error_spikes
    where errors_count >= {{ var('alert_error_spike_min_errors') }}
      and error_rate >= {{ var('alert_error_spike_min_rate') }}
      and error_rate >= {{ var('alert_error_spike_multiplier') }} * baseline_error_rate

),

-- feature-usage drops (seed 000 §9): product feature_used per (account, feature) in the latest
-- complete ISO week against the week before ------------------------------------------------

feature_uses as (

    select
        account_id,
        {{ json_text('properties', 'feature_name') }} as feature_name,
        cast({{ dbt.date_trunc('week', 'occurred_at') }} as date) as week_start
    from events
    where source = 'product'
      and event_name = 'feature_used'
      and account_id is not null
      and occurred_at >= {{ dbt.dateadd('day', -14, dbt.date_trunc('week', as_of())) }}
      and occurred_at < {{ dbt.date_trunc('week', as_of()) }}

),

feature_weeks as (

    select
        account_id,
        feature_name,
        count(case
            when week_start = cast({{ dbt.dateadd('day', -14, dbt.date_trunc('week', as_of())) }} as date) then 1
        end) as previous_week_uses,
        count(case
            when week_start = cast({{ dbt.dateadd('day', -7, dbt.date_trunc('week', as_of())) }} as date) then 1
        end) as last_week_uses
    from feature_uses
    where feature_name is not null
    group by account_id, feature_name

),

feature_drops as (

    select
        *,
        1 - cast(last_week_uses as double) / previous_week_uses as drop_rate
    from feature_weeks
    where previous_week_uses >= {{ var('alert_feature_drop_min_previous_uses') }}

),

feature_drop_alerts as (

    select
        'feature_usage_drop' as alert_type,
        case when drop_rate >= {{ var('alert_feature_drop_critical_pct') }} then 'critical' else 'warning' end as severity,
        'feature' as subject_type,
        account_id || ':' || feature_name as subject_id,
        account_id,
        cast({{ dbt.date_trunc('week', as_of()) }} as timestamp) as detected_at,
        'Use of feature "' || feature_name || '" fell ' || cast(round(drop_rate * 100, 1) as {{ dbt.type_string() }})
            || ' % week over week (' || cast(previous_week_uses as {{ dbt.type_string() }}) || ' -> '
            || cast(last_week_uses as {{ dbt.type_string() }}) || ' uses)' as message,
        cast(cast({{ dbt.dateadd('day', -7, dbt.date_trunc('week', as_of())) }} as date) as {{ dbt.type_string() }})
            as condition_period,
        round(drop_rate, 4) as metric_value,
        {{ var('alert_feature_drop_min_pct') }} * 1.0 as threshold_value
    from feature_drops
    where drop_rate >= {{ var('alert_feature_drop_min_pct') }}

),

-- churn risk turning high (seed 000 §9): account_health.churn_risk is high on the latest
-- health day at or before as_of; the alert refers to the day the current run of high days
-- began -----------------------------------------------------------------------------------

health_days as (

    select
        account_id,
        health_date,
        health_score,
        churn_risk,
        churn_risk_points,
        lag(churn_risk) over (partition by account_id order by health_date) as previous_day_churn_risk,
        row_number() over (partition by account_id order by health_date desc) as recency_rank
    from account_health
    where health_date <= cast({{ as_of() }} as date)

),

turned_high_days as (

    select
        account_id,
        max(health_date) as turned_high_date
    from health_days
    where churn_risk = 'high'
      and coalesce(previous_day_churn_risk, '') <> 'high'
    group by account_id

),

churn_alerts as (

    select
        'churn_risk_high' as alert_type,
        'critical' as severity,
        'account' as subject_type,
        health_days.account_id as subject_id,
        health_days.account_id,
        case
            when cast({{ dbt.dateadd('day', 1, 'turned_high_days.turned_high_date') }} as timestamp) < {{ as_of() }}
                then cast({{ dbt.dateadd('day', 1, 'turned_high_days.turned_high_date') }} as timestamp)
            else {{ as_of() }}
        end as detected_at,
        'Churn risk turned high on ' || cast(turned_high_days.turned_high_date as {{ dbt.type_string() }})
            || ' (' || cast(health_days.churn_risk_points as {{ dbt.type_string() }}) || ' risk points, health score '
            || cast(health_days.health_score as {{ dbt.type_string() }}) || ')' as message,
        cast(turned_high_days.turned_high_date as {{ dbt.type_string() }}) as condition_period,
        health_days.churn_risk_points * 1.0 as metric_value,
        {{ var('churn_high_above', 60) }} * 1.0 as threshold_value
    from health_days
    inner join turned_high_days
        on health_days.account_id = turned_high_days.account_id
    where health_days.recency_rank = 1
      and health_days.churn_risk = 'high'

),

-- agents (seed 004): mean response time of the agent's latest month with enough
-- conversations (the as_of month, else the month before) over the threshold ("medium" in
-- seed 004 -> warning); a conversation rated below the CSAT threshold ("high" -> critical) --

agent_recent_months as (

    select
        agent_id,
        account_id,
        period,
        period_start,
        total_conversations,
        avg_response_time_seconds,
        row_number() over (partition by agent_id order by period desc) as recency_rank
    from agent_performance
    where period_type = 'month'
      and period in ({{ year_month(as_of()) }}, {{ year_month(dbt.dateadd('month', -1, as_of())) }})
      and total_conversations >= {{ var('alert_agent_response_min_conversations') }}

),

agent_response_alerts as (

    select
        'agent_response_time_high' as alert_type,
        'warning' as severity,
        'agent' as subject_type,
        agent_id as subject_id,
        account_id,
        case
            when cast({{ dbt.dateadd('month', 1, 'period_start') }} as timestamp) < {{ as_of() }}
                then cast({{ dbt.dateadd('month', 1, 'period_start') }} as timestamp)
            else {{ as_of() }}
        end as detected_at,
        'Agent mean response time ' || cast(round(avg_response_time_seconds, 1) as {{ dbt.type_string() }})
            || ' s in ' || period || ' is above the ' || '{{ var("alert_agent_response_max_seconds") }}'
            || ' s threshold (' || cast(total_conversations as {{ dbt.type_string() }}) || ' conversations)' as message,
        period as condition_period,
        avg_response_time_seconds as metric_value,
        {{ var('alert_agent_response_max_seconds') }} * 1.0 as threshold_value
    from agent_recent_months
    where recency_rank = 1
      and avg_response_time_seconds > {{ var('alert_agent_response_max_seconds') }}

),

low_satisfaction_alerts as (

    select
        'low_customer_satisfaction' as alert_type,
        'critical' as severity,
        'conversation' as subject_type,
        conversation_id as subject_id,
        account_id,
        case
            when coalesce(ended_at, started_at) < {{ as_of() }} then coalesce(ended_at, started_at)
            else {{ as_of() }}
        end as detected_at,
        'Customer satisfaction ' || cast(customer_satisfaction_score as {{ dbt.type_string() }})
            || ' below ' || '{{ var("alert_low_csat_below") }}' || ' from customer ' || coalesce(customer_id, '?')
            || ' (agent ' || coalesce(agent_id, '?') || ', ' || coalesce(platform, '?') || ')' as message,
        cast(conversation_date as {{ dbt.type_string() }}) as condition_period,
        customer_satisfaction_score * 1.0 as metric_value,
        {{ var('alert_low_csat_below') }} * 1.0 as threshold_value
    from conversations
    where customer_satisfaction_score < {{ var('alert_low_csat_below') }}
      and started_at > {{ dbt.dateadd('day', -var('alert_lookback_days'), as_of()) }}

),

computed_alerts as (

    select * from error_spike_alerts
    union all
    select * from feature_drop_alerts
    union all
    select * from churn_alerts
    union all
    select * from agent_response_alerts
    union all
    select * from low_satisfaction_alerts

),

all_alerts as (

    select * from momentum_alerts

    union all

    select
        {{ alert_id('alert_type', 'subject_type', 'subject_id', 'condition_period') }} as alert_id,
        alert_type,
        severity,
        subject_type,
        subject_id,
        account_id,
        detected_at,
        message,
        condition_period,
        metric_value,
        threshold_value
    from computed_alerts

),

final as (

    select
        alert_id,
        alert_type,
        severity,
        subject_type,
        subject_id,
        account_id,
        cast(detected_at as timestamp) as detected_at,
        message,
        condition_period,
        cast(metric_value as double) as metric_value,
        cast(threshold_value as double) as threshold_value
    from all_alerts

)

select * from final
