-- identify_account traits as intervals: one row per identify call up to as_of, holding each
-- trait's latest sent value at that call (a call may leave traits out; the last value sent
-- stays), valid from the call until the next call of the account (valid_to exclusive, null
-- for the current state).
with

account_identifies as (

    select * from {{ ref('stg_product__accounts') }}

),

ordered_identifies as (

    select
        account_id,
        message_id,
        identified_at,
        subscription_status,
        plan_tier,
        account_type,
        total_users,
        mrr,
        contract_value,
        renewal_date,
        signup_date,
        row_number() over (
            partition by account_id
            order by identified_at, _loaded_at, _file, _line
        ) as identify_number
    from account_identifies
    where account_id is not null
      and identified_at is not null
      and identified_at <= {{ as_of() }}

),

traits_carried as (

    select
        account_id,
        message_id,
        identify_number,
        identified_at as valid_from,
        lead(identified_at) over (partition by account_id order by identify_number) as valid_to,
        {%- for trait in ['subscription_status', 'plan_tier', 'account_type', 'total_users', 'mrr', 'contract_value', 'renewal_date', 'signup_date'] %}
        {{ last_value_ignore_nulls(trait) }} over (
            partition by account_id
            order by identify_number
            rows between unbounded preceding and current row
        ) as {{ trait }}{{ ',' if not loop.last }}
        {%- endfor %}
    from ordered_identifies

),

final as (

    select
        account_id,
        message_id,
        identify_number,
        valid_from,
        valid_to,
        valid_to is null as is_current,
        subscription_status,
        plan_tier,
        account_type,
        total_users,
        mrr,
        contract_value,
        renewal_date,
        signup_date
    from traits_carried

)

select * from final
