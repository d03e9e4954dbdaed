-- Every product, behavior, widget and client_success event in one schema (the columns of
-- fct_events before the account fill-in). Identity mapping (DESIGN §3): behavior customer_id and
-- client_success client_id are the staff user_id; organization_id is the account_id.
with

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

),

behavior_events as (

    select * from {{ ref('stg_behavior__events') }}

),

widget_events as (

    select * from {{ ref('int_widget_events_identified') }}

),

client_success_events as (

    select * from {{ ref('stg_client_success__events') }}

),

product_events_conformed as (

    select
        message_id as event_id,
        'product' as source,
        event_name,
        cast(null as {{ dbt.type_string() }}) as event_category,
        occurred_at,
        received_at,
        is_clock_skewed,
        account_id,
        user_id,
        anonymous_id,
        session_id,
        cast(null as {{ dbt.type_string() }}) as chatbot_id,
        properties,
        _loaded_at as loaded_at
    from product_tracks

),

behavior_events_conformed as (

    select
        event_id,
        'behavior' as source,
        event_type as event_name,
        cast(null as {{ dbt.type_string() }}) as event_category,
        occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as received_at,
        false as is_clock_skewed,
        cast(null as {{ dbt.type_string() }}) as account_id,
        customer_id as user_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        session_id,
        cast(null as {{ dbt.type_string() }}) as chatbot_id,
        {{ json_object([
            ('tool_id', 'tool_id'),
            ('tool_section', 'tool_section'),
            ('business_impact', 'business_impact'),
            ('competency_area', 'competency_area'),
            ('growth_stage', 'growth_stage'),
            ('current_arr', 'current_arr'),
            ('target_arr', 'target_arr'),
            ('session_duration_ms', 'session_duration_ms'),
            ('time_on_page_ms', 'time_on_page_ms'),
            ('event_metadata', 'event_metadata'),
        ]) }} as properties,
        _loaded_at as loaded_at
    from behavior_events

),

widget_events_conformed as (

    select
        event_id,
        'widget' as source,
        event_name,
        event_category,
        occurred_at,
        received_at,
        is_clock_skewed,
        account_id,
        user_id,
        anonymous_id,
        session_id,
        chatbot_id,
        properties,
        _loaded_at as loaded_at
    from widget_events

),

client_success_events_conformed as (

    select
        event_id,
        'client_success' as source,
        event_type as event_name,
        cast(null as {{ dbt.type_string() }}) as event_category,
        occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as received_at,
        false as is_clock_skewed,
        organization_id as account_id,
        client_id as user_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        session_id,
        cast(null as {{ dbt.type_string() }}) as chatbot_id,
        event_data as properties,
        _loaded_at as loaded_at
    from client_success_events

),

final as (

    select * from product_events_conformed
    union all
    select * from behavior_events_conformed
    union all
    select * from widget_events_conformed
    union all
    select * from client_success_events_conformed

)

select * from final
