{%- set window_days = var('engagement_window_days') | int -%}
{#- a day in a window ending in week w lies at most this many weeks before w -#}
{%- set max_week_offset = (window_days + 6) // 7 + 1 -%}
-- One row per (staff user, ISO week) from the user's first active week through the as_of
-- week, with the engagement inputs that do not come from sessions (docs/metrics.md,
-- "Engagement"): distinct features and support tickets in the `engagement_window_days` days
-- ending at the week's measuring moment (the next Monday 00:00; as_of for the current week),
-- and the login streak — the longest run of consecutive days with a product event within the
-- week (its elapsed part for the current week).
-- Its length: the feature window, the ticket window and the streak are three measures over
-- one user-week spine, so they stay together. A table, not a view like most intermediate
-- models: its five tests would each recompute it (spine, windows, joins over the events).
{{ config(materialized='table') }}

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

tickets as (

    select * from {{ ref('int_product_support_tickets') }}

),

active_users as (

    select
        user_id,
        account_id,
        {{ iso_week_start('first_activity_date') }} as first_week_start
    from users
    where first_activity_date is not null

),

weeks as (

    {{ calendar_spine(
        '(select min(first_week_start) from active_users)',
        iso_week_start(as_of()),
        step_days=7,
        column_name='week_start'
    ) }}

),

user_weeks as (

    select
        active_users.user_id,
        active_users.account_id,
        weeks.week_start,
        {{ add_days('weeks.week_start', 6) }} as week_end_date,
        {{ is_complete_week('weeks.week_start') }} as is_complete_week,
        {{ week_measured_at('weeks.week_start') }} as measured_at,
        {{ week_days_elapsed('weeks.week_start') }} as days_elapsed
    from active_users
    inner join weeks
        on weeks.week_start >= active_users.first_week_start

),

user_weeks_windowed as (

    select
        *,
        {{ window_start('measured_at', window_days) }} as window_start_at
    from user_weeks

),

-- each dated row can only fall in the window of its own week or of the next few weeks:
-- spread it over those weeks so the window join is an equi-join on (user, week)
week_offsets as (

    {% for offset in range(max_week_offset + 1) -%}
    select {{ offset }} as week_offset
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

),

feature_days_spread as (

    select
        feature_days.user_id,
        feature_days.feature_source,
        feature_days.feature_name,
        feature_days.first_used_at,
        feature_days.last_used_at,
        {{ add_days(iso_week_start('feature_days.usage_date'), '7 * week_offsets.week_offset') }} as week_start
    from feature_days
    cross join week_offsets

),

window_features as (

    -- a feature counts when it was used in (window start, measured_at]
    select
        user_weeks_windowed.user_id,
        user_weeks_windowed.week_start,
        count(distinct case when feature_days_spread.feature_source = 'product_feature'
            then feature_days_spread.feature_name end) as product_features_count,
        count(distinct case when feature_days_spread.feature_source = 'behavior_tool'
            then feature_days_spread.feature_name end) as behavior_tools_count
    from user_weeks_windowed
    inner join feature_days_spread
        on user_weeks_windowed.user_id = feature_days_spread.user_id
        and user_weeks_windowed.week_start = feature_days_spread.week_start
    where feature_days_spread.last_used_at > user_weeks_windowed.window_start_at
      and feature_days_spread.first_used_at <= user_weeks_windowed.measured_at
    group by user_weeks_windowed.user_id, user_weeks_windowed.week_start

),

tickets_spread as (

    select
        tickets.user_id,
        tickets.occurred_at,
        {{ add_days(iso_week_start('tickets.occurred_at'), '7 * week_offsets.week_offset') }} as week_start
    from tickets
    cross join week_offsets
    where tickets.user_id is not null

),

window_tickets as (

    select
        user_weeks_windowed.user_id,
        user_weeks_windowed.week_start,
        count(*) as support_tickets_count
    from user_weeks_windowed
    inner join tickets_spread
        on user_weeks_windowed.user_id = tickets_spread.user_id
        and user_weeks_windowed.week_start = tickets_spread.week_start
    where tickets_spread.occurred_at > user_weeks_windowed.window_start_at
      and tickets_spread.occurred_at <= user_weeks_windowed.measured_at
    group by user_weeks_windowed.user_id, user_weeks_windowed.week_start

),

-- runs of consecutive days with a product event inside one week: a day minus its rank in the
-- week is constant along a run
product_days_numbered as (

    select
        user_id,
        {{ iso_week_start('activity_date') }} as week_start,
        activity_date,
        {{ add_days(
            'activity_date',
            '-1 * row_number() over (partition by user_id, ' ~ iso_week_start('activity_date') ~ ' order by activity_date)'
        ) }} as run_key
    from user_days
    where is_product_active

),

week_runs as (

    select
        user_id,
        week_start,
        run_key,
        count(*) as run_days
    from product_days_numbered
    group by user_id, week_start, run_key

),

week_streaks as (

    select
        user_id,
        week_start,
        max(run_days) as longest_run_days
    from week_runs
    group by user_id, week_start

),

week_activity as (

    select
        user_weeks.user_id,
        user_weeks.week_start,
        count(*) as active_days_count
    from user_weeks
    inner join user_days
        on user_weeks.user_id = user_days.user_id
        and user_weeks.week_start = {{ iso_week_start('user_days.activity_date') }}
    group by user_weeks.user_id, user_weeks.week_start

),

final as (

    select
        user_weeks_windowed.user_id,
        user_weeks_windowed.account_id,
        user_weeks_windowed.week_start,
        user_weeks_windowed.week_end_date,
        user_weeks_windowed.is_complete_week,
        user_weeks_windowed.measured_at,
        user_weeks_windowed.days_elapsed,
        user_weeks_windowed.window_start_at,
        coalesce(week_activity.active_days_count, 0) as active_days_count,
        coalesce(window_features.product_features_count, 0) as product_features_count,
        coalesce(window_features.behavior_tools_count, 0) as behavior_tools_count,
        coalesce(window_features.product_features_count, 0)
            + coalesce(window_features.behavior_tools_count, 0) as features_count,
        coalesce(window_tickets.support_tickets_count, 0) as support_tickets_28d,
        coalesce(week_streaks.longest_run_days, 0) as login_streak_days,
        -- a working week; for a partial week the days it has had so far (at least one)
        case
            when user_weeks_windowed.is_complete_week then {{ var('engagement_streak_target_days') }}
            else greatest(1, least(
                {{ var('engagement_streak_target_days') }},
                cast(floor(user_weeks_windowed.days_elapsed) as {{ dbt.type_bigint() }})
            ))
        end as streak_target_days
    from user_weeks_windowed
    left join window_features
        on user_weeks_windowed.user_id = window_features.user_id
        and user_weeks_windowed.week_start = window_features.week_start
    left join window_tickets
        on user_weeks_windowed.user_id = window_tickets.user_id
        and user_weeks_windowed.week_start = window_tickets.week_start
    left join week_activity
        on user_weeks_windowed.user_id = week_activity.user_id
        and user_weeks_windowed.week_start = week_activity.week_start
    left join week_streaks
        on user_weeks_windowed.user_id = week_streaks.user_id
        and user_weeks_windowed.week_start = week_streaks.week_start

)

select * from final
