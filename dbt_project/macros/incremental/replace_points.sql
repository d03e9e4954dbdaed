{#-
    The replace point of an incremental sessionization, a query body: for every touched actor
    (source, actor_id, first_changed_at: the time of its earliest new or changed event), the
    moment from which its sessions must be rebuilt. A session already built that was still
    active less than the session timeout before the first change can be extended or merged by
    it, so the actor is rebuilt from the start of the earliest such session; otherwise from the
    first change itself.

    touched_relation: relation or CTE name with source, actor_id, first_changed_at
    built_relation:   the table built so far (this), one row per event or per session
    last_active_column: its time the session was last active at (an event's occurred_at, a
                      session's ended_at)
    session_start_column: its time the session started at
    Returns source, actor_id, replace_from.
-#}
{% macro session_replace_points(touched_relation, built_relation, last_active_column, session_start_column, timeout_minutes) -%}
    select
        touched_actors.source,
        touched_actors.actor_id,
        least(touched_actors.first_changed_at, min(built.{{ session_start_column }})) as replace_from
    from {{ touched_relation }} as touched_actors
    left join {{ built_relation }} as built
        on touched_actors.source = built.source
        and touched_actors.actor_id = built.actor_id
        and built.{{ last_active_column }}
            > {{ dbt.dateadd('minute', -1 * timeout_minutes, 'touched_actors.first_changed_at') }}
        -- the same bound for all actors at once, so the scan drops most rows before the join
        and built.{{ last_active_column }}
            > (select {{ dbt.dateadd('minute', -1 * timeout_minutes, 'min(first_changed_at)') }} from {{ touched_relation }})
    group by touched_actors.source, touched_actors.actor_id, touched_actors.first_changed_at
{%- endmacro %}
