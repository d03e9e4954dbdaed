-- Widget events with the visitor (anonymous_id) of their session, the end-customer user_id the
-- session was identified as, and the account that owns the chatbot.
with

widget_events as (

    select * from {{ ref('stg_widget__events') }}

),

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
        user_id
    from session_identifies_ranked
    where recency_rank = 1

),

final as (

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
        widget_events.page_title,
        widget_events.properties,
        widget_events._loaded_at
    from widget_events
    left join widget_sessions
        on widget_events.session_id = widget_sessions.session_id
    left join session_identities
        on widget_events.session_id = session_identities.session_id
    left join agents
        on coalesce(widget_events.chatbot_id, widget_sessions.chatbot_id) = agents.agent_id

)

select * from final
