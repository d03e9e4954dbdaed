-- The moments client-success scores are measured at: one row per (client, ISO week) from the
-- client's first active week (the week of its first engagement event) through the week holding
-- as_of, with no gaps — every complete week measured at its end, the current week at as_of —
-- plus, for the current week, the previous week measured over the same elapsed span (what the
-- current week's score change compares with: docs/metrics.md, "Time rules").
-- Events after as_of are not seen.
with

clients as (

    select * from {{ ref('int_clients_resolved') }}

),

weeks as (

    {{ calendar_spine(
        '(select min(first_week_start) from clients)',
        iso_week_start(as_of()),
        step_days=7,
        column_name='week_start'
    ) }}

),

client_weeks as (

    select
        clients.client_id,
        clients.organization_id,
        weeks.week_start,
        weeks.week_start = clients.first_week_start as is_first_week,
        clients.first_week_start,
        clients.first_event_at,
        {{ is_complete_week('weeks.week_start') }} as is_complete_week,
        {{ week_days_elapsed('weeks.week_start') }} as days_elapsed
    from clients
    inner join weeks
        on weeks.week_start >= clients.first_week_start

),

evaluations as (

    select
        client_id,
        organization_id,
        week_start,
        'week' as evaluation,
        is_first_week,
        first_event_at,
        is_complete_week,
        days_elapsed
    from client_weeks

    union all

    -- the previous week over the current week's elapsed span, when the client was already
    -- active that week (a client's first week has nothing to compare with)
    select
        client_id,
        organization_id,
        {{ add_days('week_start', -7) }} as week_start,
        'previous_span' as evaluation,
        {{ add_days('week_start', -7) }} = first_week_start as is_first_week,
        first_event_at,
        false as is_complete_week,
        days_elapsed
    from client_weeks
    where not is_complete_week
        and week_start > first_week_start

),

final as (

    select
        client_id,
        organization_id,
        week_start,
        evaluation,
        {{ add_days('week_start', 6) }} as week_end_date,
        is_complete_week,
        evaluation = 'week' and not is_complete_week as is_current_week,
        -- a complete week ends before the next Monday 00:00; a partial span includes its end
        not is_complete_week as is_end_inclusive,
        is_first_week,
        first_event_at,
        days_elapsed,
        -- the span measured: [week_start, measured_at)
        {{ dbt.dateadd('second', 'cast(round(days_elapsed * 86400) as ' ~ dbt.type_bigint() ~ ')', 'cast(week_start as ' ~ dbt.type_timestamp() ~ ')') }}
            as measured_at
    from evaluations

)

select * from final
