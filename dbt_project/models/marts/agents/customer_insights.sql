{%- set window_days = var('customer_regular_window_days') -%}
{%- set windows = var('customer_regular_windows') -%}
-- One row per end customer of the agents, as of as_of: interactions, lifetime value in the
-- reporting currency (with the per-currency totals beside it), segment (the first rule that
-- matches), churn risk and upsell potential. Rules and examples: docs/metrics.md, "Customers".
with

conversations as (

    select * from {{ ref('fct_conversations') }}

),

customer_conversations as (

    select
        *,
        row_number() over (
            partition by end_customer_id
            order by started_at desc, conversation_id desc
        ) as recency_rank
    from conversations
    where end_customer_id is not null

),

platform_counts as (

    select
        end_customer_id,
        platform,
        count(*) as conversations_count,
        max(started_at) as last_started_at
    from customer_conversations
    group by end_customer_id, platform

),

preferred_platforms as (

    -- the platform of most conversations; ties go to the most recently used
    select
        end_customer_id,
        platform,
        row_number() over (
            partition by end_customer_id
            order by conversations_count desc, last_started_at desc, platform
        ) as preference_rank
    from platform_counts

),

currency_totals as (

    -- purchase and other conversion values per currency, as recorded (not converted)
    select
        end_customer_id,
        coalesce(upper(conversion_currency), 'UNKNOWN') as currency,
        sum(conversion_value) as conversion_value
    from customer_conversations
    where has_conversion
      and coalesce(conversion_value, 0) <> 0
    group by end_customer_id, coalesce(upper(conversion_currency), 'UNKNOWN')

),

customer_currency_totals as (

    select
        end_customer_id,
        {{ json_object_agg('currency', 'conversion_value') }} as lifetime_value_by_currency
    from currency_totals
    group by end_customer_id

),

latest_conversations as (

    select
        end_customer_id,
        account_id,
        agent_id,
        journey_stage
    from customer_conversations
    where recency_rank = 1

),

customer_totals as (

    select
        end_customer_id,
        count(*) as total_interactions,
        count(distinct platform) as platforms_used_count,
        min(started_at) as first_contact_at,
        max(started_at) as last_contact_at,
        {%- for window in range(windows) %}
        count(case
            when started_at > {{ dbt.dateadd('day', -(window + 1) * window_days, as_of()) }}
             and started_at <= {{ dbt.dateadd('day', -window * window_days, as_of()) }}
                then 1
        end) as interactions_window_{{ window + 1 }},
        {%- endfor %}
        count(case
            when started_at > {{ dbt.dateadd('day', -windows * window_days, as_of()) }} then 1
        end) as recent_interactions,
        coalesce(sum(conversion_value_reporting), 0) as lifetime_value,
        count(case when has_conversion and conversion_value_reporting is null then 1 end)
            as unconverted_conversions_count,
        count(case when has_conversion then 1 end) as conversions_count,
        count(case when conversion_type = 'purchase' then 1 end) as purchases_count,
        coalesce(sum(case when conversion_type = 'purchase' then conversion_value_reporting end), 0) as purchase_revenue,
        count(case when conversion_type = 'appointment' then 1 end) as appointments_booked,
        -- a double, as DuckDB's mean of decimals is: the scores below then add up alike on Spark
        -- (whose mean of decimals stays decimal), down to how a .xx5 rounds
        cast(avg(cast(customer_satisfaction_score as decimal(9, 4))) as double) as customer_satisfaction_avg,
        cast(count(case when sentiment_overall = 'positive' then 1 end) as double) / count(*) as positive_sentiment_rate,
        cast(count(case when sentiment_overall = 'negative' then 1 end) as double) / count(*) as negative_sentiment_rate,
        cast(count(case when is_escalated then 1 end) as double) / count(*) as escalation_rate
    from customer_conversations
    group by end_customer_id

),

