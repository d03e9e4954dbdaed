-- Weekly insights per (client, ISO week, insight type) from the week's score inputs
-- (the client-success app's "Weekly Insights"; rules in _client_success__models.yml).
with

success_scores as (

    select * from {{ ref('client_success_scores') }}

),

achievements as (

    select
        client_id,
        organization_id,
        week_start,
        is_current_week,
        'achievement' as insight_type,
        'medium' as priority,
        'Content created this week' as title,
        'You generated ' || cast(content_generated_count as {{ dbt.type_string() }})
            || case when content_generated_count = 1 then ' piece' else ' pieces' end
            || ' of content and created ' || cast(visual_created_count as {{ dbt.type_string() }})
            || case when visual_created_count = 1 then ' visual' else ' visuals' end
            || ' this week.' as message,
        cast(content_generated_count + visual_created_count as double) as metric_value
    from success_scores
    where content_generated_count + visual_created_count >= {{ var('cs_insight_achievement_min_items') }}

),

milestones as (

    select
        client_id,
        organization_id,
        week_start,
        is_current_week,
        'milestone' as insight_type,
        'high' as priority,
        case
            when onboarding_tasks_count > 0 and onboarding_tasks_done_count = onboarding_tasks_count
                then 'Onboarding complete'
            else 'Tasks completed'
        end as title,
        'You completed ' || cast(tasks_done_count as {{ dbt.type_string() }})
            || case when tasks_done_count = 1 then ' task' else ' tasks' end || ' this week'
            || case
                when onboarding_tasks_count > 0 and onboarding_tasks_done_count = onboarding_tasks_count
                    then ' and finished onboarding.'
                else '.'
            end as message,
        cast(tasks_done_count as double) as metric_value
    from success_scores
    where tasks_done_count >= {{ var('cs_insight_milestone_min_tasks') }}

),

recommendations as (

    select
        client_id,
        organization_id,
        week_start,
        is_current_week,
        'recommendation' as insight_type,
        'high' as priority,
        'Keep your momentum' as title,
        'You were active on ' || cast(active_days as {{ dbt.type_string() }})
            || case when active_days = 1 then ' day' else ' days' end
            || ' this week. Short, regular sessions (generate content, review insights) keep your progress going.'
            as message,
        cast(active_days as double) as metric_value
    from success_scores
    where active_days <= {{ var('cs_insight_low_activity_max_days') }}

),

tips as (

    select
        client_id,
        organization_id,
        week_start,
        is_current_week,
        'tip' as insight_type,
        'low' as priority,
        'Onboarding almost complete' as title,
        'You are ' || cast(onboarding_tasks_count - onboarding_tasks_done_count as {{ dbt.type_string() }})
            || case when onboarding_tasks_count - onboarding_tasks_done_count = 1 then ' task' else ' tasks' end
            || ' away from completing onboarding.' as message,
        cast(onboarding_tasks_done_count as double) / onboarding_tasks_count as metric_value
    from success_scores
    where onboarding_tasks_count > 0
      and onboarding_tasks_done_count < onboarding_tasks_count
      and cast(onboarding_tasks_done_count as double) / onboarding_tasks_count
          >= {{ var('cs_insight_onboarding_tip_min_ratio') }}

),

all_insights as (

    select * from achievements
    union all
    select * from milestones
    union all
    select * from recommendations
    union all
    select * from tips

),

final as (

    select
        {{ dbt.hash(dbt.concat(['client_id', "'|'", 'cast(week_start as ' ~ dbt.type_string() ~ ')', "'|'", 'insight_type'])) }}
            as insight_id,
        client_id,
        organization_id,
        week_start,
        is_current_week,
        insight_type,
        priority,
        title,
        message,
        metric_value
    from all_insights

)

select * from final
