-- Every place an agent id appears: the reference table, widget events and sessions (chatbot_id)
-- and conversations (agentId). One row per appearance. Widget events are read from
-- int_events_unioned (built, incremental) rather than from the raw batches again, so a run
-- does not re-parse the whole widget history; an event's agent is its own chatbot_id, else
-- its session's.
with

agents as (

    select * from {{ ref('stg_reference__agents') }}

),

widget_events as (

    select * from {{ ref('int_events_unioned') }}
    where source = 'widget'

),

widget_sessions as (

    select * from {{ ref('stg_widget__sessions') }}

),

conversations as (

    select * from {{ ref('stg_conversations__conversations') }}

),

reference_sightings as (

    select
        agent_id,
        created_at as seen_at,
        'reference_agent' as seen_in
    from agents

),

widget_event_sightings as (

    select
        chatbot_id as agent_id,
        occurred_at as seen_at,
        'widget_event' as seen_in
    from widget_events
    where chatbot_id is not null

),

widget_session_sightings as (

    select
        chatbot_id as agent_id,
        created_at as seen_at,
        'widget_session' as seen_in
    from widget_sessions
    where chatbot_id is not null

),

conversation_sightings as (

    select
        agent_id,
        started_at as seen_at,
        'conversation' as seen_in
    from conversations
    where agent_id is not null

),

final as (

    select * from reference_sightings
    union all
    select * from widget_event_sightings
    union all
    select * from widget_session_sightings
    union all
    select * from conversation_sightings

)

select * from final
