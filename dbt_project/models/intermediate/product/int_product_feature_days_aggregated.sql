-- One row per (staff user, feature, UTC day) the feature was used, up to as_of. A feature is
-- a `properties.feature_name` of a `feature_used` product event, or a behavior `tool_id`
-- (any behavior event naming a tool); the two kinds are counted apart (feature_source), as
-- DESIGN §4 adds them up ("distinct feature names plus distinct tool ids").
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
        cast(occurred_at as date) as usage_date
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
        cast(occurred_at as date) as usage_date
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
        usage_date,
        count(*) as uses_count
    from feature_uses
    group by user_id, feature_source, feature_name, usage_date

),

final as (

    select
        feature_days.user_id,
        users.account_id,
        feature_days.feature_source,
        feature_days.feature_name,
        feature_days.usage_date,
        feature_days.uses_count
    from feature_days
    left join users
        on feature_days.user_id = users.user_id

)

select * from final
