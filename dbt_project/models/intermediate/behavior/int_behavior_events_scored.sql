-- Behavior-tracking events up to as_of with a staff user, each with its competency points
-- (business_impact weighted high 3, medium 2, low 1 by default; no impact 0) and the account
-- the product marts attribute the user to.
with

behavior_events as (

    select * from {{ ref('stg_behavior__events') }}

),

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

events_in_scope as (

    select * from behavior_events
    where customer_id is not null
      and occurred_at <= {{ as_of() }}

),

final as (

    select
        events_in_scope.event_id,
        events_in_scope.customer_id,
        users.account_id,
        events_in_scope.session_id,
        events_in_scope.event_type,
        events_in_scope.occurred_at,
        cast(events_in_scope.occurred_at as date) as activity_date,
        events_in_scope.tool_id,
        events_in_scope.tool_section,
        events_in_scope.business_impact,
        events_in_scope.competency_area,
        case events_in_scope.business_impact
            when 'high' then {{ var('behavior_impact_weight_high') }}
            when 'medium' then {{ var('behavior_impact_weight_medium') }}
            when 'low' then {{ var('behavior_impact_weight_low') }}
            else 0
        end as impact_points,
        events_in_scope.session_duration_seconds,
        events_in_scope.user_agent,
        events_in_scope.referrer
    from events_in_scope
    left join users
        on events_in_scope.customer_id = users.user_id

)

select * from final
