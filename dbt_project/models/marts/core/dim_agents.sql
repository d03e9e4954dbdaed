with

agent_sightings as (

    select * from {{ ref('int_agent_sightings_unioned') }}

),

agents as (

    select * from {{ ref('stg_reference__agents') }}

),

agent_activity as (

    select
        agent_id,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        count(case when seen_in = 'widget_session' then 1 end) as widget_sessions_count,
        count(case when seen_in = 'conversation' then 1 end) as conversations_count
    from agent_sightings
    group by agent_id

),

final as (

    select
        agent_activity.agent_id,
        agents.account_id,
        agents.agent_id is not null as is_registered,
        agents.agent_name,
        agents.created_at,
        agent_activity.first_seen_at,
        agent_activity.last_seen_at,
        agent_activity.widget_sessions_count,
        agent_activity.conversations_count
    from agent_activity
    left join agents
        on agent_activity.agent_id = agents.agent_id

)

select * from final
