-- One row per (staff user, feature, UTC day) the feature was used, up to as_of, with the first
-- and last use of the day (so a window that starts or ends inside the day counts exactly). A
-- feature is a `properties.feature_name` of a `feature_used` product event, or a behavior
-- `tool_id` (any behavior event naming a tool); the two kinds are counted apart
-- (feature_source) and added up where a score counts features.
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

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

feature_uses as (

    select
        user_id,
        'product_feature' as feature_source,
        feature_name,
        occurred_at
    from product_tracks
    where event_name = 'feature_used'
      and feature_name is not null
      and user_id is not null
      and occurred_at <= {{ as_of() }}

    union all

    select
        customer_id as user_id,
        'behavior_tool' as feature_source,
        tool_id as feature_name,
        occurred_at
    from behavior_events
    where tool_id is not null
      and customer_id is not null
      and occurred_at <= {{ as_of() }}

),

feature_days as (

    select
        user_id,
        feature_source,
        feature_name,
        cast(occurred_at as date) as usage_date,
        min(occurred_at) as first_used_at,
        max(occurred_at) as last_used_at,
        count(*) as uses_count
    from feature_uses
    group by user_id, feature_source, feature_name, cast(occurred_at as date)

),

final as (

    select
        feature_days.user_id,
        users.account_id,
        feature_days.feature_source,
        feature_days.feature_name,
        feature_days.usage_date,
        feature_days.first_used_at,
        feature_days.last_used_at,
        feature_days.uses_count
    from feature_days
    left join users
        on feature_days.user_id = users.user_id

)

select * from final
