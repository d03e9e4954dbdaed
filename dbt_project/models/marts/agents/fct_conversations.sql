-- One row per agent conversation started at or before as_of (the agent platform's
-- ConversationInsight record), with message counts and response times recomputed from its
-- messages. The rules are in int_conversations_enriched, which the intermediate agent and
-- monitoring models read too.
with

conversations as (

    select * from {{ ref('int_conversations_enriched') }}

),

final as (

    select
        conversation_id,
        agent_id,
        account_id,
        end_customer_id,
        platform,
        session_id,
        started_at,
        ended_at,
        conversation_date,
        duration_seconds,
        reported_duration_seconds,
        message_count,
        customer_message_count,
        agent_message_count,
        human_message_count,
        responses_measured_count,
        unanswered_customer_messages_count,
        response_time_avg_ms,
        response_time_max_ms,
        first_response_time_ms,
        reported_message_count,
        reported_response_time_avg_ms,
        customer_satisfaction_score,
        has_conversion,
        conversion_type,
        conversion_value,
        conversion_value_reporting,
        reporting_currency,
        conversion_currency,
        sentiment_overall,
        sentiment_confidence,
        sentiment_emotions,
        is_escalated,
        escalation_reason,
        escalated_at,
        is_escalation_resolved,
        is_completed,
        is_follow_up_required,
        follow_up_actions,
        intents,
        tags,
        journey_stage,
        journey_touchpoint_sequence,
        journey_previous_interactions,
        journey_days_since_first_contact
    from conversations

)

select * from final
