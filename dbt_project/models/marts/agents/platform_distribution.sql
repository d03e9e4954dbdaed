-- Conversations, customers, revenue and conversion per platform, per calendar month and over all
-- time (period = 'all_time'), as of as_of (the agent platform's platformDistribution).
with

conversations as (

    select * from {{ ref('fct_conversations') }}

),

conversations_by_period as (

    select
        platform,
        end_customer_id,
        agent_id,
        has_conversion,
        conversion_value_reporting,
        customer_satisfaction_score,
        'month' as period_type,
        {{ year_month('started_at') }} as period
    from conversations

    union all

    select
        platform,
        end_customer_id,
        agent_id,
        has_conversion,
        conversion_value_reporting,
        customer_satisfaction_score,
        'all_time' as period_type,
        'all_time' as period
    from conversations

),

platform_periods as (

    select
        coalesce(platform, 'unknown') as platform,
        period_type,
        period,
        count(*) as conversations_count,
        count(distinct end_customer_id) as active_customers,
        count(distinct agent_id) as agents_count,
        count(case when has_conversion then 1 end) as conversions_count,
        cast(count(case when has_conversion then 1 end) as double) / count(*) as conversion_rate,
        coalesce(sum(conversion_value_reporting), 0) as revenue,
        avg(cast(customer_satisfaction_score as decimal(9, 4))) as customer_satisfaction_avg
    from conversations_by_period
    group by coalesce(platform, 'unknown'), period_type, period

),

final as (

    select
        platform,
        period_type,
        period,
        conversations_count,
        active_customers,
        agents_count,
        conversions_count,
        conversion_rate,
        cast(revenue as decimal(18, 2)) as revenue,
        round(customer_satisfaction_avg, 3) as customer_satisfaction_avg,
        cast(conversations_count as double)
            / sum(conversations_count) over (partition by period) as conversation_share,
        case
            when sum(revenue) over (partition by period) > 0
                then revenue / sum(revenue) over (partition by period)
        end as revenue_share
    from platform_periods

)

select * from final