customer_profiles as (

    select
        customer_totals.*,
        latest_conversations.account_id,
        latest_conversations.agent_id as latest_agent_id,
        latest_conversations.journey_stage,
        preferred_platforms.platform as preferred_platform,
        customer_currency_totals.lifetime_value_by_currency,
        {{ dbt.datediff('customer_totals.first_contact_at', as_of(), 'second') }} / 86400.0 as days_since_first_contact_exact,
        {{ dbt.datediff('customer_totals.last_contact_at', as_of(), 'second') }} / 86400.0 as days_since_last_contact_exact
    from customer_totals
    left join latest_conversations
        on customer_totals.end_customer_id = latest_conversations.end_customer_id
    left join preferred_platforms
        on customer_totals.end_customer_id = preferred_platforms.end_customer_id
        and preferred_platforms.preference_rank = 1
    left join customer_currency_totals
        on customer_totals.end_customer_id = customer_currency_totals.end_customer_id

),

segmented_customers as (

    select
        *,
        case
            when first_contact_at >= {{ dbt.dateadd('day', -var('customer_new_max_days'), as_of()) }}
                then 'new'
            when total_interactions >= {{ var('customer_at_risk_min_interactions') }}
             and last_contact_at < {{ dbt.dateadd('day', -var('customer_at_risk_inactive_days'), as_of()) }}
                then 'at_risk'
            when purchases_count >= {{ var('customer_high_value_min_purchases') }}
             and lifetime_value >= {{ var('customer_high_value_min_ltv') }}
                then 'high_value'
            when true
                {%- for window in range(windows) %}
                and interactions_window_{{ window + 1 }} >= {{ var('customer_regular_min_per_window') }}
                {%- endfor %}
                then 'regular'
            else 'occasional'
        end as customer_segment,
        {{ var('customer_churn_recency_weight') }}
            * least(1.0, days_since_last_contact_exact / {{ var('customer_churn_recency_horizon_days') }})
        + {{ var('customer_churn_csat_weight') }}
            * coalesce((5 - customer_satisfaction_avg) / 4, 0.5)
        + {{ var('customer_churn_negative_weight') }} * negative_sentiment_rate
        + {{ var('customer_churn_escalation_weight') }} * escalation_rate as churn_risk_raw,
        {{ var('customer_upsell_satisfaction_weight') }}
            * coalesce((customer_satisfaction_avg - 1) / 4, 0.5)
        + {{ var('customer_upsell_engagement_weight') }}
            * least(1.0, cast(recent_interactions as double) / {{ var('customer_upsell_engagement_target') }})
        + {{ var('customer_upsell_purchase_weight') }}
            * least(1.0, cast(purchases_count as double) / {{ var('customer_upsell_purchase_target') }})
        + {{ var('customer_upsell_positive_weight') }} * positive_sentiment_rate as upsell_potential_raw
    from customer_profiles

),

final as (

    select
        end_customer_id,
        account_id,
        latest_agent_id,
        preferred_platform,
        platforms_used_count,
        total_interactions,
        recent_interactions,
        first_contact_at,
        last_contact_at,
        cast(floor(days_since_first_contact_exact) as integer) as days_since_first_contact,
        cast(floor(days_since_last_contact_exact) as integer) as days_since_last_contact,
        round(
            total_interactions / greatest(1.0, days_since_first_contact_exact / 7),
            3
        ) as interactions_per_week,
        cast(lifetime_value as decimal(18, 2)) as lifetime_value,
        '{{ var("reporting_currency") | upper }}' as reporting_currency,
        coalesce(lifetime_value_by_currency, '{}') as lifetime_value_by_currency,
        unconverted_conversions_count,
        conversions_count,
        purchases_count,
        case
            when purchases_count > 0 then cast(round(purchase_revenue / purchases_count, 2) as decimal(18, 2))
        end as average_order_value,
        appointments_booked,
        round(customer_satisfaction_avg, 3) as customer_satisfaction_avg,
        positive_sentiment_rate,
        negative_sentiment_rate,
        escalation_rate,
        journey_stage,
        customer_segment,
        round(greatest(0.0, least(1.0, churn_risk_raw)), 2) as churn_risk,
        round(greatest(0.0, least(1.0, upsell_potential_raw)), 2) as upsell_potential
    from segmented_customers

)

select * from final
