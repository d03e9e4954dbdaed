-- One row per client (staff user) with a client-success engagement event at or before as_of:
-- its organization — the one on its latest event — and its first event. What the client
-- weeks, the momentum alerts and the engagement heatmap attribute a client by.
-- Events after as_of are not seen.
with

engagement_events as (

    select * from {{ ref('stg_client_success__events') }}

),

events_as_of as (

    select
        event_id,
        client_id,
        organization_id,
        occurred_at
    from engagement_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}

),

client_first_events as (

    select
        client_id,
        min(occurred_at) as first_event_at
    from events_as_of
    group by client_id

),

organizations_ranked as (

    select
        client_id,
        organization_id,
        row_number() over (
            partition by client_id
            order by occurred_at desc, event_id desc
        ) as recency_rank
    from events_as_of
    where organization_id is not null

),

latest_organizations as (

    select
        client_id,
        organization_id
    from organizations_ranked
    where recency_rank = 1

),

final as (

    select
        client_first_events.client_id,
        latest_organizations.organization_id,
        client_first_events.first_event_at,
        {{ iso_week_start('client_first_events.first_event_at') }} as first_week_start
    from client_first_events
    left join latest_organizations
        on client_first_events.client_id = latest_organizations.client_id

)

select * from final
