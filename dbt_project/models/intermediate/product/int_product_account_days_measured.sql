{%- set window_days = var('health_window_days') | int -%}
-- One row per (account, UTC day) from the account's first activity day (the first event of one
-- of its users) through as_of's day: the inputs of account_health that do not come from
-- engagement scores, each day measured at its end (the next midnight), as_of's day at as_of.
-- Windows are the `health_window_days` days ending at that moment, (moment - N days, moment]
-- (docs/metrics.md, "Time rules"). For the days before as_of's day the moment is a midnight, so
-- a window is exactly the N dates ending that day and distinct counts come from coverage runs
-- (macros/windows/coverage.sql); as_of's own day is measured from the events' timestamps
-- (int_product_account_windows_at_as_of).
-- Its length: six per-day measures (deltas) joined onto one account-day spine and summed in one
-- window pass; they share the spine and the window, so they stay together.
-- A table, not a view like most intermediate models: its nine tests would each recompute it
-- (a spine, windows and joins over the events) before its mart reads it.
{{ config(materialized='table') }}

with

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

user_days as (

    select * from {{ ref('int_product_user_days_aggregated') }}

),

tickets as (

    select * from {{ ref('int_product_support_tickets') }}

),

account_traits as (

    select * from {{ ref('int_product_account_traits_historized') }}

),

-- as_of's own day is measured from the events' timestamps, not from dates
as_of_windows as (

    select * from {{ ref('int_product_account_windows_at_as_of') }}

),

account_user_days as (

    select * from user_days
    where account_id is not null

),

account_first_days as (

    select
        account_id,
        min(activity_date) as first_activity_date
    from account_user_days
    group by account_id

),

days as (

    {{ calendar_spine(
        '(select min(first_activity_date) from account_first_days)',
        'cast(' ~ as_of() ~ ' as date)',
        column_name='health_date'
    ) }}

),

account_days as (

    select
        account_first_days.account_id,
        account_first_days.first_activity_date,
        days.health_date,
        days.health_date = cast({{ as_of() }} as date) as is_as_of_date,
        least(
            cast({{ add_days('days.health_date', 1) }} as {{ dbt.type_timestamp() }}),
            {{ as_of() }}
        ) as measured_at
    from account_first_days
    inner join days
        on days.health_date >= account_first_days.first_activity_date

),

-- users known by a day: users of the account first seen (event or identify) by then
user_known_deltas as (

    select
        users.account_id,
        greatest(users.first_seen_date, account_first_days.first_activity_date) as delta_date,
        count(*) as users_delta
    from users
    inner join account_first_days
        on users.account_id = account_first_days.account_id
    group by users.account_id, greatest(users.first_seen_date, account_first_days.first_activity_date)

),

active_user_deltas as (

    {{ window_coverage_deltas(ref('int_product_user_days_aggregated'), 'account_id', ['user_id'], 'activity_date', window_days) }}

),

feature_deltas as (

    {{ window_coverage_deltas(ref('int_product_feature_days_aggregated'), 'account_id', ['feature_source', 'feature_name'], 'usage_date', window_days) }}

),

ticket_days as (

    select
        account_id,
        cast(occurred_at as date) as ticket_date,
        count(*) as tickets_count
    from tickets
    where account_id is not null
    group by account_id, cast(occurred_at as date)

),

activity_days as (

    select
        account_id,
        activity_date,
        count(*) as active_users_count,
        max(last_event_at) as last_event_at
    from account_user_days
    group by account_id, activity_date

),

-- traits at the end of each identify day (identifies before the first activity day count on it)
trait_days_ranked as (

    select
        account_traits.*,
        greatest(cast(account_traits.valid_from as date), account_first_days.first_activity_date)
            as effective_date,
        row_number() over (
            partition by
                account_traits.account_id,
                greatest(cast(account_traits.valid_from as date), account_first_days.first_activity_date)
            order by account_traits.identify_number desc
        ) as day_rank
    from account_traits
    inner join account_first_days
        on account_traits.account_id = account_first_days.account_id

),

trait_days as (

    select * from trait_days_ranked
    where day_rank = 1

),

