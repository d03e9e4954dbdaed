{%- set high_value_types = "'" ~ var('cs_high_value_event_types') | join("', '") ~ "'" -%}
{%- set progress_types = "'" ~ var('cs_progress_event_types') | join("', '") ~ "'" -%}
-- Client success score per (client, ISO week), as of the week's end (DESIGN §4, seed 003).
with

client_weeks as (

    select * from {{ ref('int_client_weeks_spined') }}

),

engagement_events as (

    select * from {{ ref('stg_client_success__events') }}

),

task_updates as (

    select * from {{ ref('stg_client_success__task_updates') }}

),

events_as_of as (

    select
        client_id,
        event_type,
        feedback_score,
        cast({{ dbt.date_trunc('week', 'occurred_at') }} as date) as week_start,
        cast(occurred_at as date) as activity_date
    from engagement_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}

),

weekly_activity as (

    select
        client_id,
        week_start,
        count(distinct activity_date) as active_days,
        count(*) as events_count,
        count(case when event_type in ({{ high_value_types }}) then 1 end) as high_value_actions_count,
        count(case when event_type = 'content_generated' then 1 end) as content_generated_count,
        count(case when event_type = 'visual_created' then 1 end) as visual_created_count,
        count(case when event_type in ({{ progress_types }}) then 1 end) as progress_events_count,
        count(case when event_type = 'feedback_given' and feedback_score is not null then 1 end) as feedback_count,
        -- a decimal: an exact sum, whatever the order of the rows
        sum(case when event_type = 'feedback_given' then cast(feedback_score as decimal(9, 4)) end) as feedback_score_sum
    from events_as_of
    group by client_id, week_start

),

task_states as (

    -- each state change of a task holds from its time until the task's next change
    select
        task_id,
        client_id,
        task_type,
        status,
        updated_at as valid_from,
        lead(updated_at) over (partition by task_id order by updated_at) as valid_until,
        lag(status) over (partition by task_id order by updated_at) as previous_status
    from task_updates
    where updated_at <= {{ as_of() }}

),

weekly_task_states as (

    -- a task's state at a week's end: its latest change before the next Monday 00:00
    select
        client_weeks.client_id,
        client_weeks.week_start,
        count(case when task_states.task_type = 'onboarding' then 1 end) as onboarding_tasks_count,
        count(case when task_states.task_type = 'onboarding' and task_states.status = 'done' then 1 end)
            as onboarding_tasks_done_count,
        count(case when task_states.task_type = 'launch_kit' and task_states.status = 'done' then 1 end)
            as launch_kit_tasks_done_count
    from client_weeks
    inner join task_states
        on client_weeks.client_id = task_states.client_id
        and task_states.valid_from < {{ dbt.dateadd('day', 7, 'client_weeks.week_start') }}
        and (
            task_states.valid_until is null
            or task_states.valid_until >= {{ dbt.dateadd('day', 7, 'client_weeks.week_start') }}
        )
    group by client_weeks.client_id, client_weeks.week_start

),

weekly_tasks_done as (

    -- tasks moved to done during the week
    select
        client_id,
        cast({{ dbt.date_trunc('week', 'valid_from') }} as date) as week_start,
        count(distinct task_id) as tasks_done_count
    from task_states
    where status = 'done'
      and coalesce(previous_status, '') <> 'done'
    group by client_id, cast({{ dbt.date_trunc('week', 'valid_from') }} as date)

),

weeks_with_inputs as (

    select
        client_weeks.client_id,
        client_weeks.organization_id,
        client_weeks.week_start,
        client_weeks.week_end_date,
        client_weeks.scored_at,
        client_weeks.is_current_week,
        coalesce(weekly_activity.active_days, 0) as active_days,
        coalesce(weekly_activity.events_count, 0) as events_count,
        coalesce(weekly_activity.high_value_actions_count, 0) as high_value_actions_count,
        coalesce(weekly_activity.content_generated_count, 0) as content_generated_count,
        coalesce(weekly_activity.visual_created_count, 0) as visual_created_count,
        coalesce(weekly_activity.progress_events_count, 0) as progress_events_count,
        coalesce(weekly_activity.feedback_count, 0) as feedback_count,
        coalesce(weekly_activity.feedback_score_sum, 0) as feedback_score_sum,
        coalesce(weekly_task_states.onboarding_tasks_count, 0) as onboarding_tasks_count,
        coalesce(weekly_task_states.onboarding_tasks_done_count, 0) as onboarding_tasks_done_count,
        coalesce(weekly_task_states.launch_kit_tasks_done_count, 0) > 0 as is_launch_kit_viewed,
        coalesce(weekly_tasks_done.tasks_done_count, 0) as tasks_done_count
    from client_weeks
    left join weekly_activity
        on client_weeks.client_id = weekly_activity.client_id
        and client_weeks.week_start = weekly_activity.week_start
    left join weekly_task_states
        on client_weeks.client_id = weekly_task_states.client_id
        and client_weeks.week_start = weekly_task_states.week_start
    left join weekly_tasks_done
        on client_weeks.client_id = weekly_tasks_done.client_id
        and client_weeks.week_start = weekly_tasks_done.week_start

),

