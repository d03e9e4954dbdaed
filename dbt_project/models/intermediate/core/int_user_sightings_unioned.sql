-- Every place a staff user id appears: events (product user_id, behavior customer_id,
-- client_success client_id), identify_user calls and onboarding task updates.
-- One row per appearance, with the account it was seen with.
with

events as (

    select * from {{ ref('int_events_unioned') }}

),

user_identifies as (

    select * from {{ ref('stg_product__users') }}

),

task_updates as (

    select * from {{ ref('stg_client_success__task_updates') }}

),

event_sightings as (

    select
        user_id,
        account_id,
        occurred_at as seen_at,
        source as seen_in,
        true as is_event
    from events
    where source <> 'widget'  -- widget user ids are end customers, not staff
      and user_id is not null

),

identify_sightings as (

    select
        user_id,
        account_id,
        identified_at as seen_at,
        'product_identify' as seen_in,
        false as is_event
    from user_identifies
    where user_id is not null

),

task_sightings as (

    select
        client_id as user_id,
        organization_id as account_id,
        updated_at as seen_at,
        'client_success_task' as seen_in,
        false as is_event
    from task_updates
    where client_id is not null

),

final as (

    select * from event_sightings
    union all
    select * from identify_sightings
    union all
    select * from task_sightings

)

select * from final
