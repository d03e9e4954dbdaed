{#-
    A list (array) of the given SQL expressions with the null ones left out, in order:
    non_null_list(["case when csat >= 4.5 then 'Excellent customer satisfaction' end", ...]).
    An empty list when all are null. DuckDB list_filter, Spark filter(array(...)).
-#}
{% macro non_null_list(expressions) -%}
    {{ return(adapter.dispatch('non_null_list')(expressions)) }}
{%- endmacro %}

{% macro default__non_null_list(expressions) -%}
    list_filter(
        [
            {%- for expression in expressions %}
            cast({{ expression }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
            {%- endfor %}
        ],
        lambda item: item is not null
    )
{%- endmacro %}

{% macro spark__non_null_list(expressions) -%}
    filter(
        array(
            {%- for expression in expressions %}
            cast({{ expression }} as string){{ ',' if not loop.last }}
            {%- endfor %}
        ),
        item -> item is not null
    )
{%- endmacro %}
