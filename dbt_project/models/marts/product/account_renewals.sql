-- One row per renewal event (renewal_due, renewal_closed_won, renewal_closed_lost; seed 000
-- §8) up to as_of, joined to the account's state: its traits as of the event (latest
-- identify_account at or before it) and its health on the day before the event (the state
-- the renewal was decided on). Each renewal_due opens a renewal cycle of the account; the
-- first won/lost event after it (before the next renewal_due) closes it.
with

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

),

account_traits as (

    select * from {{ ref('int_product_account_traits_historized') }}

),

account_health as (

    select * from {{ ref('account_health') }}

),

renewal_events as (

    select
        message_id as renewal_event_id,
        account_id,
        user_id,
        event_name,
        case event_name
            when 'renewal_due' then 'due'
            when 'renewal_closed_won' then 'won'
            when 'renewal_closed_lost' then 'lost'
        end as renewal_stage,
        occurred_at,
        cast(renewal_date_at as date) as renewal_date,
        current_plan,
        contract_value,
        days_until_renewal,
        renewed_plan,
        renewal_amount,
        contract_term_months,
        expansion_amount,
        churn_reason,
        final_mrr
    from product_tracks
    where event_name in ('renewal_due', 'renewal_closed_won', 'renewal_closed_lost')
      and account_id is not null
      and occurred_at <= {{ as_of() }}

),

renewal_events_cycled as (

    select
        *,
        sum(case when renewal_stage = 'due' then 1 else 0 end) over (
            partition by account_id
            order by occurred_at, renewal_stage, renewal_event_id
            rows between unbounded preceding and current row
        ) as renewal_cycle_number
    from renewal_events

),

cycle_closings_ranked as (

    select
        account_id,
        renewal_cycle_number,
        renewal_event_id,
        renewal_stage,
        occurred_at,
        row_number() over (
            partition by account_id, renewal_cycle_number
            order by occurred_at, renewal_event_id
        ) as closing_rank
    from renewal_events_cycled
    where renewal_stage in ('won', 'lost')
      and renewal_cycle_number > 0

),

cycle_closings as (

    select * from cycle_closings_ranked
    where closing_rank = 1

),

cycle_openings as (

    select
        account_id,
        renewal_cycle_number,
        renewal_event_id as renewal_due_event_id,
        occurred_at as due_at
    from renewal_events_cycled
    where renewal_stage = 'due'

),

events_with_state as (

    select
        renewal_events_cycled.*,
        cycle_openings.renewal_due_event_id,
        cycle_openings.due_at,
        case
            when cycle_openings.renewal_due_event_id is null then null
            else coalesce(cycle_closings.renewal_stage, 'open')
        end as cycle_outcome,
        cycle_closings.occurred_at as cycle_closed_at,
        account_traits.plan_tier as plan_tier_at_event,
        account_traits.subscription_status as subscription_status_at_event,
        account_traits.mrr as mrr_at_event,
        account_traits.total_users as total_users_at_event,
        account_traits.renewal_date as account_renewal_date_at_event,
        account_health.health_score as health_score_day_before,
        account_health.churn_risk as churn_risk_day_before,
        account_health.churn_risk_simple as churn_risk_simple_day_before
    from renewal_events_cycled
    left join cycle_openings
        on renewal_events_cycled.account_id = cycle_openings.account_id
        and renewal_events_cycled.renewal_cycle_number = cycle_openings.renewal_cycle_number
    left join cycle_closings
        on renewal_events_cycled.account_id = cycle_closings.account_id
        and renewal_events_cycled.renewal_cycle_number = cycle_closings.renewal_cycle_number
    left join account_traits
        on renewal_events_cycled.account_id = account_traits.account_id
        and account_traits.valid_from <= renewal_events_cycled.occurred_at
        and (account_traits.valid_to is null or renewal_events_cycled.occurred_at < account_traits.valid_to)
    left join account_health
        on renewal_events_cycled.account_id = account_health.account_id
        and account_health.health_date = {{ add_days('renewal_events_cycled.occurred_at', -1) }}

),

final as (

    select
        renewal_event_id,
        account_id,
        user_id,
        event_name,
        renewal_stage,
        occurred_at,
        renewal_date,
        current_plan,
        cast(contract_value as decimal(18, 2)) as contract_value,
        days_until_renewal,
        renewed_plan,
        renewal_amount,
        contract_term_months,
        expansion_amount,
        churn_reason,
        final_mrr,
        cast(renewal_cycle_number as {{ dbt.type_bigint() }}) as renewal_cycle_number,
        renewal_due_event_id,
        cycle_outcome,
        cycle_closed_at,
        {{ days_between('due_at', 'cycle_closed_at') }} as days_from_due_to_close,
        plan_tier_at_event,
        subscription_status_at_event,
        mrr_at_event,
        cast(total_users_at_event as {{ dbt.type_bigint() }}) as total_users_at_event,
        account_renewal_date_at_event,
        health_score_day_before,
        churn_risk_day_before,
        churn_risk_simple_day_before
    from events_with_state

)

select * from final
