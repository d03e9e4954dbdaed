-- System-wide agent metrics as of as_of, one row (the agent platform's overallMetrics).
with

conversations as (

    select * from {{ ref('fct_conversations') }}

),

agent_comparison as (

    select * from {{ ref('agent_comparison') }}

),

conversation_totals as (

    select
        count(distinct agent_id) as total_agents,
        count(distinct case
            when started_at > {{ dbt.dateadd('day', -var('agent_active_window_days'), as_of()) }} then agent_id
        end) as active_agents,
        count(distinct end_customer_id) as total_customers,
        count(*) as total_conversations,
        count(case
            when started_at > {{ dbt.dateadd('day', -var('agent_active_window_days'), as_of()) }} then 1
        end) as recent_conversations,
        coalesce(sum(conversion_value_reporting), 0) as total_revenue,
        coalesce(sum(case
            when started_at > {{ dbt.dateadd('day', -var('agent_active_window_days'), as_of()) }} then conversion_value_reporting
        end), 0) as recent_revenue,
        avg(response_time_avg_ms) as avg_response_time_ms,
        avg(cast(customer_satisfaction_score as decimal(9, 4))) as customer_satisfaction_avg,
        case when count(*) > 0 then cast(count(case when is_completed then 1 end) as double) / count(*) end
            as completion_rate,
        case when count(*) > 0 then cast(count(case when is_escalated then 1 end) as double) / count(*) end
            as escalation_rate,
        case when count(*) > 0 then cast(count(case when has_conversion then 1 end) as double) / count(*) end
            as conversion_rate,
        count(distinct platform) as platforms_count
    from conversations

),

grade_counts as (

    select
        count(case when performance_grade in ('A+', 'A') then 1 end) as agents_graded_a,
        count(case when performance_grade in ('B+', 'B') then 1 end) as agents_graded_b,
        count(case when performance_grade in ('C+', 'C') then 1 end) as agents_graded_c,
        count(case when performance_grade = 'D' then 1 end) as agents_graded_d,
        round(avg(cast(performance_score as decimal(9, 2))), 2) as avg_performance_score
    from agent_comparison

),

final as (

    select
        {{ as_of() }} as as_of_at,
        conversation_totals.total_agents,
        conversation_totals.active_agents,
        conversation_totals.total_customers,
        conversation_totals.total_conversations,
        conversation_totals.recent_conversations,
        cast(conversation_totals.total_revenue as decimal(18, 2)) as total_revenue,
        cast(conversation_totals.recent_revenue as decimal(18, 2)) as recent_revenue,
        round(conversation_totals.avg_response_time_ms, 2) as avg_response_time_ms,
        round(conversation_totals.customer_satisfaction_avg, 3) as customer_satisfaction_avg,
        conversation_totals.completion_rate,
        conversation_totals.escalation_rate,
        conversation_totals.conversion_rate,
        conversation_totals.platforms_count,
        grade_counts.avg_performance_score,
        grade_counts.agents_graded_a,
        grade_counts.agents_graded_b,
        grade_counts.agents_graded_c,
        grade_counts.agents_graded_d
    from conversation_totals
    cross join grade_counts

)

select * from final
