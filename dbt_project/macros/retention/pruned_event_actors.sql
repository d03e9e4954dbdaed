{#-
    The actors whose events a prune deleted from fct_events (the table raw._pruned_event_actors
    that ingestion/retention.py writes: source, actor_id, first_pruned_at): the next incremental
    build re-sessionizes what is left of each from there, as a full refresh would, then empties
    it. The relation, or none when no prune has written it (or off DuckDB, where nothing prunes).
-#}
{% macro pruned_event_actors_relation() -%}
    {%- if not execute or target.type != 'duckdb' -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema='raw', identifier='_pruned_event_actors')) }}
{%- endmacro %}

{#- A hook: empty the table once fct_events has re-sessionized its actors (nothing without it). -#}
{% macro clear_pruned_event_actors() -%}
    {%- set relation = pruned_event_actors_relation() -%}
    {%- if relation is not none -%}delete from {{ relation }}{%- endif -%}
{%- endmacro %}
