-- One row per agent with a conversation (as of as_of): its all-time performance, its rank in
-- the fleet and in its account, and the fleet summary of seed 004's multi-agent comparison.
with

agent_performance as (

    select * from {{ ref('agent_performance') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

all_time_performance as (

    select * from agent_performance
    where period_type = 'all_time'

),

fleet_summary as (

    select
        count(*) as fleet_agents_count,
        -- decimals: sums of doubles depend on the order of the rows, these do not
        round(avg(cast(customer_satisfaction_avg as decimal(9, 4))), 3) as fleet_avg_satisfaction,
        sum(total_revenue) as fleet_total_revenue,
        round(avg(cast(conversion_rate as decimal(18, 8))), 6) as fleet_avg_conversion_rate,
        round(avg(cast(performance_score as decimal(9, 2))), 2) as fleet_avg_performance_score
    from all_time_performance

),

final as (

    select
        all_time_performance.agent_id,
        all_time_performance.account_id,
        agents.agent_name,
        rank() over (order by all_time_performance.performance_score desc) as performance_rank,
        rank() over (
            partition by all_time_performance.account_id
            order by all_time_performance.performance_score desc
        ) as account_performance_rank,
        all_time_performance.performance_score,
        all_time_performance.performance_grade,
        all_time_performance.quality_score,
        all_time_performance.conversion_score,
        all_time_performance.efficiency_score,
        all_time_performance.total_conversations,
        all_time_performance.customer_satisfaction_avg,
        all_time_performance.avg_response_time_seconds,
        all_time_performance.completion_rate,
        all_time_performance.escalation_rate,
        all_time_performance.conversion_rate,
        cast(all_time_performance.total_revenue as decimal(18, 2)) as total_revenue,
        case
            when fleet_summary.fleet_total_revenue > 0
                then all_time_performance.total_revenue / fleet_summary.fleet_total_revenue
        end as revenue_share,
        round(all_time_performance.performance_score - fleet_summary.fleet_avg_performance_score, 2)
            as score_vs_fleet_avg,
        all_time_performance.strengths,
        all_time_performance.improvement_areas,
        fleet_summary.fleet_agents_count,
        fleet_summary.fleet_avg_satisfaction,
        cast(fleet_summary.fleet_total_revenue as decimal(18, 2)) as fleet_total_revenue,
        fleet_summary.fleet_avg_conversion_rate,
        fleet_summary.fleet_avg_performance_score
    from all_time_performance
    cross join fleet_summary
    left join agents
        on all_time_performance.agent_id = agents.agent_id

)

select * from final
