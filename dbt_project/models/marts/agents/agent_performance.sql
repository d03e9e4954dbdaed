-- Agent performance per (agent, month) and over all time (DESIGN §4, seed 004): metrics,
-- sub-scores 0-100, performance score, grade, strengths and improvement areas.
with

agent_periods as (

    select * from {{ ref('int_agent_periods_aggregated') }}

),

response_scores as (

    select
        *,
        avg_response_time_ms / 1000.0 as avg_response_time_seconds,
        case
            when avg_response_time_ms is null then {{ var('agent_response_default_score') }}
            when avg_response_time_ms / 1000.0 <= {{ var('agent_response_best_seconds') }} then 100
            when avg_response_time_ms / 1000.0 >= {{ var('agent_response_worst_seconds') }} then 0
            else 100.0 * ({{ var('agent_response_worst_seconds') }} - avg_response_time_ms / 1000.0)
                / ({{ var('agent_response_worst_seconds') }} - {{ var('agent_response_best_seconds') }})
        end as response_raw
    from agent_periods

),

sub_scores as (

    select
        *,
        {{ var('agent_quality_csat_weight') }} * coalesce(
            (customer_satisfaction_avg - 1) * 25,
            {{ var('agent_quality_default_csat_score') }}
        )
        + {{ var('agent_quality_completion_weight') }} * completion_rate * 100 as quality_raw,
        least(100.0, 100.0 * conversion_rate / {{ var('agent_conversion_target_rate') }}) as conversion_raw,
        {{ var('agent_efficiency_response_weight') }} * response_raw
        + {{ var('agent_efficiency_escalation_weight') }} * (100 - escalation_rate * 100) as efficiency_raw
    from response_scores

),

performance_scores as (

    select
        *,
        round(
            {{ var('agent_weight_quality') }} * quality_raw
            + {{ var('agent_weight_conversion') }} * conversion_raw
            + {{ var('agent_weight_efficiency') }} * efficiency_raw,
            2
        ) as performance_score
    from sub_scores

),

final as (

    select
        agent_id,
        account_id,
        period_type,
        period,
        period_start,
        first_conversation_at,
        last_conversation_at,
        total_conversations,
        completed_conversations,
        completion_rate,
        unique_customers,
        round(avg_duration_seconds, 2) as avg_duration_seconds,
        cast(messages_count as {{ dbt.type_bigint() }}) as messages_count,
        conversations_with_response_count,
        round(avg_response_time_ms, 2) as avg_response_time_ms,
        round(avg_response_time_seconds, 3) as avg_response_time_seconds,
        csat_responses_count,
        round(customer_satisfaction_avg, 3) as customer_satisfaction_avg,
        escalated_conversations,
        escalation_rate,
        conversions_count,
        conversion_rate,
        cast(total_revenue as decimal(18, 2)) as total_revenue,
        purchases_count,
        cast(purchase_revenue as decimal(18, 2)) as purchase_revenue,
        cast(case when purchases_count > 0 then round(purchase_revenue / purchases_count, 2) end as decimal(18, 2)) as average_order_value,
        appointments_booked,
        leads_count,
        referrals_count,
        positive_sentiment_rate,
        negative_sentiment_rate,
        round(quality_raw, 2) as quality_score,
        round(conversion_raw, 2) as conversion_score,
        round(response_raw, 2) as response_score,
        round(efficiency_raw, 2) as efficiency_score,
        performance_score,
        case
            when performance_score >= {{ var('agent_grade_a_plus_min') }} then 'A+'
            when performance_score >= {{ var('agent_grade_a_min') }} then 'A'
            when performance_score >= {{ var('agent_grade_b_plus_min') }} then 'B+'
            when performance_score >= {{ var('agent_grade_b_min') }} then 'B'
            when performance_score >= {{ var('agent_grade_c_plus_min') }} then 'C+'
            when performance_score >= {{ var('agent_grade_c_min') }} then 'C'
            else 'D'
        end as performance_grade,
        {{ non_null_list([
            "case when customer_satisfaction_avg >= " ~ var('agent_strength_csat_min') ~ " then 'Excellent customer satisfaction' end",
            "case when avg_response_time_seconds <= " ~ var('agent_strength_response_max_seconds') ~ " then 'Fast response times' end",
            "case when conversion_rate >= " ~ var('agent_strength_conversion_min_rate') ~ " then 'High conversion rate' end",
            "case when escalation_rate <= " ~ var('agent_strength_escalation_max_rate') ~ " then 'Low escalation rate' end",
        ]) }} as strengths,
        {{ non_null_list([
            "case when customer_satisfaction_avg < " ~ var('agent_improvement_csat_below') ~ " then 'Improve customer satisfaction: review low-rated conversations and answer quality' end",
            "case when avg_response_time_seconds > " ~ var('agent_improvement_response_above_seconds') ~ " then 'Reduce response times: customers wait too long for a reply' end",
            "case when conversion_rate < " ~ var('agent_improvement_conversion_below_rate') ~ " then 'Raise the conversion rate: guide conversations towards a booking or purchase' end",
            "case when escalation_rate > " ~ var('agent_improvement_escalation_above_rate') ~ " then 'Lower the escalation rate: cover the intents that are handed to humans' end",
        ]) }} as improvement_areas
    from performance_scores

)

select * from final
