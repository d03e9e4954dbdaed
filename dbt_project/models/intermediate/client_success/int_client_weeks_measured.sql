{%- set high_value_types = "'" ~ var('cs_high_value_event_types') | join("', '") ~ "'" -%}
{%- set progress_types = "'" ~ var('cs_progress_event_types') | join("', '") ~ "'" -%}
-- The inputs of the client success score per (client, ISO week, evaluation): what happened in
-- the span each row measures — a complete week up to its end, the current week up to as_of,
-- and (evaluation = 'previous_span') the same elapsed span of the week before the current one —
-- with progress and feedback counted to date and the tasks' states at the measuring moment.
-- client_success_scores turns these into scores. Rules: docs/metrics.md, "Client success".
with

evaluations as (

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
        occurred_at,
        {{ iso_week_start('occurred_at') }} as week_start,
        cast(occurred_at as date) as activity_date,
        event_type in ({{ high_value_types }}) as is_high_value,
        event_type in ({{ progress_types }}) as is_progress,
        event_type = 'feedback_given' and feedback_score is not null as is_feedback
    from engagement_events
    where client_id is not null
      and occurred_at <= {{ as_of() }}

),

-- what happened before each week began: progress and feedback are counted up to the moment
weeks_before as (

    select
        client_id,
        week_start,
        count(case when is_progress then 1 end) as progress_events_count,
        count(case when is_feedback then 1 end) as feedback_count,
        -- an exact decimal: the same sum whatever order the rows come in
        sum(case when is_feedback then cast(feedback_score as decimal(9, 4)) end) as feedback_score_sum
    from events_as_of
    group by client_id, week_start

),

week_totals as (

    -- every week of the client's spine, with or without events
    select
        evaluations.client_id,
        evaluations.week_start,
        coalesce(weeks_before.progress_events_count, 0) as progress_events_count,
        coalesce(weeks_before.feedback_count, 0) as feedback_count,
        coalesce(weeks_before.feedback_score_sum, 0) as feedback_score_sum
    from evaluations
    left join weeks_before
        on evaluations.client_id = weeks_before.client_id
        and evaluations.week_start = weeks_before.week_start
    where evaluations.evaluation = 'week'

),

running_before as (

    select
        client_id,
        week_start,
        coalesce(sum(progress_events_count) over earlier_weeks, 0) as progress_events_before,
        coalesce(sum(feedback_count) over earlier_weeks, 0) as feedback_count_before,
        coalesce(sum(feedback_score_sum) over earlier_weeks, 0) as feedback_score_sum_before
    from week_totals
    window earlier_weeks as (
        partition by client_id
        order by week_start
        rows between unbounded preceding and 1 preceding
    )

),

-- the events inside each measured span, and inside the same span of the week before
span_events as (

    select
        evaluations.client_id,
        evaluations.week_start,
        evaluations.evaluation,
        events_as_of.activity_date,
        events_as_of.event_type,
        events_as_of.is_high_value,
        events_as_of.is_progress,
        events_as_of.is_feedback,
        events_as_of.feedback_score,
        events_as_of.week_start = evaluations.week_start as is_this_week
    from evaluations
    inner join events_as_of
        on evaluations.client_id = events_as_of.client_id
        and events_as_of.week_start in (evaluations.week_start, {{ add_days('evaluations.week_start', -7) }})
    where {{ seconds_between(
              'cast(events_as_of.week_start as ' ~ dbt.type_timestamp() ~ ')', 'events_as_of.occurred_at'
          ) }} < evaluations.days_elapsed * 86400
       or (
          evaluations.is_end_inclusive
          and {{ seconds_between(
              'cast(events_as_of.week_start as ' ~ dbt.type_timestamp() ~ ')', 'events_as_of.occurred_at'
          ) }} = evaluations.days_elapsed * 86400
       )

),

