-- Every place an end-customer id appears: conversations (customerId), widget visitors
-- (anonymous_id of sessions and events) and identified widget users (identify user_id).
-- One row per appearance, with the agent and channel it was seen on; of a visitor's widget
-- events only the earliest and the latest appearance (int_widget_visitor_events_aggregated,
-- incremental), which is all dim_end_customers reads of them: the first and last time seen,
-- and the chatbot of the latest.
with

conversations as (

    select * from {{ ref('stg_conversations__conversations') }}

),

widget_sessions as (

    select * from {{ ref('stg_widget__sessions') }}

),

widget_visitor_events as (

    select * from {{ ref('int_widget_visitor_events_aggregated') }}

),

widget_identifies as (

    select * from {{ ref('stg_widget__identifies') }}

),

conversation_sightings as (

    select
        end_customer_id,
        'conversation_customer' as id_type,
        agent_id,
        platform,
        started_at as seen_at,
        'conversation' as seen_in
    from conversations
    where end_customer_id is not null

),

session_visitor_sightings as (

    select
        anonymous_id as end_customer_id,
        'widget_anonymous' as id_type,
        chatbot_id as agent_id,
        'web' as platform,
        created_at as seen_at,
        'widget_session' as seen_in
    from widget_sessions
    where anonymous_id is not null

),

first_event_visitor_sightings as (

    select
        anonymous_id as end_customer_id,
        'widget_anonymous' as id_type,
        latest_chatbot_id as agent_id,
        'web' as platform,
        first_seen_at as seen_at,
        'widget_event' as seen_in
    from widget_visitor_events

),

latest_event_visitor_sightings as (

    select
        anonymous_id as end_customer_id,
        'widget_anonymous' as id_type,
        latest_chatbot_id as agent_id,
        'web' as platform,
        last_seen_at as seen_at,
        'widget_event' as seen_in
    from widget_visitor_events

),

identify_sightings as (

    select
        widget_identifies.user_id as end_customer_id,
        'widget_user' as id_type,
        widget_sessions.chatbot_id as agent_id,
        'web' as platform,
        widget_identifies.identified_at as seen_at,
        'widget_identify' as seen_in
    from widget_identifies
    left join widget_sessions
        on widget_identifies.session_id = widget_sessions.session_id
    where widget_identifies.user_id is not null

),

final as (

    select * from conversation_sightings
    union all
    select * from session_visitor_sightings
    union all
    select * from first_event_visitor_sightings
    union all
    select * from latest_event_visitor_sightings
    union all
    select * from identify_sightings

)

select * from final