weeks_with_history as (

    -- the spine is contiguous per client, so the previous row is the previous week; the week
    -- before the first active week had no event
    select
        *,
        coalesce(
            lag(events_count) over (partition by client_id order by week_start),
            0
        ) as previous_week_events_count,
        sum(progress_events_count) over (
            partition by client_id order by week_start rows between unbounded preceding and current row
        ) as progress_events_to_date,
        sum(feedback_count) over (
            partition by client_id order by week_start rows between unbounded preceding and current row
        ) as feedback_count_to_date,
        sum(feedback_score_sum) over (
            partition by client_id order by week_start rows between unbounded preceding and current row
        ) as feedback_score_sum_to_date
    from weeks_with_inputs

),

component_scores as (

    select
        *,
        case
            when feedback_count_to_date > 0
                then cast(feedback_score_sum_to_date as double) / feedback_count_to_date
        end as feedback_score_avg,
        100 * (
            {{ var('cs_engagement_active_days_weight') }} * cast(active_days as double) / 7
            + {{ var('cs_engagement_events_weight') }}
                * least(1.0, cast(events_count as double) / {{ var('cs_engagement_events_target') }})
            + {{ var('cs_engagement_high_value_weight') }}
                * least(1.0, cast(high_value_actions_count as double) / {{ var('cs_engagement_high_value_target') }})
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
            cast(events_count - previous_week_events_count as double)
            / greatest(previous_week_events_count, 1)
        )) as momentum_raw
    from weeks_with_history

),

overall_scores as (

    select
        *,
        round(
            {{ var('cs_weight_engagement') }} * engagement_raw
            + {{ var('cs_weight_activation') }} * activation_raw
            + {{ var('cs_weight_progress') }} * progress_raw
            + {{ var('cs_weight_satisfaction') }} * satisfaction_raw
            + {{ var('cs_weight_momentum') }} * momentum_raw,
            2
        ) as overall_score
    from component_scores

),

scores_with_change as (

    select
        *,
        lag(overall_score) over (partition by client_id order by week_start) as previous_overall_score,
        round(
            overall_score - lag(overall_score) over (partition by client_id order by week_start),
            2
        ) as score_change
    from overall_scores

),

final as (

    select
        client_id,
        organization_id,
        week_start,
        week_end_date,
        scored_at,
        is_current_week,
        active_days,
        events_count,
        previous_week_events_count,
        high_value_actions_count,
        content_generated_count,
        visual_created_count,
        progress_events_to_date,
        onboarding_tasks_count,
        onboarding_tasks_done_count,
        is_launch_kit_viewed,
        tasks_done_count,
        feedback_count_to_date,
        round(feedback_score_avg, 2) as feedback_score_avg,
        round(engagement_raw, 2) as engagement_score,
        round(activation_raw, 2) as activation_score,
        round(progress_raw, 2) as progress_score,
        round(satisfaction_raw, 2) as satisfaction_score,
        round(momentum_raw, 2) as momentum_score,
        overall_score,
        case
            when overall_score >= {{ var('cs_band_excellent_min') }} then 'excellent'
            when overall_score >= {{ var('cs_band_good_min') }} then 'good'
            when overall_score >= {{ var('cs_band_needs_attention_min') }} then 'needs_attention'
            else 'at_risk'
        end as score_band,
        previous_overall_score,
        score_change,
        -- first week: no previous score, no change, 'stable'
        case
            when score_change is null then 'stable'
            when score_change >= {{ var('cs_trend_min_change') }} then 'rising'
            when score_change <= -{{ var('cs_trend_min_change') }} then 'declining'
            else 'stable'
        end as trend
    from scores_with_change

)

select * from final
