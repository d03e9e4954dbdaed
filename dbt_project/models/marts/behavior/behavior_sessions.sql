-- One row per behavior-tracking session (the app's own session_id, seed 001's
-- behavior_sessions) up to as_of. Device and browser come from the shared user-agent parser.
with

behavior_events as (

    select * from {{ ref('int_behavior_events_scored') }}

),

user_agents as (

    select * from {{ ref('int_user_agents_parsed') }}

),

session_events as (

    select
        *,
        row_number() over (
            partition by session_id
            order by occurred_at, event_id
        ) as event_number
    from behavior_events
    where session_id is not null

),

first_events as (

    select * from session_events
    where event_number = 1

),

session_tools as (

    select
        session_id,
        tool_id,
        count(*) as tool_events_count,
        min(occurred_at) as first_used_at
    from session_events
    where tool_id is not null
    group by session_id, tool_id

),

session_tools_ranked as (

    select
        *,
        row_number() over (
            partition by session_id
            order by tool_events_count desc, first_used_at, tool_id
        ) as usage_rank
    from session_tools

),

session_tool_lists as (

    select
        session_id,
        {{ ordered_array_agg('tool_id', ['first_used_at', 'tool_id']) }} as tools_accessed,
        count(*) as tools_count,
        max(case when usage_rank = 1 then tool_id end) as primary_tool
    from session_tools_ranked
    group by session_id

),

session_totals as (

    select
        session_id,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        count(*) as events_count,
        sum(case when event_type = 'export_action' then 1 else 0 end) as exports_generated,
        sum(case when event_type = 'resource_generation' then 1 else 0 end) as resources_created,
        sum(impact_points) as competency_points_earned,
        sum(case when business_impact = 'high' then 1 else 0 end) as high_impact_events_count,
        max(session_duration_seconds) as reported_duration_seconds
    from session_events
    group by session_id

),

session_user_agents_ranked as (

    select
        session_id,
        user_agent,
        row_number() over (
            partition by session_id
            order by occurred_at, event_id
        ) as user_agent_rank
    from session_events
    where user_agent is not null

),

session_user_agents as (

    select * from session_user_agents_ranked
    where user_agent_rank = 1

),

referrer_hosts as (

    select
        session_id,
        lower({{ dbt.split_part(dbt.split_part('referrer', "'://'", 2), "'/'", 1) }}) as referrer_host
    from first_events
    where referrer like '%://%'

),

final as (

    select
        session_totals.session_id,
        first_events.customer_id,
        first_events.customer_id as user_id,
        first_events.account_id,
        session_totals.started_at,
        session_totals.ended_at,
        {{ dbt.datediff('session_totals.started_at', 'session_totals.ended_at', 'second') }} as duration_seconds,
        session_totals.reported_duration_seconds,
        coalesce(session_tool_lists.tools_accessed, {{ empty_string_array() }}) as tools_accessed,
        coalesce(session_tool_lists.tools_count, 0) as tools_count,
        session_tool_lists.primary_tool,
        session_totals.events_count,
        cast(session_totals.exports_generated as {{ dbt.type_bigint() }}) as exports_generated,
        cast(session_totals.resources_created as {{ dbt.type_bigint() }}) as resources_created,
        cast(session_totals.competency_points_earned as {{ dbt.type_bigint() }}) as competency_points_earned,
        cast(session_totals.high_impact_events_count as {{ dbt.type_bigint() }}) as high_impact_events_count,
        user_agents.device_type,
        user_agents.browser_name as browser,
        user_agents.os_name,
        case
            when referrer_hosts.referrer_host is null or referrer_hosts.referrer_host = '' then 'direct'
            when referrer_hosts.referrer_host like 'www.%' then substr(referrer_hosts.referrer_host, 5)
            else referrer_hosts.referrer_host
        end as referrer_source
    from session_totals
    inner join first_events
        on session_totals.session_id = first_events.session_id
    left join session_tool_lists
        on session_totals.session_id = session_tool_lists.session_id
    left join referrer_hosts
        on session_totals.session_id = referrer_hosts.session_id
    left join session_user_agents
        on session_totals.session_id = session_user_agents.session_id
    left join user_agents
        on session_user_agents.user_agent = user_agents.user_agent

)

select * from final
