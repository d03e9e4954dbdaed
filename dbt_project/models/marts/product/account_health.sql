-- One row per (account, UTC day) from the account's first activity day through as_of's day,
-- each day measured at its end (as_of's day at as_of): the health score from five parts and
-- two churn-risk rules. Every day, the as_of day included, takes its engagement from the
-- latest complete week at that moment, so a score never moves because it is Monday morning.
-- Rules and a worked example: docs/metrics.md, "Account health" and "Churn risk".
with

account_days as (

    select * from {{ ref('int_product_account_days_measured') }}

),

engagement_scores as (

    select * from {{ ref('user_engagement_scores') }}

),

-- the sum of the users' scores per (account, complete week); a user without a row adds 0
account_week_engagement as (

    select
        account_id,
        week_start,
        -- exact decimals: the sum is the same whatever order the rows come in
        sum(cast(engagement_score as decimal(18, 2))) as engagement_score_sum,
        count(*) as scored_users_count
    from engagement_scores
    where account_id is not null
      and is_complete_week
    group by account_id, week_start

),

account_days_scored_week as (

    -- the latest complete week at the day's measuring moment: the ISO week before the one
    -- holding that moment (a Monday 00:00 moment holds the week that just ended)
    select
        *,
        {{ add_days(iso_week_start('measured_at'), -7) }} as engagement_week_start
    from account_days

),

components as (

    select
        account_days_scored_week.*,
        cast(coalesce(account_week_engagement.engagement_score_sum, 0) as double)
            / nullif(account_days_scored_week.total_users, 0) as engagement_component,
        100.0 * account_days_scored_week.active_users_30d / nullif(account_days_scored_week.total_users, 0)
            as adoption_component,
        least(100.0, 100.0 * account_days_scored_week.features_30d / {{ var('health_breadth_features_target') }})
            as breadth_component,
        case
            when account_days_scored_week.days_since_last_activity <= {{ var('health_recency_full_days') }} then 100.0
            when account_days_scored_week.days_since_last_activity >= {{ var('health_recency_zero_days') }} then 0.0
            else 100.0 * ({{ var('health_recency_zero_days') }} - account_days_scored_week.days_since_last_activity)
                / ({{ var('health_recency_zero_days') }} - {{ var('health_recency_full_days') }})
        end as recency_component,
        greatest(0.0, 100.0 - {{ var('health_ticket_penalty_points') }} * account_days_scored_week.support_tickets_30d)
            as support_component
    from account_days_scored_week
    left join account_week_engagement
        on account_days_scored_week.account_id = account_week_engagement.account_id
        and account_days_scored_week.engagement_week_start = account_week_engagement.week_start

),

health_scored as (

    select
        *,
        round(coalesce(engagement_component, 0), 2) as engagement_score,
        round(
            {{ var('health_engagement_weight') }} * coalesce(engagement_component, 0)
            + {{ var('health_adoption_weight') }} * coalesce(adoption_component, 0)
            + {{ var('health_breadth_weight') }} * breadth_component
            + {{ var('health_recency_weight') }} * recency_component
            + {{ var('health_support_weight') }} * support_component,
            2
        ) as health_score
    from components

),

churn_flags as (

    select
        *,
        case
            when health_score < {{ var('churn_simple_high_below') }} then 'high'
            when health_score < {{ var('churn_simple_medium_below') }} then 'medium'
            when days_since_last_activity > {{ var('churn_simple_inactive_days') }} then 'medium'
            else 'low'
        end as churn_risk_simple,
        coalesce(active_users_30d < {{ var('churn_low_adoption_ratio') }} * total_users, false) as is_low_adoption,
        support_tickets_30d > {{ var('churn_many_tickets_above') }} as has_many_tickets,
        engagement_score < {{ var('churn_low_engagement_below') }} as is_low_engagement,
        coalesce(subscription_status = 'past_due', false) as is_past_due,
        coalesce(subscription_status = 'canceled', false) as is_canceled,
        coalesce(days_since_last_activity > {{ var('churn_inactive_long_days') }}, false) as is_inactive_long,
        coalesce(
            days_since_last_activity > {{ var('churn_inactive_days') }}
            and days_since_last_activity <= {{ var('churn_inactive_long_days') }},
            false
        ) as is_inactive
    from health_scored

),

churn_pointed as (

    select
        *,
        case when is_low_adoption then {{ var('churn_low_adoption_points') }} else 0 end
        + case when has_many_tickets then {{ var('churn_many_tickets_points') }} else 0 end
        + case when is_low_engagement then {{ var('churn_low_engagement_points') }} else 0 end
        + case when is_past_due then {{ var('churn_past_due_points') }} else 0 end
        + case when is_inactive then {{ var('churn_inactive_points') }} else 0 end
        + case when is_inactive_long then {{ var('churn_inactive_long_points') }} else 0 end
            as churn_risk_points
    from churn_flags

),

churn_classified as (

    select
        *,
        case
            when is_canceled then 'high'
            when churn_risk_points > {{ var('churn_high_above') }} then 'high'
            when churn_risk_points > {{ var('churn_medium_above') }} then 'medium'
            else 'low'
        end as churn_risk,
        {{ non_null_list([
            "case when is_canceled then 'canceled' end",
            "case when is_inactive_long then 'no activity for over " ~ var('churn_inactive_long_days') ~ " days' end",
            "case when is_inactive then 'no activity for over " ~ var('churn_inactive_days') ~ " days' end",
            "case when is_low_adoption then 'under " ~ (var('churn_low_adoption_ratio') * 100) | int ~ " % of users active in " ~ var('health_window_days') ~ " days' end",
            "case when has_many_tickets then 'over " ~ var('churn_many_tickets_above') ~ " support tickets in " ~ var('health_window_days') ~ " days' end",
            "case when is_low_engagement then 'engagement under " ~ var('churn_low_engagement_below') ~ "' end",
            "case when is_past_due then 'payment past due' end",
        ]) }} as churn_risk_reasons
    from churn_pointed

),

final as (

    select
        account_id,
        health_date,
        is_as_of_date,
        measured_at,
        health_score,
        churn_risk,
        cast(churn_risk_points as {{ dbt.type_bigint() }}) as churn_risk_points,
        churn_risk_reasons,
        churn_risk_simple,
        lag(churn_risk) over (partition by account_id order by health_date) as previous_churn_risk,
        lag(health_score) over (partition by account_id order by health_date) as previous_health_score,
        engagement_score,
        round(coalesce(adoption_component, 0), 2) as adoption_score,
        round(breadth_component, 2) as breadth_score,
        round(recency_component, 2) as recency_score,
        cast(round(support_component, 2) as double) as support_score,
        engagement_week_start,
        cast(total_users as {{ dbt.type_bigint() }}) as total_users,
        cast(reported_total_users as {{ dbt.type_bigint() }}) as reported_total_users,
        cast(users_known_count as {{ dbt.type_bigint() }}) as users_known_count,
        cast(active_users_count as {{ dbt.type_bigint() }}) as active_users_count,
        cast(active_users_30d as {{ dbt.type_bigint() }}) as active_users_30d,
        cast(features_30d as {{ dbt.type_bigint() }}) as features_30d,
        cast(support_tickets_30d as {{ dbt.type_bigint() }}) as support_tickets_30d,
        last_activity_at,
        last_activity_date,
        days_since_last_activity,
        subscription_status,
        plan_tier,
        account_type,
        cast(mrr as decimal(18, 2)) as mrr,
        is_low_adoption,
        has_many_tickets,
        is_low_engagement,
        is_past_due,
        is_canceled,
        is_inactive,
        is_inactive_long
    from churn_classified

)

select * from final
