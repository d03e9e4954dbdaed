-- One row per account with a health row on as_of's day, with a rule-based segment as of
-- as_of: at_risk, expansion_candidate or steady (first match; rules in _product__models.yml),
-- and its users counted by user segment.
with

account_health as (

    select * from {{ ref('account_health') }}

),

user_segments as (

    select * from {{ ref('user_segments') }}

),

as_of_health as (

    select * from account_health
    where is_as_of_date

),

account_user_segments as (

    select
        account_id,
        sum(case when user_segment = 'power' then 1 else 0 end) as power_users_count,
        sum(case when user_segment = 'active' then 1 else 0 end) as active_segment_users_count,
        sum(case when user_segment = 'casual' then 1 else 0 end) as casual_users_count,
        sum(case when user_segment = 'dormant' then 1 else 0 end) as dormant_users_count
    from user_segments
    where account_id is not null
    group by account_id

),

final as (

    select
        as_of_health.account_id,
        as_of_health.health_date as as_of_date,
        case
            when as_of_health.churn_risk = 'high' or as_of_health.churn_risk_simple = 'high' then 'at_risk'
            when as_of_health.health_score >= {{ var('segment_account_expansion_min_health') }}
              and as_of_health.adoption_score >= {{ var('segment_account_expansion_min_adoption') }}
              and as_of_health.churn_risk = 'low' then 'expansion_candidate'
            else 'steady'
        end as account_segment,
        as_of_health.health_score,
        as_of_health.adoption_score,
        as_of_health.churn_risk,
        as_of_health.churn_risk_simple,
        as_of_health.churn_risk_points,
        as_of_health.total_users,
        as_of_health.active_users_30d,
        as_of_health.plan_tier,
        as_of_health.subscription_status,
        as_of_health.mrr,
        cast(coalesce(account_user_segments.power_users_count, 0) as {{ dbt.type_bigint() }}) as power_users_count,
        cast(coalesce(account_user_segments.active_segment_users_count, 0) as {{ dbt.type_bigint() }}) as active_segment_users_count,
        cast(coalesce(account_user_segments.casual_users_count, 0) as {{ dbt.type_bigint() }}) as casual_users_count,
        cast(coalesce(account_user_segments.dormant_users_count, 0) as {{ dbt.type_bigint() }}) as dormant_users_count
    from as_of_health
    left join account_user_segments
        on as_of_health.account_id = account_user_segments.account_id

)

select * from final
