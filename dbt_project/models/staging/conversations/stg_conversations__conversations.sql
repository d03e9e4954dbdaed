-- Incremental: a run stages only the rows landed since the last build that have no earlier
-- landed copy (doc stg_incremental_table, models/staging/_staging__docs.md).
{%- if is_incremental() %}
    {%- set built_until = watermark_literal(this, '_loaded_at') %}
{%- endif %}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='conversation_id',
        on_schema_change='append_new_columns',
    )
}}

with

first_landed_conversations as (

    {{ first_landed_copies(source('conversations', 'conversations'), ['conversationId']) }}

),

conversations_landed_since as (

    select * from first_landed_conversations
    {%- if is_incremental() %}
    where _loaded_at > {{ built_until }}
    {%- endif %}

),

final as (

    select
        conversationId as conversation_id,
        agentId as agent_id,
        customerId as end_customer_id,
        platform,
        sessionId as session_id,
        startTime as started_at,
        endTime as ended_at,
        duration as duration_seconds,

        -- the producer's own counts (fct_conversations recomputes them from messages)
        messageCount as reported_message_count,
        customerMessages as reported_customer_message_count,
        agentResponses as reported_agent_response_count,
        responseTimeAvg as reported_response_time_avg_ms,

        customerSatisfactionScore as customer_satisfaction_score,

        -- conversionEvent
        {{ json_text('conversionEvent', 'type') }} as conversion_type,
        {{ try_cast(json_text('conversionEvent', 'value'), 'double') }} as conversion_value,
        {{ json_text('conversionEvent', 'currency') }} as conversion_currency,

        -- sentiment
        {{ json_text('sentiment', 'overall') }} as sentiment_overall,
        {{ try_cast(json_text('sentiment', 'confidence'), 'double') }} as sentiment_confidence,
        {{ json_value('sentiment', 'emotions') }} as sentiment_emotions,

        -- escalation
        coalesce({{ try_cast(json_text('escalation', 'required'), 'boolean') }}, false) as is_escalation_required,
        {{ json_text('escalation', 'reason') }} as escalation_reason,
        {{ parse_utc_timestamp(json_text('escalation', 'timestamp')) }} as escalated_at,
        {{ json_text('escalation', 'resolvedBy') }} as escalation_resolved_by,

        -- customerJourney
        {{ json_text('customerJourney', 'stage') }} as journey_stage,
        {{ json_value('customerJourney', 'touchpointSequence') }} as journey_touchpoint_sequence,
        {{ try_cast(json_text('customerJourney', 'previousInteractions'), 'integer') }} as journey_previous_interactions,
        {{ try_cast(json_text('customerJourney', 'daysSinceFirstContact'), 'integer') }} as journey_days_since_first_contact,

        coalesce(followUpRequired, false) as is_follow_up_required,
        followUpActions as follow_up_actions,
        intents,
        tags,
        _file,
        _line,
        _loaded_at

    from conversations_landed_since

)

select * from final
