-- Every place an account id appears: events (product account_id, client_success
-- organization_id, the account owning a widget's chatbot), identify_account and identify_user
-- calls, onboarding task updates and the reference table of agents. One row per appearance.
with

events as (

    select * from {{ ref('int_events_unioned') }}

),

account_identifies as (

    select * from {{ ref('stg_product__accounts') }}

),

user_identifies as (

    select * from {{ ref('stg_product__users') }}

),

task_updates as (

    select * from {{ ref('stg_client_success__task_updates') }}

),

agents as (

    select * from {{ ref('stg_reference__agents') }}

),

event_sightings as (

    select
        account_id,
        occurred_at as seen_at,
        source as seen_in,
        true as is_event
    from events
    where account_id is not null

),

account_identify_sightings as (

    select
        account_id,
        identified_at as seen_at,
        'product_account_identify' as seen_in,
        false as is_event
    from account_identifies
    where account_id is not null

),

user_identify_sightings as (

    select
        account_id,
        identified_at as seen_at,
        'product_identify' as seen_in,
        false as is_event
    from user_identifies
    where account_id is not null

),

task_sightings as (

    select
        organization_id as account_id,
        updated_at as seen_at,
        'client_success_task' as seen_in,
        false as is_event
    from task_updates
    where organization_id is not null

),

agent_sightings as (

    select
        account_id,
        created_at as seen_at,
        'reference_agent' as seen_in,
        false as is_event
    from agents
    where account_id is not null

),

final as (

    select * from event_sightings
    union all
    select * from account_identify_sightings
    union all
    select * from user_identify_sightings
    union all
    select * from task_sightings
    union all
    select * from agent_sightings

)

select * from final
