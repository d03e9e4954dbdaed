-- One row per (staff user, ISO week) from the user's first active week through the as_of
-- week: every complete week, and the current week flagged is_complete_week = false and scored
-- on the same footing (its volume targets scaled by days_elapsed / 7). A week without activity
-- keeps its row (0 sessions). Rules and a worked example: docs/metrics.md, "Engagement".
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
                then {{ seconds_between('started_at', as_of()) }}
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
        user_weeks.*,
        coalesce(week_sessions.sessions_count, 0) as sessions_count,
        coalesce(week_sessions.active_minutes, 0) as active_minutes
    from user_weeks
    left join week_sessions
        on user_weeks.user_id = week_sessions.user_id
        and user_weeks.week_start = week_sessions.week_start

),

components as (

    select
        *,
        least(100.0, 100.0 * sessions_count
            / {{ scaled_target(var('engagement_sessions_target'), 'days_elapsed') }}) as sessions_score,
        least(100.0, 100.0 * features_count / {{ var('engagement_features_target') }}) as features_score,
        least(100.0, 100.0 * active_minutes
            / {{ scaled_target(var('engagement_minutes_target'), 'days_elapsed') }}) as minutes_score,
        least(100.0, 100.0 * login_streak_days / streak_target_days) as streak_score,
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
        is_complete_week,
        cast(round(days_elapsed, 4) as double) as days_elapsed,
        measured_at,
        cast(sessions_count as {{ dbt.type_bigint() }}) as sessions_count,
        cast(features_count as {{ dbt.type_bigint() }}) as features_count,
        cast(product_features_count as {{ dbt.type_bigint() }}) as product_features_count,
        cast(behavior_tools_count as {{ dbt.type_bigint() }}) as behavior_tools_count,
        round(active_minutes, 2) as active_minutes,
        cast(login_streak_days as {{ dbt.type_bigint() }}) as login_streak_days,
        cast(streak_target_days as {{ dbt.type_bigint() }}) as streak_target_days,
        cast(support_tickets_28d as {{ dbt.type_bigint() }}) as support_tickets_28d,
        cast(active_days_count as {{ dbt.type_bigint() }}) as active_days_count,
        round(sessions_score, 2) as sessions_score,
        round(features_score, 2) as features_score,
        round(minutes_score, 2) as minutes_score,
        round(streak_score, 2) as streak_score,
        round(support_tickets_score, 2) as support_tickets_score,
        round(raw_engagement_score, 2) as engagement_score
    from scored

)

select * from final
