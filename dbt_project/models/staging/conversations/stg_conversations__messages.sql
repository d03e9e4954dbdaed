with

first_landed_conversations as (

    -- the same conversation dedupe as stg_conversations__conversations
    {{ first_landed_copies(source('conversations', 'conversations'), ['conversationId']) }}

),

conversation_message_lists as (

    select
        conversationId as conversation_id,
        {{ json_array_elements('messages') }} as message_jsons,
        _file,
        _line,
        _loaded_at
    from first_landed_conversations

),

conversation_messages as (

    -- one row per element of messages[]
    select
        conversation_id,
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
        message_index,
        sender,
        sent_at,
        char_count,
        _file,
        _line,
        _loaded_at
    from messages_ranked
    where landed_copy_number = 1

)

select * from final
