-- One row per (account, UTC day) from the account's first activity day through as_of's day,
-- each day as of its end (as_of's day as of as_of): DESIGN §4's health score from five parts,
-- seed 000's simple and advanced churn risk. Formulas and decisions in _product__models.yml.
with

account_days as (

    select * from {{ ref('int_product_account_days_measured') }}

),

engagement_scores as (

    select * from {{ ref('user_engagement_scores') }}

),

-- sum of the users' scores per (account, week); a user without a row that week adds 0
account_week_engagement as (

    select
        account_id,
        week_start,
        sum(engagement_score) as engagement_score_sum,
        count(*) as scored_users_count
    from engagement_scores
    where account_id is not null
    group by account_id, week_start

),

-- a user's latest score on a day is the latest week scored by then: the day's own week on a
-- Sunday and on as_of's day, else the week before
account_days_scored_week as (

    select
        *,
        case
            when health_date = cast({{ as_of() }} as date)
              or health_date = {{ add_days(iso_week_start('health_date'), 6) }}
                then {{ iso_week_start('health_date') }}
            else {{ add_days(iso_week_start('health_date'), -7) }}
        end as engagement_week_start
    from account_days

),

components as (

    select
        account_days_scored_week.*,
        coalesce(account_week_engagement.engagement_score_sum, 0) / account_days_scored_week.total_users
            as engagement_component,
        100.0 * account_days_scored_week.active_users_30d / account_days_scored_week.total_users
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
        round(engagement_component, 2) as engagement_score,
        round(
            {{ var('health_engagement_weight') }} * engagement_component
            + {{ var('health_adoption_weight') }} * adoption_component
            + {{ var('health_breadth_weight') }} * breadth_component
            + {{ var('health_recency_weight') }} * recency_component
            + {{ var('health_support_weight') }} * support_component,
            2
        ) as health_score
    from components

),

churn_scored as (

    select
        *,
        case
            when health_score < {{ var('churn_simple_high_below') }} then 'high'
            when health_score < {{ var('churn_simple_medium_below') }} then 'medium'
            when days_since_last_activity > {{ var('churn_simple_inactive_days') }} then 'medium'
            else 'low'
        end as churn_risk_simple,
        active_users_30d < {{ var('churn_low_adoption_ratio') }} * total_users as is_low_adoption,
        support_tickets_30d > {{ var('churn_many_tickets_above') }} as has_many_tickets,
        engagement_score < {{ var('churn_low_engagement_below') }} as is_low_engagement,
        coalesce(subscription_status = 'past_due', false) as is_past_due
    from health_scored

),

churn_pointed as (

    select
        *,
        case when is_low_adoption then {{ var('churn_low_adoption_points') }} else 0 end
        + case when has_many_tickets then {{ var('churn_many_tickets_points') }} else 0 end
        + case when is_low_engagement then {{ var('churn_low_engagement_points') }} else 0 end
        + case when is_past_due then {{ var('churn_past_due_points') }} else 0 end
            as churn_risk_points
    from churn_scored

),

churn_classified as (

    select
        *,
        case
            when churn_risk_points > {{ var('churn_high_above') }} then 'high'
            when churn_risk_points > {{ var('churn_medium_above') }} then 'medium'
            else 'low'
        end as churn_risk
    from churn_pointed

),

final as (

    select
        account_id,
        health_date,
        health_date = cast({{ as_of() }} as date) as is_as_of_date,
        health_score,
        churn_risk,
        churn_risk_points,
        churn_risk_simple,
        lag(churn_risk) over (partition by account_id order by health_date) as previous_churn_risk,
        lag(health_score) over (partition by account_id order by health_date) as previous_health_score,
        engagement_score,
        round(adoption_component, 2) as adoption_score,
        round(breadth_component, 2) as breadth_score,
        round(recency_component, 2) as recency_score,
        round(support_component, 2) as support_score,
        engagement_week_start,
        total_users,
        reported_total_users,
        users_known_count,
        active_users_count,
        active_users_30d,
        features_30d,
        support_tickets_30d,
        last_activity_date,
        days_since_last_activity,
        subscription_status,
        plan_tier,
        account_type,
        mrr,
        is_low_adoption,
        has_many_tickets,
        is_low_engagement,
        is_past_due
    from churn_classified

)

select * from final
