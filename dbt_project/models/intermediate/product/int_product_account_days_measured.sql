{%- set window_days = var('health_window_days') | int -%}
-- One row per (account, UTC day) from the account's first activity day (the first product or
-- behavior event of one of its users) through as_of's day, each day measured as of its end
-- (as_of's day as of as_of): the inputs of account_health that do not come from engagement
-- scores. Rolling windows are the `health_window_days` days ending that day. Distinct counts
-- over a window (users, features) come from coverage runs: a use on day d covers the days
-- d .. d + window - 1, overlapping covers of one user (feature) are merged, and a running sum
-- of +1 at a run's start and -1 after its end counts the users (features) covering each day.
with

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

user_days as (

    select * from {{ ref('int_product_user_days_aggregated') }}

),

feature_days as (

    select * from {{ ref('int_product_feature_days_aggregated') }}

),

account_traits as (

    select * from {{ ref('int_product_account_traits_historized') }}

),

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

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
        days.health_date
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
    group by 1, 2

),

-- active users in the window: coverage runs per user
user_days_flagged as (

    select
        account_id,
        user_id,
        activity_date,
        case
            when lag(activity_date) over (partition by user_id order by activity_date) is null then 1
            when {{ days_between('lag(activity_date) over (partition by user_id order by activity_date)', 'activity_date') }}
                > {{ window_days }} then 1
            else 0
        end as is_run_start
    from account_user_days

),

user_days_runs as (

    select
        *,
        sum(is_run_start) over (
            partition by user_id
            order by activity_date
            rows between unbounded preceding and current row
        ) as run_number
    from user_days_flagged

),

user_runs as (

    select
        account_id,
        user_id,
        min(activity_date) as run_start_date,
        {{ add_days('max(activity_date)', window_days) }} as run_end_exclusive_date
    from user_days_runs
    group by account_id, user_id, run_number

),

active_user_deltas as (

    select account_id, delta_date, sum(delta) as active_users_delta
    from (
        select account_id, run_start_date as delta_date, 1 as delta from user_runs
        union all
        select account_id, run_end_exclusive_date as delta_date, -1 as delta from user_runs
    ) as run_edges
    group by account_id, delta_date

),

-- distinct features in the window: coverage runs per (account, feature)
account_feature_days as (

    select distinct
        account_id,
        feature_source,
        feature_name,
        usage_date
    from feature_days
    where account_id is not null

),

feature_days_flagged as (

    select
        *,
        case
            when lag(usage_date) over (
                partition by account_id, feature_source, feature_name order by usage_date
            ) is null then 1
            when {{ days_between(
                'lag(usage_date) over (partition by account_id, feature_source, feature_name order by usage_date)',
                'usage_date'
            ) }} > {{ window_days }} then 1
            else 0
        end as is_run_start
    from account_feature_days

),

feature_days_runs as (

    select
        *,
        sum(is_run_start) over (
            partition by account_id, feature_source, feature_name
            order by usage_date
            rows between unbounded preceding and current row
        ) as run_number
    from feature_days_flagged

),

feature_runs as (

    select
        account_id,
        min(usage_date) as run_start_date,
        {{ add_days('max(usage_date)', window_days) }} as run_end_exclusive_date
    from feature_days_runs
    group by account_id, feature_source, feature_name, run_number

),

feature_deltas as (

    select account_id, delta_date, sum(delta) as features_delta
    from (
        select account_id, run_start_date as delta_date, 1 as delta from feature_runs
        union all
        select account_id, run_end_exclusive_date as delta_date, -1 as delta from feature_runs
    ) as run_edges
    group by account_id, delta_date

),

-- a ticket belongs to its user's account, else to the account the event carries
ticket_days as (

    select
        coalesce(users.account_id, product_tracks.account_id) as account_id,
        cast(product_tracks.occurred_at as date) as ticket_date,
        count(*) as tickets_count
    from product_tracks
    left join users
        on product_tracks.user_id = users.user_id
    where product_tracks.event_name = 'support_ticket_created'
      and product_tracks.occurred_at <= {{ as_of() }}
    group by 1, 2

),

activity_days as (

    select
        account_id,
        activity_date,
        count(*) as active_users_count
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
        account_days.first_activity_date,
        coalesce(activity_days.active_users_count, 0) as active_users_count,
        coalesce(ticket_days.tickets_count, 0) as tickets_count,
        coalesce(user_known_deltas.users_delta, 0) as users_delta,
        coalesce(active_user_deltas.active_users_delta, 0) as active_users_delta,
        coalesce(feature_deltas.features_delta, 0) as features_delta,
        case when activity_days.account_id is not null then account_days.health_date end as activity_date,
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
        first_activity_date,
        active_users_count,
        sum(users_delta) over account_history as users_known_count,
        sum(active_users_delta) over account_history as active_users_30d,
        sum(features_delta) over account_history as features_30d,
        sum(tickets_count) over (
            partition by account_id
            order by health_date
            rows between {{ window_days - 1 }} preceding and current row
        ) as support_tickets_30d,
        max(activity_date) over account_history as last_activity_date,
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
        account_id,
        health_date,
        first_activity_date,
        subscription_status,
        plan_tier,
        account_type,
        mrr,
        total_users as reported_total_users,
        users_known_count,
        greatest(coalesce(total_users, 0), users_known_count) as total_users,
        active_users_count,
        active_users_30d,
        features_30d,
        support_tickets_30d,
        last_activity_date,
        {{ days_between('last_activity_date', 'health_date') }} as days_since_last_activity
    from account_days_rolled

)

select * from final
