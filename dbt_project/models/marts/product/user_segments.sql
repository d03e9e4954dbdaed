{%- set weeks = var('segment_user_weeks') | int -%}
-- One row per staff user known at as_of, with a rule-based segment as of as_of (first match):
-- dormant (no product activity in the `segment_user_dormant_after_days` days ending at as_of),
-- power (mean engagement of the last `segment_user_weeks` complete weeks >= power minimum),
-- active (>= active minimum), else casual. The mean is over the weeks the user had a row in
-- (a user who started two weeks ago is judged on those two). docs/metrics.md, "User segments".
with

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

user_days as (

    select * from {{ ref('int_product_user_days_aggregated') }}

),

engagement_scores as (

    select * from {{ ref('user_engagement_scores') }}

),

last_complete_weeks as (

    select
        user_id,
        avg(cast(engagement_score as decimal(18, 2))) as segment_engagement_score,
        count(*) as segment_weeks_count,
        max(case when week_start = {{ add_days(iso_week_start(as_of()), -7) }} then engagement_score end)
            as last_week_engagement_score
    from engagement_scores
    where is_complete_week
      and week_start >= {{ add_days(iso_week_start(as_of()), -7 * weeks) }}
    group by user_id

),

current_weeks as (

    select * from engagement_scores
    where not is_complete_week

),

last_product_activity as (

    select
        user_id,
        max(last_product_event_at) as last_product_event_at
    from user_days
    where is_product_active
    group by user_id

),

users_scored as (

    select
        users.user_id,
        users.account_id,
        users.first_activity_date,
        users.last_activity_date,
        {{ whole_days_between('users.last_activity_at', as_of()) }} as days_since_last_activity,
        last_product_activity.last_product_event_at,
        coalesce(
            last_product_activity.last_product_event_at
                > {{ window_start(as_of(), var('segment_user_dormant_after_days')) }},
            false
        ) as is_product_active_recently,
        round(cast(coalesce(last_complete_weeks.segment_engagement_score, 0) as double), 2)
            as segment_engagement_score,
        coalesce(last_complete_weeks.segment_weeks_count, 0) as segment_weeks_count,
        last_complete_weeks.last_week_engagement_score,
        current_weeks.engagement_score as current_week_engagement_score,
        current_weeks.sessions_count as current_week_sessions_count,
        current_weeks.features_count as current_week_features_count,
        current_weeks.login_streak_days as current_week_login_streak_days
    from users
    left join last_complete_weeks
        on users.user_id = last_complete_weeks.user_id
    left join current_weeks
        on users.user_id = current_weeks.user_id
    left join last_product_activity
        on users.user_id = last_product_activity.user_id

),

final as (

    select
        user_id,
        account_id,
        cast({{ as_of() }} as date) as as_of_date,
        case
            when not is_product_active_recently then 'dormant'
            when segment_engagement_score >= {{ var('segment_user_power_min_score') }} then 'power'
            when segment_engagement_score >= {{ var('segment_user_active_min_score') }} then 'active'
            else 'casual'
        end as user_segment,
        segment_engagement_score,
        cast(segment_weeks_count as {{ dbt.type_bigint() }}) as segment_weeks_count,
        -- the current (partial) week, for display
        current_week_engagement_score as engagement_score,
        last_week_engagement_score as previous_week_engagement_score,
        cast(current_week_sessions_count as {{ dbt.type_bigint() }}) as sessions_count,
        cast(current_week_features_count as {{ dbt.type_bigint() }}) as features_count,
        cast(current_week_login_streak_days as {{ dbt.type_bigint() }}) as login_streak_days,
        first_activity_date,
        last_activity_date,
        last_product_event_at,
        days_since_last_activity
    from users_scored

)

select * from final
