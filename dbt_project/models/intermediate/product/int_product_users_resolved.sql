-- One row per staff user seen up to as_of (a product track call, a behavior event, a
-- client-success event or task update, an identify_user call), with the one account the
-- product marts attribute the user to: the account of their latest identify_user at or before
-- as_of, else the organization of their latest client-success event or task update, else the
-- account of their latest product event (docs/metrics.md, "Which account a user belongs to").
-- Nothing after as_of counts.
-- A table, not a view: several product models read it in one run, and DuckDB would inline a
-- view into each of them, scanning every landed product, behavior and client-success row again.
{{ config(materialized='table') }}

with

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

),

behavior_events as (

    select * from {{ ref('stg_behavior__events') }}

),

client_success_events as (

    select * from {{ ref('stg_client_success__events') }}

),

task_updates as (

    select * from {{ ref('stg_client_success__task_updates') }}

),

user_identifies as (

    select * from {{ ref('stg_product__users') }}

),

activity as (

    select
        user_id,
        occurred_at
    from product_tracks
    where user_id is not null
      and occurred_at <= {{ as_of() }}

    union all

    select
        customer_id as user_id,
        occurred_at
    from behavior_events
    where customer_id is not null
      and occurred_at <= {{ as_of() }}

    union all

    select
        client_id as user_id,
        occurred_at
    from client_success_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}

),

identifies_ranked as (

    select
        user_id,
        account_id,
        signup_date,
        identified_at,
        -- latest identify carrying the trait (a call may leave a trait out)
        row_number() over (
            partition by user_id
            order by
                case when account_id is null then 1 else 0 end,
                identified_at desc, _loaded_at desc, _file desc, _line desc
        ) as account_rank,
        row_number() over (
            partition by user_id
            order by
                case when signup_date is null then 1 else 0 end,
                identified_at desc, _loaded_at desc, _file desc, _line desc
        ) as signup_rank
    from user_identifies
    where user_id is not null
      and identified_at <= {{ as_of() }}

),

identified_users as (

    select
        user_id,
        min(identified_at) as first_identified_at,
        max(case when account_rank = 1 then account_id end) as identified_account_id,
        max(case when signup_rank = 1 then signup_date end) as signup_date
    from identifies_ranked
    group by user_id

),

organization_sightings as (

    select
        client_id as user_id,
        organization_id as account_id,
        occurred_at as seen_at
    from client_success_events
    where client_id is not null
      and organization_id is not null
      and occurred_at <= {{ as_of() }}

    union all

    select
        client_id as user_id,
        organization_id as account_id,
        updated_at as seen_at
    from task_updates
    where client_id is not null
      and organization_id is not null
      and updated_at <= {{ as_of() }}

),

organizations_ranked as (

    -- ties at the same moment go to the smallest id, so every build picks the same one
    select
        user_id,
        account_id,
        row_number() over (partition by user_id order by seen_at desc, account_id) as recency_rank
    from organization_sightings

),

latest_organizations as (

    select user_id, account_id from organizations_ranked
    where recency_rank = 1

),

event_accounts_ranked as (

    select
        user_id,
        account_id,
        row_number() over (partition by user_id order by occurred_at desc, account_id) as recency_rank
    from product_tracks
    where user_id is not null
      and account_id is not null
      and occurred_at <= {{ as_of() }}

),

latest_event_accounts as (

    select user_id, account_id from event_accounts_ranked
    where recency_rank = 1

),

user_activity as (

    select
        user_id,
        min(occurred_at) as first_activity_at,
        max(occurred_at) as last_activity_at
    from activity
    group by user_id

),

all_users as (

    select user_id from user_activity
    union
    select user_id from identified_users

),

final as (

    select
        all_users.user_id,
        coalesce(
            identified_users.identified_account_id,
            latest_organizations.account_id,
            latest_event_accounts.account_id
        ) as account_id,
        case
            when identified_users.identified_account_id is not null then 'identify'
            when latest_organizations.account_id is not null then 'client_success'
            when latest_event_accounts.account_id is not null then 'product_event'
        end as account_source,
        identified_users.signup_date,
        identified_users.first_identified_at,
        user_activity.first_activity_at,
        user_activity.last_activity_at,
        cast(user_activity.first_activity_at as date) as first_activity_date,
        cast(user_activity.last_activity_at as date) as last_activity_date,
        -- least() skips nulls on DuckDB and Spark
        cast(least(identified_users.first_identified_at, user_activity.first_activity_at) as date)
            as first_seen_date
    from all_users
    left join identified_users
        on all_users.user_id = identified_users.user_id
    left join user_activity
        on all_users.user_id = user_activity.user_id
    left join latest_organizations
        on all_users.user_id = latest_organizations.user_id
    left join latest_event_accounts
        on all_users.user_id = latest_event_accounts.user_id

)

select * from final
