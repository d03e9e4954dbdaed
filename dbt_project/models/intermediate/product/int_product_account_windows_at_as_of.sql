{%- set window_days = var('health_window_days') | int -%}
-- One row per account with any activity, feature use or support ticket in the window
-- (as_of - health_window_days days, as_of], counted from the events' timestamps: the as_of day
-- of int_product_account_days_measured (its other days are measured by whole dates).
with

user_days as (

    select * from {{ ref('int_product_user_days_aggregated') }}

),

feature_days as (

    select * from {{ ref('int_product_feature_days_aggregated') }}

),

tickets as (

    select * from {{ ref('int_product_support_tickets') }}

),

as_of_window as (

    select {{ window_start(as_of(), window_days) }} as window_start_at

),

active_users as (

    select
        user_days.account_id,
        count(distinct user_days.user_id) as active_users_in_window
    from user_days
    cross join as_of_window
    where user_days.account_id is not null
      and user_days.last_event_at > as_of_window.window_start_at
    group by user_days.account_id

),

features as (

    select
        feature_days.account_id,
        count(distinct feature_days.feature_source || '|' || feature_days.feature_name) as features_in_window
    from feature_days
    cross join as_of_window
    where feature_days.account_id is not null
      and feature_days.last_used_at > as_of_window.window_start_at
    group by feature_days.account_id

),

account_tickets as (

    select
        tickets.account_id,
        count(*) as tickets_in_window
    from tickets
    cross join as_of_window
    where tickets.account_id is not null
      and tickets.occurred_at > as_of_window.window_start_at
    group by tickets.account_id

),

accounts as (

    select account_id from active_users
    union
    select account_id from features
    union
    select account_id from account_tickets

),

final as (

    select
        accounts.account_id,
        coalesce(active_users.active_users_in_window, 0) as active_users_in_window,
        coalesce(features.features_in_window, 0) as features_in_window,
        coalesce(account_tickets.tickets_in_window, 0) as tickets_in_window
    from accounts
    left join active_users
        on accounts.account_id = active_users.account_id
    left join features
        on accounts.account_id = features.account_id
    left join account_tickets
        on accounts.account_id = account_tickets.account_id

)

select * from final
