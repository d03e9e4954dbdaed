with

user_sightings as (

    select * from {{ ref('int_user_sightings_unioned') }}

),

user_identifies as (

    select * from {{ ref('stg_product__users') }}

),

identifies_ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by identified_at desc nulls last, _loaded_at desc, _file desc, _line desc
        ) as recency_rank
    from user_identifies
    where user_id is not null

),

latest_identifies as (

    select * from identifies_ranked
    where recency_rank = 1

),

sighted_accounts_ranked as (

    select
        user_id,
        account_id,
        row_number() over (
            partition by user_id
            order by seen_at desc nulls last, account_id
        ) as recency_rank
    from user_sightings
    where account_id is not null

),

latest_sighted_accounts as (

    select
        user_id,
        account_id
    from sighted_accounts_ranked
    where recency_rank = 1

),

user_activity as (

    select
        user_id,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        min(case when is_event then seen_at end) as first_event_at,
        max(case when is_event then seen_at end) as last_event_at,
        count(case when is_event then 1 end) as events_count
    from user_sightings
    group by user_id

),

final as (

    select
        user_activity.user_id,
        coalesce(latest_identifies.account_id, latest_sighted_accounts.account_id) as account_id,
        latest_identifies.user_id is not null as is_identified,
        latest_identifies.title,
        latest_identifies.department,
        latest_identifies.account_role,
        latest_identifies.signup_date,
        latest_identifies.is_email_verified,
        latest_identifies.timezone,
        latest_identifies.preferred_language,
        cast(latest_identifies.features_used_count as {{ dbt.type_bigint() }}) as features_used_count,
        latest_identifies.is_onboarding_completed,
        cast(latest_identifies.support_tickets_created_count as {{ dbt.type_bigint() }}) as support_tickets_created_count,
        latest_identifies.is_mfa_enabled,
        latest_identifies.reported_last_seen_at,
        latest_identifies.identified_at as last_identified_at,
        user_activity.first_seen_at,
        user_activity.last_seen_at,
        user_activity.first_event_at,
        user_activity.last_event_at,
        user_activity.events_count
    from user_activity
    left join latest_identifies
        on user_activity.user_id = latest_identifies.user_id
    left join latest_sighted_accounts
        on user_activity.user_id = latest_sighted_accounts.user_id

)

select * from final
