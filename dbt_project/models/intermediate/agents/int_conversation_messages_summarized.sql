-- Per conversation: message counts and response times recomputed from its messages.
-- A response time runs from a customer message to the next agent or human message.
--
-- Incremental: a conversation's messages all come with its earliest landed copy, so they
-- land together and never change afterwards. A run summarizes the conversations whose
-- messages landed since the table's latest loaded_at (all of their messages; a literal read
-- at compile time) and replaces them by conversation_id.
{%- if is_incremental() %}
    {%- set built_until = watermark_literal(this, 'loaded_at') %}
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

all_messages as (

    select * from {{ ref('stg_conversations__messages') }}

),

messages as (

    select * from all_messages
    {%- if is_incremental() %}
    where conversation_id in (
        select conversation_id from all_messages
        where _loaded_at > {{ built_until }}
    )
    {%- endif %}

),

timed_messages as (

    select
        conversation_id,
        message_id,
        sender,
        sent_at,
        -- the first agent/human message after this one (messages ordered by time, then position)
        min(case when sender in ('agent', 'human') then sent_at end) over (
            partition by conversation_id
            order by sent_at, message_index
            rows between 1 following and unbounded following
        ) as next_reply_at
    from messages
    where sent_at is not null

),

customer_message_responses as (

    select
        conversation_id,
        message_id,
        sent_at,
        next_reply_at,
        {{ dbt.datediff('sent_at', 'next_reply_at', 'millisecond') }} as response_time_ms
    from timed_messages
    where sender = 'customer'

),

response_stats as (

    select
        conversation_id,
        count(case when next_reply_at is not null then 1 end) as responses_measured_count,
        count(case when next_reply_at is null then 1 end) as unanswered_customer_messages_count,
        -- a decimal, so that later means over conversations are exact (reproducible)
        cast(avg(response_time_ms) as decimal(18, 3)) as response_time_avg_ms,
        max(response_time_ms) as response_time_max_ms
    from customer_message_responses
    group by conversation_id

),

first_responses as (

    -- the first customer message's response
    select
        conversation_id,
        response_time_ms as first_response_time_ms,
        row_number() over (partition by conversation_id order by sent_at, message_id) as message_rank
    from customer_message_responses

),

message_counts as (

    select
        conversation_id,
        -- the conversation's customer (one per conversation): an erasure finds the row by it
        max(end_customer_id) as end_customer_id,
        count(*) as message_count,
        count(case when sender = 'customer' then 1 end) as customer_message_count,
        count(case when sender = 'agent' then 1 end) as agent_message_count,
        count(case when sender = 'human' then 1 end) as human_message_count,
        min(sent_at) as first_message_at,
        max(sent_at) as last_message_at,
        max(_loaded_at) as loaded_at
    from messages
    group by conversation_id

),

final as (

    select
        message_counts.conversation_id,
        message_counts.end_customer_id,
        message_counts.message_count,
        message_counts.customer_message_count,
        message_counts.agent_message_count,
        message_counts.human_message_count,
        coalesce(response_stats.responses_measured_count, 0) as responses_measured_count,
        coalesce(response_stats.unanswered_customer_messages_count, 0) as unanswered_customer_messages_count,
        response_stats.response_time_avg_ms,
        response_stats.response_time_max_ms,
        first_responses.first_response_time_ms,
        message_counts.first_message_at,
        message_counts.last_message_at,
        message_counts.loaded_at
    from message_counts
    left join response_stats
        on message_counts.conversation_id = response_stats.conversation_id
    left join first_responses
        on message_counts.conversation_id = first_responses.conversation_id
        and first_responses.message_rank = 1

)

select * from final
