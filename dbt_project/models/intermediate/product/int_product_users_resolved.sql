-- One row per staff user seen up to as_of (product track with a user_id, behavior customer_id,
-- identify_user), with the one account the product marts attribute the user to: the account
-- of the latest identify_user at or before as_of, else the account on the user's latest
-- product event. Nothing after as_of counts.
with

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

),

behavior_events as (

    select * from {{ ref('stg_behavior__events') }}

),

user_identifies as (

    select * from {{ ref('stg_product__users') }}

),

activity as (

    select
        user_id,
        account_id,
        occurred_at
    from product_tracks
    where user_id is not null
      and occurred_at <= {{ as_of() }}

    union all

    select
        customer_id as user_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        occurred_at
    from behavior_events
    where customer_id is not null
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

event_accounts_ranked as (

    select
        user_id,
        account_id,
        row_number() over (
            partition by user_id
            order by occurred_at desc, account_id
        ) as recency_rank
    from activity
    where account_id is not null

),

latest_event_accounts as (

    select
        user_id,
        account_id
    from event_accounts_ranked
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
        coalesce(identified_users.identified_account_id, latest_event_accounts.account_id) as account_id,
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
    left join latest_event_accounts
        on all_users.user_id = latest_event_accounts.user_id

)

select * from final
