-- The messages[] of every conversation, one row per message_id.
--
-- Incremental, a table (most staging models are views): unnesting, parsing and ranking
-- every landed message on every run is most of what the agent models cost. A run parses only
-- the conversations landed since the table's latest _loaded_at (read at compile time and
-- written in as a literal, which the conversation dedupe's scan of the raw table skips row
-- groups with) and keeps their messages whose message_id is not built yet: the earliest
-- landed copy of a message wins, and any copy landed earlier is already in the table.
{%- if is_incremental() %}
    {%- set built_until = watermark_literal(this, '_loaded_at') %}
{%- endif %}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='message_id',
        on_schema_change='append_new_columns',
    )
}}

with

first_landed_conversations as (

    -- the same conversation dedupe as stg_conversations__conversations
    {{ first_landed_copies(source('conversations', 'conversations'), ['conversationId']) }}

),

conversations_to_parse as (

    select * from first_landed_conversations
    {%- if is_incremental() %}
    where _loaded_at > {{ built_until }}
    {%- endif %}

),

conversation_message_lists as (

    select
        conversationId as conversation_id,
        customerId as end_customer_id,
        {{ json_array_elements('messages') }} as message_jsons,
        _file,
        _line,
        _loaded_at
    from conversations_to_parse

),

conversation_messages as (

    -- one row per element of messages[]
    select
        conversation_id,
        end_customer_id,
        {{ unnest_with_position('message_jsons', 'message_json', 'message_index') }},
        _file,
        _line,
        _loaded_at
    from conversation_message_lists

),

parsed as (

    select
        {{ json_text('message_json', 'message_id') }} as message_id,
        conversation_id,
        end_customer_id,
        message_index,
        {{ json_text('message_json', 'sender') }} as sender,
        {{ parse_utc_timestamp(json_text('message_json', 'sent_at')) }} as sent_at,
        {{ try_cast(json_text('message_json', 'chars'), 'integer') }} as char_count,
        _file,
        _line,
        _loaded_at
    from conversation_messages

),

messages_ranked as (

    select
        *,
        row_number() over (
            partition by message_id
            order by _loaded_at, _file, _line, message_index
        ) as landed_copy_number
    from parsed

),

final as (

    select
        message_id,
        conversation_id,
        end_customer_id,
        message_index,
        sender,
        sent_at,
        char_count,
        _file,
        _line,
        _loaded_at
    from messages_ranked
    where landed_copy_number = 1
    {%- if is_incremental() %}
      and not exists (
          select 1
          from {{ this }} as built
          where built.message_id is not distinct from messages_ranked.message_id
      )
    {%- endif %}

)

select * from final
