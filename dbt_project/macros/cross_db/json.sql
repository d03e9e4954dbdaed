{#-
    JSON helpers. Raw tables keep nested objects as JSON (DuckDB `json`; a string on Spark).
    `path` is a dotted path below the root, e.g. 'utc_time' or 'conversionEvent.value'.
-#}

{#- The value at `path` as text (SQL null when missing or JSON null). -#}
{% macro json_text(json_column, path) -%}
    {{ return(adapter.dispatch('json_text')(json_column, path)) }}
{%- endmacro %}

{% macro default__json_text(json_column, path) -%}
    json_extract_string({{ json_column }}, '$.{{ path }}')
{%- endmacro %}

{% macro spark__json_text(json_column, path) -%}
    get_json_object({{ json_column }}, '$.{{ path }}')
{%- endmacro %}


{#- The value at `path` as JSON (objects and arrays stay JSON). -#}
{% macro json_value(json_column, path) -%}
    {{ return(adapter.dispatch('json_value')(json_column, path)) }}
{%- endmacro %}

{% macro default__json_value(json_column, path) -%}
    json_extract({{ json_column }}, '$.{{ path }}')
{%- endmacro %}

{% macro spark__json_value(json_column, path) -%}
    get_json_object({{ json_column }}, '$.{{ path }}')
{%- endmacro %}


{#-
    A JSON object built from (key, sql expression) pairs, nulls kept as JSON null:
    json_object([('tool_id', 'tool_id'), ('metadata', 'event_metadata', 'json')]). A third
    element 'json' marks an expression that holds JSON text (a raw JSON column): it is nested
    as JSON, not quoted as a string (DuckDB knows it from the column's type, Spark does not).
-#}
{% macro json_object(pairs) -%}
    {{ return(adapter.dispatch('json_object')(pairs)) }}
{%- endmacro %}

{% macro default__json_object(pairs) -%}
    json_object(
        {%- for pair in pairs %}
        '{{ pair[0] }}', {{ pair[1] }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro spark__json_object(pairs) -%}
    to_json(named_struct(
        {%- for pair in pairs %}
        '{{ pair[0] }}', {{ 'parse_json(' ~ pair[1] ~ ')' if pair | length > 2 and pair[2] == 'json' else pair[1] }}{{ ',' if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}


{#-
    A JSON array column as a list of its elements (JSON text each), to unnest with
    unnest_with_position in the next step:
        select ..., {{ json_array_elements('events') }} as event_jsons from batches
-#}
{% macro json_array_elements(json_array) -%}
    {{ return(adapter.dispatch('json_array_elements')(json_array)) }}
{%- endmacro %}

{% macro default__json_array_elements(json_array) -%}
    cast(json_extract({{ json_array }}, '$[*]') as json[])
{%- endmacro %}

{% macro spark__json_array_elements(json_array) -%}
    from_json({{ json_array }}, 'array<string>')
{%- endmacro %}


{#-
    Select-list fragment giving one row per element of a list column: `<element_alias>` and
    `<index_alias>` (0-based position); an empty or null list gives no row. It goes in the
    select list (not in FROM) so that a filter on the other columns, such as an incremental
    run's `_loaded_at > ...`, still reaches the scan below it:
        select batch_id, {{ unnest_with_position('event_jsons', 'event_json', 'event_index') }}, _loaded_at
        from batch_event_lists
-#}
{% macro unnest_with_position(list_column, element_alias, index_alias) -%}
    {{ return(adapter.dispatch('unnest_with_position')(list_column, element_alias, index_alias)) }}
{%- endmacro %}

{% macro default__unnest_with_position(list_column, element_alias, index_alias) -%}
    unnest({{ list_column }}) as {{ element_alias }},
    unnest(range(len({{ list_column }}))) as {{ index_alias }}
{%- endmacro %}

{% macro spark__unnest_with_position(list_column, element_alias, index_alias) -%}
    posexplode({{ list_column }}) as ({{ index_alias }}, {{ element_alias }})
{%- endmacro %}


{#- An aggregate: one JSON object (text) of key -> value over the rows of a group. -#}
{% macro json_object_agg(key_expression, value_expression) -%}
    {{ return(adapter.dispatch('json_object_agg')(key_expression, value_expression)) }}
{%- endmacro %}

{% macro default__json_object_agg(key_expression, value_expression) -%}
    cast(json_group_object({{ key_expression }}, {{ value_expression }}) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__json_object_agg(key_expression, value_expression) -%}
    to_json(map_from_entries(collect_list(struct({{ key_expression }}, {{ value_expression }}))))
{%- endmacro %}