span_activity as (

    select
        client_id,
        week_start,
        evaluation,
        count(distinct case when is_this_week then activity_date end) as active_days,
        count(case when is_this_week then 1 end) as events_count,
        count(case when is_this_week and is_high_value then 1 end) as high_value_actions_count,
        count(case when is_this_week and event_type = 'content_generated' then 1 end) as content_generated_count,
        count(case when is_this_week and event_type = 'visual_created' then 1 end) as visual_created_count,
        count(case when not is_this_week then 1 end) as previous_span_events_count,
        count(case when is_this_week and is_progress then 1 end) as progress_events_in_span,
        count(case when is_this_week and is_feedback then 1 end) as feedback_count_in_span,
        sum(case when is_this_week and is_feedback then cast(feedback_score as decimal(9, 4)) end)
            as feedback_score_sum_in_span
    from span_events
    group by client_id, week_start, evaluation

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

span_task_states as (

    -- a task's state at the measuring moment: its latest change at or before it
    select
        evaluations.client_id,
        evaluations.week_start,
        evaluations.evaluation,
        count(case when task_states.task_type = 'onboarding' then 1 end) as onboarding_tasks_count,
        count(case when task_states.task_type = 'onboarding' and task_states.status = 'done' then 1 end)
            as onboarding_tasks_done_count,
        count(case when task_states.task_type = 'launch_kit' and task_states.status = 'done' then 1 end)
            as launch_kit_tasks_done_count
    from evaluations
    inner join task_states
        on evaluations.client_id = task_states.client_id
        and task_states.valid_from <= evaluations.measured_at
        and (task_states.valid_until is null or task_states.valid_until > evaluations.measured_at)
    group by evaluations.client_id, evaluations.week_start, evaluations.evaluation

),

span_tasks_done as (

    -- tasks moved to done inside the span
    select
        evaluations.client_id,
        evaluations.week_start,
        evaluations.evaluation,
        count(distinct task_states.task_id) as tasks_done_count
    from evaluations
    inner join task_states
        on evaluations.client_id = task_states.client_id
        and task_states.valid_from >= cast(evaluations.week_start as {{ dbt.type_timestamp() }})
        and task_states.valid_from <= evaluations.measured_at
    where task_states.status = 'done'
      and coalesce(task_states.previous_status, '') <> 'done'
    group by evaluations.client_id, evaluations.week_start, evaluations.evaluation

),

final as (

    select
        evaluations.client_id,
        evaluations.organization_id,
        evaluations.week_start,
        evaluations.evaluation,
        evaluations.week_end_date,
        evaluations.is_complete_week,
        evaluations.is_current_week,
        evaluations.is_end_inclusive,
        evaluations.is_first_week,
        evaluations.first_event_at,
        evaluations.days_elapsed,
        evaluations.measured_at,
        coalesce(span_activity.active_days, 0) as active_days,
        coalesce(span_activity.events_count, 0) as events_count,
        coalesce(span_activity.high_value_actions_count, 0) as high_value_actions_count,
        coalesce(span_activity.content_generated_count, 0) as content_generated_count,
        coalesce(span_activity.visual_created_count, 0) as visual_created_count,
        coalesce(span_activity.previous_span_events_count, 0) as previous_span_events_count,
        coalesce(running_before.progress_events_before, 0)
            + coalesce(span_activity.progress_events_in_span, 0) as progress_events_to_date,
        coalesce(running_before.feedback_count_before, 0)
            + coalesce(span_activity.feedback_count_in_span, 0) as feedback_count_to_date,
        coalesce(running_before.feedback_score_sum_before, 0)
            + coalesce(span_activity.feedback_score_sum_in_span, 0) as feedback_score_sum_to_date,
        coalesce(span_task_states.onboarding_tasks_count, 0) as onboarding_tasks_count,
        coalesce(span_task_states.onboarding_tasks_done_count, 0) as onboarding_tasks_done_count,
        coalesce(span_task_states.launch_kit_tasks_done_count, 0) > 0 as is_launch_kit_viewed,
        coalesce(span_tasks_done.tasks_done_count, 0) as tasks_done_count
    from evaluations
    left join span_activity
        on evaluations.client_id = span_activity.client_id
        and evaluations.week_start = span_activity.week_start
        and evaluations.evaluation = span_activity.evaluation
    left join running_before
        on evaluations.client_id = running_before.client_id
        and evaluations.week_start = running_before.week_start
    left join span_task_states
        on evaluations.client_id = span_task_states.client_id
        and evaluations.week_start = span_task_states.week_start
        and evaluations.evaluation = span_task_states.evaluation
    left join span_tasks_done
        on evaluations.client_id = span_tasks_done.client_id
        and evaluations.week_start = span_tasks_done.week_start
        and evaluations.evaluation = span_tasks_done.evaluation

)

select * from final
