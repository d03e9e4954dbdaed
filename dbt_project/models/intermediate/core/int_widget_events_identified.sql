-- Widget events with what their session payload, identify calls and the agents reference add:
-- the visitor (anonymous_id) and attribution of their session (referrer, UTM, user agent,
-- screen), the end-customer user_id the session was identified as, the account that owns the
-- chatbot. `loaded_at` is the latest landing time of the raw rows the event row is built from,
-- so an incremental run picks an event up again when its payload or identify lands late.
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
        widget_events._loaded_at,
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

)

select * from final
