-- One row per (staff user, ISO week) from the user's first active week through the as_of
-- week: seed 000's engagement score with DESIGN §4's inputs and weights. A week is scored as
-- of its end (Sunday), the current week as of as_of; a week without activity still has its
-- row (0 sessions), so an inactive user scores what the rule gives, often 0.
with

user_weeks as (

    select * from {{ ref('int_product_user_weeks_measured') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

product_sessions as (

    select
        coalesce(user_id, blended_user_id) as user_id,
        {{ iso_week_start('started_at') }} as week_start,
        -- a session still running at as_of counts up to as_of only
        case
            when ended_at > {{ as_of() }}
                then {{ dbt.datediff('started_at', as_of(), 'second') }}
            else duration_seconds
        end as duration_seconds
    from sessions
    where source = 'product'
      and not coalesce(is_bot, false)
      and started_at <= {{ as_of() }}

),

week_sessions as (

    select
        user_id,
        week_start,
        count(*) as sessions_count,
        sum(coalesce(duration_seconds, 0)) / 60.0 as active_minutes
    from product_sessions
    group by user_id, week_start

),

user_week_inputs as (

    select
        user_weeks.user_id,
        user_weeks.account_id,
        user_weeks.week_start,
        user_weeks.week_end_date,
        user_weeks.scored_through_date,
        coalesce(week_sessions.sessions_count, 0) as sessions_count,
        coalesce(week_sessions.active_minutes, 0) as active_minutes,
        user_weeks.product_features_count,
        user_weeks.behavior_tools_count,
        user_weeks.features_count,
        user_weeks.login_streak_days,
        user_weeks.support_tickets_28d,
        user_weeks.active_days_count
    from user_weeks
    left join week_sessions
        on user_weeks.user_id = week_sessions.user_id
        and user_weeks.week_start = week_sessions.week_start

),

components as (

    select
        *,
        least(100.0, 100.0 * sessions_count / {{ var('engagement_sessions_target') }}) as sessions_score,
        least(100.0, 100.0 * features_count / {{ var('engagement_features_target') }}) as features_score,
        least(100.0, 100.0 * active_minutes / {{ var('engagement_minutes_target') }}) as minutes_score,
        least(100.0, 100.0 * login_streak_days / {{ var('engagement_streak_target_days') }}) as streak_score,
        least(100.0, 100.0 * support_tickets_28d / {{ var('engagement_tickets_target') }}) as support_tickets_score
    from user_week_inputs

),

scored as (

    select
        *,
        greatest(0.0, least(100.0,
            (
                {{ var('engagement_sessions_weight') }} * sessions_score
                + {{ var('engagement_features_weight') }} * features_score
                + {{ var('engagement_minutes_weight') }} * minutes_score
                + {{ var('engagement_streak_weight') }} * streak_score
            ) / (
                {{ var('engagement_sessions_weight') }}
                + {{ var('engagement_features_weight') }}
                + {{ var('engagement_minutes_weight') }}
                + {{ var('engagement_streak_weight') }}
            )
            - {{ var('engagement_tickets_weight') }} * support_tickets_score
        )) as raw_engagement_score
    from components

),

final as (

    select
        user_id,
        account_id,
        week_start,
        week_end_date,
        scored_through_date,
        sessions_count,
        features_count,
        product_features_count,
        behavior_tools_count,
        round(active_minutes, 2) as active_minutes,
        login_streak_days,
        support_tickets_28d,
        active_days_count,
        round(sessions_score, 2) as sessions_score,
        round(features_score, 2) as features_score,
        round(minutes_score, 2) as minutes_score,
        round(streak_score, 2) as streak_score,
        round(support_tickets_score, 2) as support_tickets_score,
        round(raw_engagement_score, 2) as engagement_score
    from scored

)

select * from final
