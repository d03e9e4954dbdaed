-- One row per agent conversation started at or before as_of (the agent platform's
-- ConversationInsight record), with message counts and response times recomputed from its
-- messages, the agent's account and money in the reporting currency: the conversations every
-- agent model reads (fct_conversations publishes them; intermediate models read this one).
-- A table, not a view: fct_conversations, int_agent_periods_aggregated and two alert episode
-- models read it in one run, and DuckDB would inline a view into each of them, deduplicating
-- every landed conversation and ranking every message again.
{{ config(materialized='table') }}

with

conversations as (

    select * from {{ ref('stg_conversations__conversations') }}

),

message_summaries as (

    select * from {{ ref('int_conversation_messages_summarized') }}

),

agents as (

    select * from {{ ref('stg_reference__agents') }}

),

currency_rates as (

    select * from {{ ref('currency_rates') }}

),

reporting_rate as (

    select cast(usd_per_unit as decimal(18, 6)) as usd_per_unit
    from currency_rates
    where upper(currency) = upper('{{ var("reporting_currency") }}')

),

conversations_as_of as (

    select * from conversations
    where started_at <= {{ as_of() }}

),

final as (

    select
        conversations_as_of.conversation_id,
        conversations_as_of.agent_id,
        agents.account_id,
        conversations_as_of.end_customer_id,
        conversations_as_of.platform,
        conversations_as_of.session_id,
        conversations_as_of.started_at,
        conversations_as_of.ended_at,
        cast(conversations_as_of.started_at as date) as conversation_date,
        case
            when conversations_as_of.ended_at is not null
                then {{ dbt.datediff('conversations_as_of.started_at', 'conversations_as_of.ended_at', 'second') }}
        end as duration_seconds,
        conversations_as_of.duration_seconds as reported_duration_seconds,

        coalesce(message_summaries.message_count, 0) as message_count,
        coalesce(message_summaries.customer_message_count, 0) as customer_message_count,
        coalesce(message_summaries.agent_message_count, 0) as agent_message_count,
        coalesce(message_summaries.human_message_count, 0) as human_message_count,
        coalesce(message_summaries.responses_measured_count, 0) as responses_measured_count,
        coalesce(message_summaries.unanswered_customer_messages_count, 0) as unanswered_customer_messages_count,
        message_summaries.response_time_avg_ms,
        message_summaries.response_time_max_ms,
        message_summaries.first_response_time_ms,
        cast(conversations_as_of.reported_message_count as {{ dbt.type_bigint() }}) as reported_message_count,
        conversations_as_of.reported_response_time_avg_ms,

        conversations_as_of.customer_satisfaction_score,

        conversations_as_of.conversion_type is not null as has_conversion,
        conversations_as_of.conversion_type,
        case
            when conversations_as_of.conversion_type is not null
                then cast(coalesce(conversations_as_of.conversion_value, 0) as decimal(18, 2))
        end as conversion_value,
        conversations_as_of.conversion_currency,
        -- the value in the reporting currency (docs/metrics.md, "Money"); null when the
        -- conversation's currency has no reference rate
        case
            when conversations_as_of.conversion_type is not null
                and coalesce(conversations_as_of.conversion_value, 0) = 0
                then cast(0 as decimal(18, 2))
            when conversations_as_of.conversion_type is not null
                then cast(
                    conversations_as_of.conversion_value
                    * cast(currency_rates.usd_per_unit as decimal(18, 6))
                    / (select usd_per_unit from reporting_rate)
                    as decimal(18, 2)
                )
        end as conversion_value_reporting,
        '{{ var("reporting_currency") | upper }}' as reporting_currency,

        conversations_as_of.sentiment_overall,
        conversations_as_of.sentiment_confidence,
        conversations_as_of.sentiment_emotions,

        conversations_as_of.is_escalation_required as is_escalated,
        conversations_as_of.escalation_reason,
        conversations_as_of.escalated_at,
        conversations_as_of.is_escalation_required
            and conversations_as_of.escalation_resolved_by is not null as is_escalation_resolved,
        conversations_as_of.ended_at is not null
            and not (
                conversations_as_of.is_escalation_required
                and conversations_as_of.escalation_resolved_by is null
            ) as is_completed,

        conversations_as_of.is_follow_up_required,
        conversations_as_of.follow_up_actions,
        conversations_as_of.intents,
        conversations_as_of.tags,
        conversations_as_of.journey_stage,
        conversations_as_of.journey_touchpoint_sequence,
        cast(conversations_as_of.journey_previous_interactions as {{ dbt.type_bigint() }}) as journey_previous_interactions,
        conversations_as_of.journey_days_since_first_contact
    from conversations_as_of
    left join message_summaries
        on conversations_as_of.conversation_id = message_summaries.conversation_id
    left join agents
        on conversations_as_of.agent_id = agents.agent_id
    left join currency_rates
        on upper(conversations_as_of.conversion_currency) = upper(currency_rates.currency)

)

select * from final
