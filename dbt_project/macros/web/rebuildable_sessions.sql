{#-
    The actor-level columns of fct_sessions (models/marts/web/fct_sessions.sql), is_new_visitor
    and blended_user_id: only the sessions that a --full-refresh can rebuild from retained data
    count, so an incremental table and a full refresh agree however long the table has run.
-#}

{#-
    The start of the sessions a full refresh can rebuild, for a session of `source`: the
    sessions retention, and for widget sessions also the raw widget event retention (older
    widget sessions are kept beyond their raw events, which are gone).
-#}
{% macro sessions_rebuildable_from(source) -%}
    case
        when {{ source }} = 'widget'
            then greatest({{ retention_cutoff('widget_raw_events') }}, {{ retention_cutoff('sessions') }})
        else {{ retention_cutoff('sessions') }}
    end
{%- endmacro %}

{#-
    A query body: one row per session of `relation` in the rebuildable window, with the
    actor-level columns recomputed from the window's sessions (session_id, is_new_visitor,
    blended_user_id) and their values as built (old_is_new_visitor, old_blended_user_id).
-#}
{% macro rebuildable_session_identities(relation) -%}
    select
        sessions.session_id,
        sessions.is_new_visitor as old_is_new_visitor,
        sessions.blended_user_id as old_blended_user_id,
        not coalesce(actors.first_session_started_at < sessions.started_at, false) as is_new_visitor,
        actors.blended_user_id
    from {{ relation }} as sessions
    inner join (
        select
            source,
            actor_id,
            min(started_at) as first_session_started_at,
            coalesce({{ last_non_null_by('user_id', 'started_at') }}, actor_id) as blended_user_id
        from {{ relation }}
        where started_at >= {{ sessions_rebuildable_from('source') }}
        group by source, actor_id
    ) as actors
        on sessions.source = actors.source
        and sessions.actor_id = actors.actor_id
    where sessions.started_at >= {{ sessions_rebuildable_from('sessions.source') }}
{%- endmacro %}

{#-
    Post-hook of fct_sessions: as sessions age out of the rebuildable window (retention), an
    actor's first session in the window, and the latest one that names a user, change without
    any of its sessions being rebuilt. Re-stamp is_new_visitor, blended_user_id (and
    processed_at) of the sessions in the window whose values no longer match; sessions older
    than the window keep theirs.
-#}
{% macro restamp_rebuildable_sessions(relation) -%}
    {{ return(adapter.dispatch('restamp_rebuildable_sessions')(relation)) }}
{%- endmacro %}

{% macro default__restamp_rebuildable_sessions(relation) -%}
    update {{ relation }} as sessions
    set
        is_new_visitor = restamped.is_new_visitor,
        blended_user_id = restamped.blended_user_id,
        processed_at = {{ processed_at() }}
    from (
        {{ rebuildable_session_identities(relation) }}
    ) as restamped
    where sessions.session_id = restamped.session_id
      and (
          restamped.old_is_new_visitor is distinct from restamped.is_new_visitor
          or restamped.old_blended_user_id is distinct from restamped.blended_user_id
      )
{%- endmacro %}

{#-
    Spark: Parquet tables have no MERGE or UPDATE; the sessions whose values change are
    rewritten with the table's other rows (spark_rewrite_statement), nothing when none changes.
-#}
{% macro spark__restamp_rebuildable_sessions(relation) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set restamped -%}
        (
            select session_id, is_new_visitor, blended_user_id
            from ({{ rebuildable_session_identities(relation) }}) as identities
            where not (old_is_new_visitor <=> is_new_visitor)
               or not (old_blended_user_id <=> blended_user_id)
        )
    {%- endset -%}
    {%- set changed = run_query("select count(*) from " ~ restamped ~ " as restamped") -%}
    {%- if changed.rows[0][0] > 0 -%}
        {%- set partition_columns = spark_partition_columns() -%}
        {%- set columns = adapter.get_columns_in_relation(relation) -%}
        {%- set removed_sql -%}
            select sessions.* from {{ relation }} as sessions
            left semi join {{ restamped }} as restamped on sessions.session_id = restamped.session_id
        {%- endset -%}
        {%- set kept_sql -%}
            select
                {%- for c in columns %}
                {% if c.name | lower in ('is_new_visitor', 'blended_user_id') -%}
                case when restamped.session_id is not null then restamped.{{ c.name | lower }} else sessions.{{ c.quoted }} end as {{ c.name | lower }}
                {%- elif c.name | lower == 'processed_at' -%}
                case when restamped.session_id is not null then {{ processed_at() }} else sessions.processed_at end as processed_at
                {%- else -%}
                sessions.{{ c.quoted }}
                {%- endif %}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ relation }} as sessions
            {{ spark_in_touched_partitions('sessions', partition_columns) }}
            left join {{ restamped }} as restamped on sessions.session_id = restamped.session_id
        {%- endset -%}
        {{ spark_rewrite_statement(relation, partition_columns, removed_sql, kept_sql, none) }}
    {%- endif -%}
{%- endmacro %}
