{%- set weighted_overall -%}
    {{ var('cs_weight_engagement') }} * engagement_raw
    + {{ var('cs_weight_activation') }} * activation_raw
    + {{ var('cs_weight_progress') }} * progress_raw
    + {{ var('cs_weight_satisfaction') }} * satisfaction_raw
    + {{ var('cs_weight_momentum') }} * momentum_raw
{%- endset -%}
-- Client success score per (client, ISO week): every complete week measured at its end, and
-- the current week (is_complete_week = false) measured at as_of on the same footing — its
-- volume targets scaled by days_elapsed / 7, its momentum and score change against the same
-- elapsed span of the previous week. The measured inputs come from int_client_weeks_measured.
-- Rules and a worked example: docs/metrics.md, "Client success".
with

inputs as (

    select * from {{ ref('int_client_weeks_measured') }}

),

component_scores as (

    select
        *,
        case
            when feedback_count_to_date > 0 then cast(feedback_score_sum_to_date as double) / feedback_count_to_date
        end as feedback_score_avg,
        100 * (
            {{ var('cs_engagement_active_days_weight') }}
                * least(1.0, active_days / {{ scaled_target(7, 'days_elapsed') }})
            + {{ var('cs_engagement_events_weight') }}
                * least(1.0, events_count / {{ scaled_target(var('cs_engagement_events_target'), 'days_elapsed') }})
            + {{ var('cs_engagement_high_value_weight') }}
                * least(1.0, high_value_actions_count
                    / {{ scaled_target(var('cs_engagement_high_value_target'), 'days_elapsed') }})
        ) as engagement_raw,
        100 * (
            {{ var('cs_activation_onboarding_weight') }} * case
                when onboarding_tasks_count > 0
                    then cast(onboarding_tasks_done_count as double) / onboarding_tasks_count
                else 0
            end
            + {{ var('cs_activation_launch_kit_weight') }} * case when is_launch_kit_viewed then 1 else 0 end
        ) as activation_raw,
        100 * least(1.0, cast(progress_events_to_date as double) / {{ var('cs_progress_target') }}) as progress_raw,
        case
            when feedback_count_to_date > 0
                then (cast(feedback_score_sum_to_date as double) / feedback_count_to_date - 1) * 25
            else {{ var('cs_satisfaction_default_score') }}
        end as satisfaction_raw,
        50 + 50 * greatest(-1.0, least(1.0,
            cast(events_count - previous_span_events_count as double)
            / greatest(previous_span_events_count, 1)
        )) as momentum_raw
    from inputs

),

overall_scores as (

    select
        *,
        {{ round_half_up(weighted_overall) }} as overall_score
    from component_scores

),

weeks_compared as (

    -- a complete week against the complete week before it; the current week against the
    -- previous week measured over the same span
    select
        weeks.*,
        coalesce(previous_span.overall_score, previous_week.overall_score) as previous_overall_score
    from overall_scores as weeks
    left join overall_scores as previous_week
        on weeks.client_id = previous_week.client_id
        and previous_week.evaluation = 'week'
        and previous_week.week_start = {{ add_days('weeks.week_start', -7) }}
        and weeks.is_complete_week
    left join overall_scores as previous_span
        on weeks.client_id = previous_span.client_id
        and previous_span.evaluation = 'previous_span'
        and previous_span.week_start = {{ add_days('weeks.week_start', -7) }}
        and not weeks.is_complete_week
    where weeks.evaluation = 'week'

),

final as (

    select
        client_id,
        organization_id,
        week_start,
        week_end_date,
        is_complete_week,
        is_current_week,
        cast(round(days_elapsed, 4) as double) as days_elapsed,
        measured_at,
        cast(active_days as {{ dbt.type_bigint() }}) as active_days,
        cast(events_count as {{ dbt.type_bigint() }}) as events_count,
        cast(previous_span_events_count as {{ dbt.type_bigint() }}) as previous_week_events_count,
        cast(high_value_actions_count as {{ dbt.type_bigint() }}) as high_value_actions_count,
        cast(content_generated_count as {{ dbt.type_bigint() }}) as content_generated_count,
        cast(visual_created_count as {{ dbt.type_bigint() }}) as visual_created_count,
        cast(progress_events_to_date as {{ dbt.type_bigint() }}) as progress_events_to_date,
        cast(onboarding_tasks_count as {{ dbt.type_bigint() }}) as onboarding_tasks_count,
        cast(onboarding_tasks_done_count as {{ dbt.type_bigint() }}) as onboarding_tasks_done_count,
        is_launch_kit_viewed,
        cast(tasks_done_count as {{ dbt.type_bigint() }}) as tasks_done_count,
        cast(feedback_count_to_date as {{ dbt.type_bigint() }}) as feedback_count_to_date,
        {{ round_half_up('feedback_score_avg') }} as feedback_score_avg,
        {{ round_half_up('engagement_raw') }} as engagement_score,
        {{ round_half_up('activation_raw') }} as activation_score,
        {{ round_half_up('progress_raw') }} as progress_score,
        {{ round_half_up('satisfaction_raw') }} as satisfaction_score,
        {{ round_half_up('momentum_raw') }} as momentum_score,
        overall_score,
        case
            when overall_score >= {{ var('cs_band_excellent_min') }} then 'excellent'
            when overall_score >= {{ var('cs_band_good_min') }} then 'good'
            when overall_score >= {{ var('cs_band_needs_attention_min') }} then 'needs_attention'
            else 'at_risk'
        end as score_band,
        previous_overall_score,
        {{ round_half_up('overall_score - previous_overall_score') }} as score_change,
        -- first week: no previous score, no change, 'stable'. A partial week's change must be
        -- larger by sqrt(7 / days_elapsed): fewer days give noisier counts (docs/metrics.md)
        case
            when previous_overall_score is null then 'stable'
            when overall_score - previous_overall_score
                >= {{ var('cs_trend_min_change') }} * sqrt(7.0 / days_elapsed) then 'rising'
            when overall_score - previous_overall_score
                <= -{{ var('cs_trend_min_change') }} * sqrt(7.0 / days_elapsed) then 'declining'
            else 'stable'
        end as trend
    from weeks_compared

)

select * from final
