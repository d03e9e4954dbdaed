-- Every product, behavior, widget and client_success event in one schema (the columns of
-- fct_events before the account fill-in and sessionization). Identity mapping:
-- behavior customer_id and client_success client_id are the staff user_id; organization_id is
-- the account_id. A widget event gets what its session payload, identify calls and the agents
-- reference add: the visitor (anonymous_id) and attribution of its session (referrer, UTM, user
-- agent, screen), the end-customer user_id the session was last identified as, the account
-- owning the chatbot. Its loaded_at is the latest landing of the raw rows it is built from
-- (batch, session payload, identify, agent row).
--
-- Incremental (it grows with events): a run keeps the rows whose loaded_at is after the table's
-- latest (read at compile time and written in as a literal) and replaces them by event_key (a
-- 128-bit hash of source and event_id). The literal reaches the raw scans through the staging
-- views, whose dedupe is "no earlier copy" (macros/staging/first_landed_copies.sql), so the
-- product, behavior and client_success branches parse only the rows landed since. Widget
-- events are deduplicated after unnesting, so an incremental run builds them from two small
-- sets instead of the staging view: the copies in the batches landed since (the first of each
-- event_id, unless the event is already built: an earlier copy won), and the built events of
-- the sessions whose payload or identify, or of the chatbots whose agent row, landed since
-- (their event fields do not change; what the joins add is taken again). The same joins then
-- apply to both. Rules: models/marts/web/_web__models.yml.
-- depends_on: {{ ref('base_widget__event_copies') }}
{%- if is_incremental() %}
    {%- set built_until = watermark_literal(this, 'loaded_at') %}
{%- endif %}

{#- The event-level columns of a widget event, as stg_widget__events and its copies name them. -#}
{%- set widget_event_columns -%}
    event_id,
        event_name,
        event_category,
        occurred_at,
        received_at,
        is_clock_skewed,
        chatbot_id,
        session_id,
        page_url,
        page_title,
        properties,
        _loaded_at
{%- endset %}

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

{%- if is_incremental() %}

widget_copies_landed_since as (

    select * from {{ ref('base_widget__event_copies') }}
    where _loaded_at > {{ built_until }}

),

widget_copies_ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by _loaded_at, _file, _line, event_index
        ) as landed_copy_number
    from widget_copies_landed_since

),

widget_new_events as (

    -- first copies of events not built yet (a built event's first copy landed earlier)
    select
        {{ widget_event_columns }}
    from widget_copies_ranked
    where landed_copy_number = 1
      and not exists (
          select 1
          from {{ this }} as built
          where built.event_key = {{ event_key("'widget'", 'widget_copies_ranked.event_id') }}
      )

),

widget_sessions_landed_since as (

    select session_id from {{ ref('stg_widget__sessions') }}
    where _loaded_at > {{ built_until }}
    union
    select session_id from {{ ref('stg_widget__identifies') }}
    where _loaded_at > {{ built_until }}
      and session_id is not null

),

widget_agents_landed_since as (

    select agent_id from {{ ref('stg_reference__agents') }}
    where _loaded_at > {{ built_until }}

),

widget_built_events_to_rejoin as (

    -- chatbot_id is the batch's, else the session payload's: a payload is never replaced
    -- (its first landed copy wins), so the built value joins as the batch's would. The built
    -- loaded_at stands in for the batch's landing time: it is no earlier, and no later than
    -- the last build, so the greatest() below still picks what landed since
    select
        event_id,
        event_name,
        event_category,
        occurred_at,
        received_at,
        is_clock_skewed,
        chatbot_id,
        client_session_id as session_id,
        page_url,
        page_title,
        properties,
        loaded_at as _loaded_at
    from {{ this }}
    where source = 'widget'
      and (
          client_session_id in (select session_id from widget_sessions_landed_since)
          or chatbot_id in (select agent_id from widget_agents_landed_since)
      )

),

widget_events as (

    select * from widget_new_events
    union all
    select * from widget_built_events_to_rejoin

),

{%- else %}

widget_events as (

    select
        {{ widget_event_columns }}
    from {{ ref('stg_widget__events') }}

),

{%- endif %}

widget_sessions as (

    select * from {{ ref('stg_widget__sessions') }}

),

widget_identifies as (

    select * from {{ ref('stg_widget__identifies') }}

),

agents as (

    select * from {{ ref('stg_reference__agents') }}

),

session_identifies_ranked as (

    select
        session_id,
        user_id,
        _loaded_at,
        row_number() over (
            partition by session_id
            order by identified_at desc nulls last, _loaded_at desc, _file desc, _line desc
        ) as recency_rank
    from widget_identifies
    where session_id is not null
      and user_id is not null

),

session_identities as (

    -- the user id each session was last identified as
    select
        session_id,
        user_id,
        _loaded_at
    from session_identifies_ranked
    where recency_rank = 1

),

widget_events_identified as (

    select
        widget_events.event_id,
        widget_events.event_name,
        widget_events.event_category,
        widget_events.occurred_at,
        widget_events.received_at,
        widget_events.is_clock_skewed,
        coalesce(widget_events.chatbot_id, widget_sessions.chatbot_id) as chatbot_id,
        agents.account_id,
        widget_sessions.anonymous_id,
        session_identities.user_id,
        widget_events.session_id,
        widget_events.page_url,
        {{ url_path('coalesce(widget_events.page_url, widget_sessions.landing_page)') }} as page_path,
        widget_events.page_title,
        nullif(widget_sessions.referrer, '') as referrer,
        nullif(widget_sessions.utm_source, '') as utm_source,
        nullif(widget_sessions.utm_medium, '') as utm_medium,
        nullif(widget_sessions.utm_campaign, '') as utm_campaign,
        nullif(widget_sessions.user_agent, '') as user_agent,
        widget_sessions.screen_width,
        widget_sessions.screen_height,
        -- the bot's answer time a message_received event reports
        case
            when widget_events.event_name = 'message_received'
                then {{ try_cast(json_text('widget_events.properties', 'response_time_ms'), 'double') }}
        end as response_time_ms,
        widget_events.properties,
        greatest(
            widget_events._loaded_at,
            widget_sessions._loaded_at,
            session_identities._loaded_at,
            agents._loaded_at
        ) as loaded_at
    from widget_events
    left join widget_sessions
        on widget_events.session_id = widget_sessions.session_id
    left join session_identities
        on widget_events.session_id = session_identities.session_id
    left join agents
        on coalesce(widget_events.chatbot_id, widget_sessions.chatbot_id) = agents.agent_id

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
    from widget_events_identified

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
    where loaded_at > {{ built_until }}
    {% endif %}

)

select * from final