account_days_joined as (

    select
        account_days.account_id,
        account_days.health_date,
        account_days.is_as_of_date,
        account_days.measured_at,
        account_days.first_activity_date,
        coalesce(activity_days.active_users_count, 0) as active_users_count,
        activity_days.last_event_at,
        coalesce(ticket_days.tickets_count, 0) as tickets_count,
        coalesce(user_known_deltas.users_delta, 0) as users_delta,
        coalesce(active_user_deltas.delta, 0) as active_users_delta,
        coalesce(feature_deltas.delta, 0) as features_delta,
        trait_days.identify_number,
        trait_days.subscription_status,
        trait_days.plan_tier,
        trait_days.account_type,
        trait_days.total_users,
        trait_days.mrr
    from account_days
    left join activity_days
        on account_days.account_id = activity_days.account_id
        and account_days.health_date = activity_days.activity_date
    left join ticket_days
        on account_days.account_id = ticket_days.account_id
        and account_days.health_date = ticket_days.ticket_date
    left join user_known_deltas
        on account_days.account_id = user_known_deltas.account_id
        and account_days.health_date = user_known_deltas.delta_date
    left join active_user_deltas
        on account_days.account_id = active_user_deltas.account_id
        and account_days.health_date = active_user_deltas.delta_date
    left join feature_deltas
        on account_days.account_id = feature_deltas.account_id
        and account_days.health_date = feature_deltas.delta_date
    left join trait_days
        on account_days.account_id = trait_days.account_id
        and account_days.health_date = trait_days.effective_date

),

account_days_rolled as (

    select
        account_id,
        health_date,
        is_as_of_date,
        measured_at,
        first_activity_date,
        active_users_count,
        sum(users_delta) over account_history as users_known_count,
        sum(active_users_delta) over account_history as active_users_by_dates,
        sum(features_delta) over account_history as features_by_dates,
        sum(tickets_count) over (
            partition by account_id
            order by health_date
            rows between {{ window_days - 1 }} preceding and current row
        ) as tickets_by_dates,
        max(last_event_at) over account_history as last_activity_at,
        {%- for trait in ['subscription_status', 'plan_tier', 'account_type', 'total_users', 'mrr'] %}
        {{ last_value_ignore_nulls(trait) }} over account_history as {{ trait }}{{ ',' if not loop.last }}
        {%- endfor %}
    from account_days_joined
    window account_history as (
        partition by account_id
        order by health_date
        rows between unbounded preceding and current row
    )

),

final as (

    select
        account_days_rolled.account_id,
        account_days_rolled.health_date,
        account_days_rolled.is_as_of_date,
        account_days_rolled.measured_at,
        account_days_rolled.first_activity_date,
        account_days_rolled.subscription_status,
        account_days_rolled.plan_tier,
        account_days_rolled.account_type,
        account_days_rolled.mrr,
        account_days_rolled.total_users as reported_total_users,
        account_days_rolled.users_known_count,
        greatest(coalesce(account_days_rolled.total_users, 0), account_days_rolled.users_known_count) as total_users,
        account_days_rolled.active_users_count,
        case
            when account_days_rolled.is_as_of_date then coalesce(as_of_windows.active_users_in_window, 0)
            else account_days_rolled.active_users_by_dates
        end as active_users_30d,
        case
            when account_days_rolled.is_as_of_date then coalesce(as_of_windows.features_in_window, 0)
            else account_days_rolled.features_by_dates
        end as features_30d,
        case
            when account_days_rolled.is_as_of_date then coalesce(as_of_windows.tickets_in_window, 0)
            else account_days_rolled.tickets_by_dates
        end as support_tickets_30d,
        account_days_rolled.last_activity_at,
        cast(account_days_rolled.last_activity_at as date) as last_activity_date,
        {{ whole_days_between('account_days_rolled.last_activity_at', 'account_days_rolled.measured_at') }}
            as days_since_last_activity
    from account_days_rolled
    left join as_of_windows
        on account_days_rolled.account_id = as_of_windows.account_id
        and account_days_rolled.is_as_of_date

)

select * from final
