-- Conversation and business metrics per (agent, calendar month) and per agent over all time
-- (period = 'all_time'), from the conversations started at or before as_of.
with

conversations as (

    select * from {{ ref('int_conversations_enriched') }}

),

agent_conversations as (

    select * from conversations
    where agent_id is not null

),

conversations_by_period as (

    select
        *,
        'month' as period_type,
        {{ year_month('started_at') }} as period,
        cast({{ dbt.date_trunc('month', 'started_at') }} as date) as period_start
    from agent_conversations

    union all

    select
        *,
        'all_time' as period_type,
        'all_time' as period,
        cast(null as date) as period_start
    from agent_conversations

),

final as (

    select
        agent_id,
        period_type,
        period,
        coalesce(min(period_start), min(conversation_date)) as period_start,
        max(account_id) as account_id,
        count(*) as total_conversations,
        count(case when is_completed then 1 end) as completed_conversations,
        cast(count(case when is_completed then 1 end) as double) / count(*) as completion_rate,
        count(distinct end_customer_id) as unique_customers,
        avg(duration_seconds) as avg_duration_seconds,
        sum(message_count) as messages_count,
        count(response_time_avg_ms) as conversations_with_response_count,
        avg(response_time_avg_ms) as avg_response_time_ms,
        count(customer_satisfaction_score) as csat_responses_count,
        avg(cast(customer_satisfaction_score as decimal(9, 4))) as customer_satisfaction_avg,
        count(case when is_escalated then 1 end) as escalated_conversations,
        cast(count(case when is_escalated then 1 end) as double) / count(*) as escalation_rate,
        count(case when has_conversion then 1 end) as conversions_count,
        cast(count(case when has_conversion then 1 end) as double) / count(*) as conversion_rate,
        coalesce(sum(conversion_value_reporting), 0) as total_revenue,
        count(case when conversion_type = 'purchase' then 1 end) as purchases_count,
        coalesce(sum(case when conversion_type = 'purchase' then conversion_value_reporting end), 0) as purchase_revenue,
        count(case when conversion_type = 'appointment' then 1 end) as appointments_booked,
        count(case when conversion_type = 'lead' then 1 end) as leads_count,
        count(case when conversion_type = 'referral' then 1 end) as referrals_count,
        cast(count(case when sentiment_overall = 'positive' then 1 end) as double) / count(*) as positive_sentiment_rate,
        cast(count(case when sentiment_overall = 'negative' then 1 end) as double) / count(*) as negative_sentiment_rate,
        min(started_at) as first_conversation_at,
        max(started_at) as last_conversation_at
    from conversations_by_period
    group by agent_id, period_type, period

)

select * from final
