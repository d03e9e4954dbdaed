-- One row per staff user known at as_of (seen in a product or behavior event or an
-- identify_user call), with a rule-based segment as of as_of: dormant, power, active or
-- casual (first match; rules in _product__models.yml).
with

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

engagement_scores as (

    select * from {{ ref('user_engagement_scores') }}

),

current_weeks as (

    select * from engagement_scores
    where week_start = {{ iso_week_start(as_of()) }}

),

previous_weeks as (

    select * from engagement_scores
    where week_start = {{ add_days(iso_week_start(as_of()), -7) }}

),

users_scored as (

    select
        users.user_id,
        users.account_id,
        users.first_activity_date,
        users.last_activity_date,
        {{ days_between('users.last_activity_date', 'cast(' ~ as_of() ~ ' as date)') }} as days_since_last_activity,
        current_weeks.engagement_score,
        previous_weeks.engagement_score as previous_week_engagement_score,
        current_weeks.sessions_count,
        current_weeks.features_count,
        current_weeks.login_streak_days,
        -- a partial current week never ranks a user below last week's score
        greatest(coalesce(current_weeks.engagement_score, 0), coalesce(previous_weeks.engagement_score, 0))
            as segment_engagement_score
    from users
    left join current_weeks
        on users.user_id = current_weeks.user_id
    left join previous_weeks
        on users.user_id = previous_weeks.user_id

),

final as (

    select
        user_id,
        account_id,
        cast({{ as_of() }} as date) as as_of_date,
        case
            when last_activity_date is null
              or days_since_last_activity > {{ var('segment_user_dormant_after_days') }} then 'dormant'
            when segment_engagement_score >= {{ var('segment_user_power_min_score') }} then 'power'
            when segment_engagement_score >= {{ var('segment_user_active_min_score') }} then 'active'
            else 'casual'
        end as user_segment,
        segment_engagement_score,
        engagement_score,
        previous_week_engagement_score,
        sessions_count,
        features_count,
        login_streak_days,
        first_activity_date,
        last_activity_date,
        days_since_last_activity
    from users_scored

)

select * from final
