-- One row per (client, ISO week) from the client's first active week (the week of its first
-- engagement event) through the week holding as_of. Events after as_of are not seen.
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

client_first_weeks as (

    select
        client_id,
        cast({{ dbt.date_trunc('week', 'min(occurred_at)') }} as date) as first_week_start,
        min(occurred_at) as first_event_at
    from events_as_of
    group by client_id

),

organizations_ranked as (

    -- a client's organization: the one on its latest event (as of as_of)
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

client_organizations as (

    select
        client_id,
        organization_id
    from organizations_ranked
    where recency_rank = 1

),

weeks as (

    {{ calendar_spine(
        '(select min(first_week_start) from client_first_weeks)',
        dbt.date_trunc('week', as_of()),
        step_days=7,
        column_name='week_start'
    ) }}

),

final as (

    select
        client_first_weeks.client_id,
        client_organizations.organization_id,
        weeks.week_start,
        cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} as date) as week_end_date,
        -- the moment the week is scored at: its end (next Monday 00:00), the current week as_of
        case
            when cast({{ dbt.dateadd('day', 7, 'weeks.week_start') }} as timestamp) < {{ as_of() }}
                then cast({{ dbt.dateadd('day', 7, 'weeks.week_start') }} as timestamp)
            else {{ as_of() }}
        end as scored_at,
        weeks.week_start = cast({{ dbt.date_trunc('week', as_of()) }} as date) as is_current_week,
        weeks.week_start = client_first_weeks.first_week_start as is_first_week,
        client_first_weeks.first_event_at
    from client_first_weeks
    inner join weeks
        on weeks.week_start >= client_first_weeks.first_week_start
    left join client_organizations
        on client_first_weeks.client_id = client_organizations.client_id

)

select * from final
