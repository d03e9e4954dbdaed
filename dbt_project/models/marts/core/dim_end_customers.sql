with

end_customer_sightings as (

    select * from {{ ref('int_end_customer_sightings_unioned') }}

),

widget_visitors as (

    select * from {{ ref('int_widget_visitors_identified') }}

),

widget_identifies as (

    select * from {{ ref('stg_widget__identifies') }}

),

identifies_ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by identified_at desc nulls last, _loaded_at desc, _file desc, _line desc
        ) as recency_rank
    from widget_identifies
    where user_id is not null

),

latest_identifies as (

    select * from identifies_ranked
    where recency_rank = 1

),

end_customer_activity as (

    select
        end_customer_id,
        max(case when id_type = 'conversation_customer' then 1 else 0 end) = 1 as is_conversation_customer,
        max(case when id_type = 'widget_anonymous' then 1 else 0 end) = 1 as is_widget_visitor,
        max(case when id_type = 'widget_user' then 1 else 0 end) = 1 as is_identified_widget_user,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        count(case when seen_in = 'conversation' then 1 end) as conversations_count,
        count(case when seen_in = 'widget_session' then 1 end) as widget_sessions_count
    from end_customer_sightings
    group by end_customer_id

),

last_sightings as (

    -- the sightings at each end customer's latest seen_at (all of them when none has a time):
    -- a join on the aggregate above instead of ranking every sighting of the history
    select end_customer_sightings.*
    from end_customer_sightings
    inner join end_customer_activity
        on end_customer_sightings.end_customer_id = end_customer_activity.end_customer_id
        and end_customer_sightings.seen_at is not distinct from end_customer_activity.last_seen_at

),

last_sightings_ranked as (

    select
        *,
        row_number() over (
            partition by end_customer_id
            order by seen_in, agent_id
        ) as tie_rank
    from last_sightings

),

latest_sightings as (

    -- the latest sighting: latest seen_at (nulls last), then seen_in, then agent_id
    select * from last_sightings_ranked
    where tie_rank = 1

),

final as (

    select
        end_customer_activity.end_customer_id,
        end_customer_activity.is_conversation_customer,
        end_customer_activity.is_widget_visitor,
        end_customer_activity.is_identified_widget_user,
        widget_visitors.identified_user_id,
        latest_identifies.metadata_plan as plan,
        latest_identifies.metadata_signup_date as signup_date,
        coalesce(latest_identifies.identified_at, widget_visitors.last_identified_at) as last_identified_at,
        latest_sightings.agent_id as latest_agent_id,
        latest_sightings.platform as latest_platform,
        end_customer_activity.first_seen_at,
        end_customer_activity.last_seen_at,
        end_customer_activity.conversations_count,
        end_customer_activity.widget_sessions_count
    from end_customer_activity
    left join widget_visitors
        on end_customer_activity.end_customer_id = widget_visitors.anonymous_id
    left join latest_identifies
        on end_customer_activity.end_customer_id = latest_identifies.user_id
    left join latest_sightings
        on end_customer_activity.end_customer_id = latest_sightings.end_customer_id

)

select * from final
