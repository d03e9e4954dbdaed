-- Every product, behavior, widget and client_success event in one schema (the columns of
-- fct_events before the account fill-in and sessionization). Identity mapping:
-- behavior customer_id and client_success client_id are the staff user_id; organization_id is
-- the account_id. Incremental (it grows with events): a run keeps the rows landed since the last
-- build (loaded_at after the table's latest, a literal read at compile time) and replaces them by
-- event_key (a 128-bit hash of source and event_id). The literal reaches the raw scans through
-- the staging views (their dedupe is an anti-join, macros/staging/first_landed_copies.sql), so a
-- product, behavior or client_success branch reads only the new rows. A widget event's loaded_at
-- is the latest landing of its batch, session payload, identify and agent row, known only after
-- the joins: that branch reads the widget events raw retention keeps (90 days).
-- Rules: models/marts/web/_web__models.yml.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_key',
        on_schema_change='append_new_columns',
        post_hook=[
            "{{ delete_where(this, \"source = 'widget' and received_at < \" ~ retention_cutoff('widget_raw_events')) }}",
        ],
    )
}}

with

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

),

behavior_events as (

    select * from {{ ref('stg_behavior__events') }}

),

widget_events as (

    select * from {{ ref('int_widget_events_identified') }}

),

client_success_events as (

    select * from {{ ref('stg_client_success__events') }}

),

product_events_conformed as (

    select
        message_id as event_id,
        'product' as source,
        event_name,
        cast(null as {{ dbt.type_string() }}) as event_category,
        occurred_at,
        received_at,
        is_clock_skewed,
        account_id,
        user_id,
        anonymous_id,
        session_id as client_session_id,
        cast(null as {{ dbt.type_string() }}) as chatbot_id,
        cast(null as {{ dbt.type_string() }}) as page_url,
        page_path,
        page_title,
        nullif(referrer, '') as referrer,
        nullif(user_agent, '') as user_agent,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        {{ try_cast("regexp_extract(screen_resolution, '^([0-9]+)x', 1)", 'integer') }} as screen_width,
        {{ try_cast("regexp_extract(screen_resolution, 'x([0-9]+)$', 1)", 'integer') }} as screen_height,
        cast(null as {{ dbt.type_float() }}) as response_time_ms,
        properties,
        _loaded_at as loaded_at
    from product_tracks

),

behavior_events_conformed as (

    select
        event_id,
        'behavior' as source,
        event_type as event_name,
        cast(null as {{ dbt.type_string() }}) as event_category,
        occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as received_at,
        false as is_clock_skewed,
        cast(null as {{ dbt.type_string() }}) as account_id,
        customer_id as user_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        session_id as client_session_id,
        cast(null as {{ dbt.type_string() }}) as chatbot_id,
        cast(null as {{ dbt.type_string() }}) as page_url,
        cast(null as {{ dbt.type_string() }}) as page_path,
        cast(null as {{ dbt.type_string() }}) as page_title,
        nullif(referrer, '') as referrer,
        nullif(user_agent, '') as user_agent,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_int() }}) as screen_width,
        cast(null as {{ dbt.type_int() }}) as screen_height,
        cast(null as {{ dbt.type_float() }}) as response_time_ms,
        {{ json_object([
            ('tool_id', 'tool_id'),
            ('tool_section', 'tool_section'),
            ('business_impact', 'business_impact'),
            ('competency_area', 'competency_area'),
            ('growth_stage', 'growth_stage'),
            ('current_arr', 'current_arr'),
            ('target_arr', 'target_arr'),
            ('session_duration_ms', 'session_duration_ms'),
            ('time_on_page_ms', 'time_on_page_ms'),
            ('event_metadata', 'event_metadata', 'json'),
        ]) }} as properties,
        _loaded_at as loaded_at
    from behavior_events

),

widget_events_conformed as (

    select
        event_id,
        'widget' as source,
        event_name,
        event_category,
        occurred_at,
        received_at,
        is_clock_skewed,
        account_id,
        user_id,
        anonymous_id,
        session_id as client_session_id,
        chatbot_id,
        page_url,
        page_path,
        page_title,
        referrer,
        user_agent,
        utm_source,
        utm_medium,
        utm_campaign,
        screen_width,
        screen_height,
        response_time_ms,
        properties,
        loaded_at
    from widget_events

),

client_success_events_conformed as (

    select
        event_id,
        'client_success' as source,
        event_type as event_name,
        cast(null as {{ dbt.type_string() }}) as event_category,
        occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as received_at,
        false as is_clock_skewed,
        organization_id as account_id,
        client_id as user_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        session_id as client_session_id,
        cast(null as {{ dbt.type_string() }}) as chatbot_id,
        cast(null as {{ dbt.type_string() }}) as page_url,
        cast(null as {{ dbt.type_string() }}) as page_path,
        cast(null as {{ dbt.type_string() }}) as page_title,
        cast(null as {{ dbt.type_string() }}) as referrer,
        cast(null as {{ dbt.type_string() }}) as user_agent,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_int() }}) as screen_width,
        cast(null as {{ dbt.type_int() }}) as screen_height,
        cast(null as {{ dbt.type_float() }}) as response_time_ms,
        event_data as properties,
        _loaded_at as loaded_at
    from client_success_events

),

unioned as (

    select * from product_events_conformed
    union all
    select * from behavior_events_conformed
    union all
    select * from widget_events_conformed
    union all
    select * from client_success_events_conformed

),

final as (

    select
        {{ event_key('source', 'event_id') }} as event_key,
        *
    from unioned
    {% if is_incremental() %}
    where loaded_at > {{ watermark_literal(this, 'loaded_at') }}
    {% endif %}

)

select * from final
