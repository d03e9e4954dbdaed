-- Every product, behavior, widget and client_success event, deduplicated in staging, in one
-- schema. Events without an account of their own take their staff user's account (dim_users).
with

events as (

    select * from {{ ref('int_events_unioned') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

final as (

    select
        events.event_id,
        events.source,
        events.event_name,
        events.event_category,
        events.occurred_at,
        events.received_at,
        events.is_clock_skewed,
        coalesce(events.account_id, users.account_id) as account_id,
        events.user_id,
        events.anonymous_id,
        events.session_id,
        events.chatbot_id,
        events.properties,
        events.loaded_at
    from events
    left join users
        on events.user_id = users.user_id
        and events.source <> 'widget'  -- widget user ids are end customers

)

select * from final
