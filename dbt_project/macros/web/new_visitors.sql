{#-
    is_new_visitor of fct_sessions (models/marts/web/fct_sessions.sql): only the sessions that a
    --full-refresh can rebuild from retained data count as earlier sessions of an actor.
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
    Post-hook of fct_sessions: as sessions age out of the rebuildable window (retention), an
    actor's first session in the window changes without any of its sessions being rebuilt.
    Re-stamp is_new_visitor (and processed_at) of the sessions in the window whose flag no
    longer matches; sessions older than the window keep theirs.
-#}
{% macro restamp_new_visitors(relation) -%}
    {{ return(adapter.dispatch('restamp_new_visitors')(relation)) }}
{%- endmacro %}

{% macro default__restamp_new_visitors(relation) -%}
    update {{ relation }} as sessions
    set
        is_new_visitor = restamped.is_new_visitor,
        processed_at = {{ processed_at() }}
    from (
        select
            session_id,
            not coalesce(
                min(started_at) over (partition by source, actor_id) < started_at, false
            ) as is_new_visitor
        from {{ relation }}
        where started_at >= {{ sessions_rebuildable_from('source') }}
    ) as restamped
    where sessions.session_id = restamped.session_id
      and sessions.is_new_visitor is distinct from restamped.is_new_visitor
{%- endmacro %}

{#-
    Spark: Parquet tables have no MERGE or UPDATE; the sessions whose flag changes are rewritten
    with the table's other rows (spark_rewrite_statement), nothing when no flag changes.
-#}
{% macro spark__restamp_new_visitors(relation) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set restamped -%}
        (
            select session_id, is_new_visitor
            from (
                select
                    session_id,
                    is_new_visitor as old_is_new_visitor,
                    not coalesce(
                        min(started_at) over (partition by source, actor_id) < started_at, false
                    ) as is_new_visitor
                from {{ relation }}
                where started_at >= {{ sessions_rebuildable_from('source') }}
            ) as flagged
            where not (old_is_new_visitor <=> is_new_visitor)
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
                {% if c.name | lower == 'is_new_visitor' -%}
                case when restamped.session_id is not null then restamped.is_new_visitor else sessions.is_new_visitor end as is_new_visitor
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
