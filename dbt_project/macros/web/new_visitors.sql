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

{% macro spark__restamp_new_visitors(relation) -%}
    merge into {{ relation }} as sessions
    using (
        select
            session_id,
            not coalesce(
                min(started_at) over (partition by source, actor_id) < started_at, false
            ) as is_new_visitor
        from {{ relation }}
        where started_at >= {{ sessions_rebuildable_from('source') }}
    ) as restamped
    on sessions.session_id = restamped.session_id
       and not (sessions.is_new_visitor <=> restamped.is_new_visitor)
    when matched then update set
        sessions.is_new_visitor = restamped.is_new_visitor,
        sessions.processed_at = {{ processed_at() }}
{%- endmacro %}
