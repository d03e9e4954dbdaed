{#-
    Aggregate: the values of `expression` as an array (a DuckDB list) ordered by the SQL
    expressions of the list `order_by` (ascending, first one first).
    default__ is the DuckDB form, spark__ the Spark SQL form (DESIGN §8).
-#}
{% macro ordered_array_agg(expression, order_by) -%}
    {{ return(adapter.dispatch('ordered_array_agg')(expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_array_agg(expression, order_by) -%}
    list({{ expression }} order by {{ order_by | join(', ') }})
{%- endmacro %}

{% macro spark__ordered_array_agg(expression, order_by) -%}
    transform(
        array_sort(collect_list(struct(
            {%- for key in order_by %}
            {{ key }} as sort_key_{{ loop.index }},
            {%- endfor %}
            {{ expression }} as element
        ))),
        x -> x.element
    )
{%- endmacro %}


{#- An array (list, see non_null_list) as JSON text / DuckDB json: '["a","b"]', '[]' when empty. -#}
{% macro array_to_json(array_expression) -%}
    {{ return(adapter.dispatch('array_to_json')(array_expression)) }}
{%- endmacro %}

{% macro default__array_to_json(array_expression) -%}
    to_json({{ array_expression }})
{%- endmacro %}

{% macro spark__array_to_json(array_expression) -%}
    to_json({{ array_expression }})
{%- endmacro %}


{#- An empty array of strings (to coalesce a missing list to). -#}
{% macro empty_string_array() -%}
    {{ return(adapter.dispatch('empty_string_array')()) }}
{%- endmacro %}

{% macro default__empty_string_array() -%}
    cast([] as varchar[])
{%- endmacro %}

{% macro spark__empty_string_array() -%}
    cast(array() as array<string>)
{%- endmacro %}


{#- The elements of an array of strings joined into one text with `separator`. -#}
{% macro join_strings(array_expression, separator) -%}
    {{ return(adapter.dispatch('join_strings')(array_expression, separator)) }}
{%- endmacro %}

{% macro default__join_strings(array_expression, separator) -%}
    array_to_string({{ array_expression }}, '{{ separator }}')
{%- endmacro %}

{% macro spark__join_strings(array_expression, separator) -%}
    array_join({{ array_expression }}, '{{ separator }}')
{%- endmacro %}
