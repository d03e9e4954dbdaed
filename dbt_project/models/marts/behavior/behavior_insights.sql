{%- set areas = ['customer_intelligence', 'value_communication', 'sales_execution', 'systematic_optimization'] -%}
{%- set recent_days = var('behavior_recent_window_days') | int -%}
{%- set trend_days = var('behavior_trend_window_days') | int -%}
{%- set full_points = var('behavior_competency_full_points') -%}
-- One row per customer (staff user) with behavior events up to as_of: seed 001's
-- behavior_insights, recomputed from the events (formulas in _behavior__models.yml).
with

behavior_events as (

    select * from {{ ref('int_behavior_events_scored') }}

),

as_of_day as (

    select cast({{ as_of() }} as date) as as_of_date

),

events_windowed as (

    select
        behavior_events.*,
        {{ days_between('behavior_events.activity_date', 'as_of_day.as_of_date') }} as days_ago
    from behavior_events
    cross join as_of_day

),

customer_totals as (

    select
        customer_id,
        max(account_id) as account_id,
        min(occurred_at) as first_activity_at,
        max(occurred_at) as last_activity_at,
        count(*) as total_events_count,
        count(distinct case when tool_id is not null then session_id end) as total_tool_sessions,
        sum(case when event_type = 'export_action' then 1 else 0 end) as total_exports_generated,
        sum(case when event_type = 'resource_generation' then 1 else 0 end) as total_resources_created,
        sum(impact_points) as total_competency_points,
        {%- for area in areas %}
        sum(case when competency_area = '{{ area }}' then impact_points else 0 end) as {{ area }}_points,
        {%- endfor %}
        -- the recent window: the last behavior_recent_window_days days through as_of's day
        sum(case when days_ago < {{ recent_days }} then impact_points else 0 end) as recent_points,
        sum(case when days_ago < {{ recent_days }} then 1 else 0 end) as recent_events_count,
        sum(case when days_ago < {{ recent_days }} and business_impact = 'high' then 1 else 0 end)
            as recent_high_impact_events_count,
        count(distinct case when days_ago < {{ recent_days }} then activity_date end) as recent_active_days,
        -- trend: the last behavior_trend_window_days days vs the same span before them
        sum(case when days_ago < {{ trend_days }} then impact_points else 0 end) as trend_current_points,
        sum(case when days_ago >= {{ trend_days }} and days_ago < {{ 2 * trend_days }} then impact_points else 0 end)
            as trend_previous_points
    from events_windowed
    group by customer_id

),

customer_scores as (

    select
        customer_totals.*,
        {%- for area in areas %}
        least(100.0, 100.0 * {{ area }}_points / {{ full_points }}) as {{ area }}_score,
        {%- endfor %}
        recent_points / ({{ recent_days }} / 7.0) as systematic_progression_rate,
        {{ days_between('cast(last_activity_at as date)', 'cast(' ~ as_of() ~ ' as date)') }} as days_since_last_activity,
        recent_active_days < {{ var('behavior_consistent_min_active_days') }} as inconsistent_system_usage,
        coalesce(
            recent_events_count > 0
            and 1.0 * recent_high_impact_events_count / recent_events_count < {{ var('behavior_high_impact_min_share') }},
            false
        ) as low_business_impact_actions,
        case
            when trend_current_points > trend_previous_points * (1 + {{ var('behavior_trend_min_change_ratio') }})
                then 'improving'
            when trend_current_points < trend_previous_points * (1 - {{ var('behavior_trend_min_change_ratio') }})
                then 'declining'
            else 'stable'
        end as professional_credibility_trend
    from customer_totals

),

customer_scaling as (

    select
        customer_scores.*,
        (
            {%- for area in areas %}
            {{ var('behavior_scaling_weight_' ~ area) }} * {{ area }}_score{{ ' +' if not loop.last }}
            {%- endfor %}
        ) / (
            {%- for area in areas %}
            {{ var('behavior_scaling_weight_' ~ area) }}{{ ' +' if not loop.last }}
            {%- endfor %}
        ) as current_scaling_score,
        -- the weakest area (ties: the order customer_intelligence, value_communication,
        -- sales_execution, systematic_optimization)
        case
            {%- for area in areas %}
            when {{ area }}_score <= least({% for other in areas %}{{ other }}_score{{ ', ' if not loop.last }}{% endfor %})
                then '{{ area }}'
            {%- endfor %}
        end as weakest_competency_area,
        least({% for area in areas %}{{ area }}_score{{ ', ' if not loop.last }}{% endfor %}) as weakest_competency_score
    from customer_scores

),

final as (

    select
        customer_id,
        customer_id as user_id,
        account_id,
        {%- for area in areas %}
        cast({{ area }}_points as {{ dbt.type_bigint() }}) as {{ area }}_points,
        {{ area }}_score,
        {%- endfor %}
        current_scaling_score,
        systematic_progression_rate,
        professional_credibility_trend,
        cast(trend_current_points as {{ dbt.type_bigint() }}) as trend_current_points,
        cast(trend_previous_points as {{ dbt.type_bigint() }}) as trend_previous_points,
        weakest_competency_area,
        total_events_count,
        cast(total_competency_points as {{ dbt.type_bigint() }}) as total_competency_points,
        total_tool_sessions,
        cast(total_exports_generated as {{ dbt.type_bigint() }}) as total_exports_generated,
        cast(total_resources_created as {{ dbt.type_bigint() }}) as total_resources_created,
        recent_active_days,
        cast(recent_events_count as {{ dbt.type_bigint() }}) as recent_events_count,
        cast(recent_high_impact_events_count as {{ dbt.type_bigint() }}) as recent_high_impact_events_count,
        first_activity_at,
        last_activity_at as last_session_timestamp,
        days_since_last_activity,
        inconsistent_system_usage,
        low_business_impact_actions,
        {{ array_to_json(non_null_list([
            "case when days_since_last_activity > " ~ var('behavior_reengage_after_days') ~ " then 're_engage' end",
            "case when inconsistent_system_usage then 'build_weekly_routine' end",
            "case when low_business_impact_actions then 'focus_on_high_impact_actions' end",
            "case when weakest_competency_score < " ~ var('behavior_weak_competency_below') ~ " then 'develop_' || weakest_competency_area end",
            "case when total_exports_generated = 0 then 'export_and_share_results' end",
        ])) }} as next_recommended_actions
    from customer_scaling

)

select * from final
