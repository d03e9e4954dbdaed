with

account_sightings as (

    select * from {{ ref('int_account_sightings_unioned') }}

),

account_identifies as (

    select * from {{ ref('stg_product__accounts') }}

),

identifies_ranked as (

    select
        *,
        row_number() over (
            partition by account_id
            order by identified_at desc nulls last, _loaded_at desc, _file desc, _line desc
        ) as recency_rank
    from account_identifies
    where account_id is not null

),

latest_identifies as (

    select * from identifies_ranked
    where recency_rank = 1

),

account_activity as (

    select
        account_id,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        min(case when is_event then seen_at end) as first_event_at,
        max(case when is_event then seen_at end) as last_event_at,
        count(case when is_event then 1 end) as events_count
    from account_sightings
    group by account_id

),

final as (

    select
        account_activity.account_id,
        latest_identifies.account_id is not null as is_identified,
        latest_identifies.account_name,
        latest_identifies.domain,
        latest_identifies.industry,
        cast(latest_identifies.employee_count as {{ dbt.type_bigint() }}) as employee_count,
        latest_identifies.location_country,
        latest_identifies.signup_date,
        latest_identifies.signup_source,
        latest_identifies.subscription_status,
        latest_identifies.plan_tier,
        latest_identifies.account_type,
        cast(latest_identifies.total_users as {{ dbt.type_bigint() }}) as total_users,
        latest_identifies.renewal_date,
        cast(latest_identifies.contract_value as decimal(18, 2)) as contract_value,
        latest_identifies.mrr,
        latest_identifies.identified_at as last_identified_at,
        account_activity.first_seen_at,
        account_activity.last_seen_at,
        account_activity.first_event_at,
        account_activity.last_event_at,
        account_activity.events_count
    from account_activity
    left join latest_identifies
        on account_activity.account_id = latest_identifies.account_id

)

select * from final
