-- Incremental: a run stages only the rows landed since the last build that have no earlier
-- landed copy (doc stg_incremental_table, models/staging/_staging__docs.md).
{%- if is_incremental() %}
    {%- set built_until = watermark_literal(this, '_loaded_at') %}
{%- endif %}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_id',
        on_schema_change='append_new_columns',
    )
}}

with

first_landed_events as (

    {{ first_landed_copies(source('client_success', 'events'), ['id']) }}

),

events_landed_since as (

    select * from first_landed_events
    {%- if is_incremental() %}
    where _loaded_at > {{ built_until }}
    {%- endif %}

),

final as (

    select
        id as event_id,
        client_id,
        organization_id,
        session_id,
        event_type,
        created_at as occurred_at,
        duration_seconds,
        -- feedback_given carries a 1-5 score
        {{ try_cast(json_text('event_data', 'score'), 'double') }} as feedback_score,
        event_data,
        _file,
        _line,
        _loaded_at
    from events_landed_since

)

select * from final
