{%- set window_days = var('engagement_window_days') | int -%}
{#- a day in a window ending in week w lies at most this many weeks before w -#}
{%- set max_week_offset = (window_days + 5) // 7 -%}
-- One row per (staff user, ISO week) from the user's first active week through the as_of
-- week, with the engagement inputs that do not come from sessions: distinct features and
-- support tickets in the `engagement_window_days` days ending at the week's scoring day, and
-- the login streak counted back from that day. A week is scored through its Sunday, the
-- current week through as_of's day (`scored_through_date`).
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
        least({{ add_days('weeks.week_start', 6) }}, cast({{ as_of() }} as date)) as scored_through_date
    from active_users
    inner join weeks
        on weeks.week_start >= active_users.first_week_start

),

user_weeks_windowed as (

    select
        *,
        {{ add_days('scored_through_date', 1 - window_days) }} as window_start_date
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
        feature_days.usage_date,
        {{ add_days(iso_week_start('feature_days.usage_date'), '7 * week_offsets.week_offset') }} as week_start
    from feature_days
    cross join week_offsets

),

window_features as (

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
    where feature_days_spread.usage_date >= user_weeks_windowed.window_start_date
      and feature_days_spread.usage_date <= user_weeks_windowed.scored_through_date
    group by user_weeks_windowed.user_id, user_weeks_windowed.week_start

),

ticket_days_spread as (

    select
        user_days.user_id,
        user_days.activity_date,
        user_days.support_tickets_count,
        {{ add_days(iso_week_start('user_days.activity_date'), '7 * week_offsets.week_offset') }} as week_start
    from user_days
    cross join week_offsets
    where user_days.support_tickets_count > 0

),

window_tickets as (

    select
        user_weeks_windowed.user_id,
        user_weeks_windowed.week_start,
        sum(ticket_days_spread.support_tickets_count) as support_tickets_count
    from user_weeks_windowed
    inner join ticket_days_spread
        on user_weeks_windowed.user_id = ticket_days_spread.user_id
        and user_weeks_windowed.week_start = ticket_days_spread.week_start
    where ticket_days_spread.activity_date >= user_weeks_windowed.window_start_date
      and ticket_days_spread.activity_date <= user_weeks_windowed.scored_through_date
    group by user_weeks_windowed.user_id, user_weeks_windowed.week_start

),

-- runs of consecutive days with a product event: a day minus its rank is constant in a run
product_days_numbered as (

    select
        user_id,
        activity_date,
        {{ add_days('activity_date', '-1 * row_number() over (partition by user_id order by activity_date)') }}
            as run_key
    from user_days
    where is_product_active

),

product_day_runs as (

    select
        user_id,
        activity_date,
        min(activity_date) over (partition by user_id, run_key) as run_start_date
    from product_days_numbered

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
        user_weeks_windowed.scored_through_date,
        user_weeks_windowed.window_start_date,
        coalesce(week_activity.active_days_count, 0) as active_days_count,
        coalesce(window_features.product_features_count, 0) as product_features_count,
        coalesce(window_features.behavior_tools_count, 0) as behavior_tools_count,
        coalesce(window_features.product_features_count, 0)
            + coalesce(window_features.behavior_tools_count, 0) as features_count,
        coalesce(window_tickets.support_tickets_count, 0) as support_tickets_28d,
        coalesce(
            {{ days_between('product_day_runs.run_start_date', 'user_weeks_windowed.scored_through_date') }} + 1,
            0
        ) as login_streak_days
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
    left join product_day_runs
        on user_weeks_windowed.user_id = product_day_runs.user_id
        and user_weeks_windowed.scored_through_date = product_day_runs.activity_date

)

select * from final
