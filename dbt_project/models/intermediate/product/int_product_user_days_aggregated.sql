-- One row per (staff user, UTC day) with any product, behavior or client-success event up to
-- as_of: what the user did that day, when their first and last event of the day were (so a
-- window that starts or ends inside the day counts exactly), and the one account the product
-- marts attribute the user to (int_product_users_resolved).
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

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

events as (

    select
        user_id,
        occurred_at,
        'product' as source,
        case when event_name = 'support_ticket_created' then 1 else 0 end as is_support_ticket,
        case when event_name = 'feature_used' then 1 else 0 end as is_feature_use
    from product_tracks
    where user_id is not null
      and occurred_at <= {{ as_of() }}

    union all

    select
        customer_id as user_id,
        occurred_at,
        'behavior' as source,
        0 as is_support_ticket,
        0 as is_feature_use
    from behavior_events
    where customer_id is not null
      and occurred_at <= {{ as_of() }}

    union all

    select
        client_id as user_id,
        occurred_at,
        'client_success' as source,
        0 as is_support_ticket,
        0 as is_feature_use
    from client_success_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}

),

user_days as (

    select
        user_id,
        cast(occurred_at as date) as activity_date,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(case when source = 'product' then occurred_at end) as last_product_event_at,
        count(case when source = 'product' then 1 end) as product_events_count,
        count(case when source = 'behavior' then 1 end) as behavior_events_count,
        count(case when source = 'client_success' then 1 end) as client_success_events_count,
        cast(sum(is_support_ticket) as {{ dbt.type_bigint() }}) as support_tickets_count,
        cast(sum(is_feature_use) as {{ dbt.type_bigint() }}) as feature_uses_count
    from events
    group by user_id, cast(occurred_at as date)

),

final as (

    select
        user_days.user_id,
        users.account_id,
        user_days.activity_date,
        user_days.first_event_at,
        user_days.last_event_at,
        user_days.last_product_event_at,
        user_days.product_events_count,
        user_days.behavior_events_count,
        user_days.client_success_events_count,
        user_days.support_tickets_count,
        user_days.feature_uses_count,
        user_days.product_events_count > 0 as is_product_active
    from user_days
    left join users
        on user_days.user_id = users.user_id

)

select * from final
