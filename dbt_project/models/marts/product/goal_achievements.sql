-- One row per goal_achieved product event up to as_of, with the time it took:
-- the time_to_achieve_seconds the product reported, else the time from the user's sign-up
-- (identify_user signup_date), else from the account's sign-up, else from the user's first
-- activity.
with

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

),

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

account_traits as (

    select * from {{ ref('int_product_account_traits_historized') }}

),

goal_events as (

    select * from product_tracks
    where event_name = 'goal_achieved'
      and occurred_at <= {{ as_of() }}

),

current_account_traits as (

    select * from account_traits
    where is_current

),

goals_joined as (

    select
        goal_events.message_id as goal_achievement_id,
        goal_events.user_id,
        coalesce(goal_events.account_id, users.account_id) as account_id,
        goal_events.goal_type,
        goal_events.goal_name,
        goal_events.goal_value,
        goal_events.occurred_at as achieved_at,
        goal_events.time_to_achieve_seconds as reported_time_to_achieve_seconds,
        users.signup_date as user_signup_date,
        current_account_traits.signup_date as account_signup_date,
        users.first_activity_at as user_first_activity_at
    from goal_events
    left join users
        on goal_events.user_id = users.user_id
    left join current_account_traits
        on coalesce(goal_events.account_id, users.account_id) = current_account_traits.account_id

),

goals_timed as (

    select
        *,
        case
            when reported_time_to_achieve_seconds is not null then 'reported'
            when user_signup_date is not null then 'user_signup'
            when account_signup_date is not null then 'account_signup'
            when user_first_activity_at is not null then 'first_activity'
        end as time_to_achieve_source,
        coalesce(
            reported_time_to_achieve_seconds,
            {{ dbt.datediff('cast(user_signup_date as timestamp)', 'achieved_at', 'second') }},
            {{ dbt.datediff('cast(account_signup_date as timestamp)', 'achieved_at', 'second') }},
            {{ dbt.datediff('user_first_activity_at', 'achieved_at', 'second') }}
        ) as time_to_achieve_seconds
    from goals_joined

),

final as (

    select
        goal_achievement_id,
        account_id,
        user_id,
        goal_type,
        goal_name,
        goal_value,
        achieved_at,
        cast(achieved_at as date) as achieved_date,
        time_to_achieve_seconds,
        -- a double division on both engines (Spark divides an integer by 86400.0 in decimals)
        cast(time_to_achieve_seconds as double) / 86400 as time_to_achieve_days,
        time_to_achieve_source,
        reported_time_to_achieve_seconds,
        row_number() over (
            partition by account_id, goal_type, goal_name
            order by achieved_at, goal_achievement_id
        ) = 1 as is_first_for_account
    from goals_timed

)

select * from final
