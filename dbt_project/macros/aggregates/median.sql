{#- The median of a numeric expression: an aggregate, also usable over a window frame. -#}
{% macro median_value(expression) -%}
    {{ return(adapter.dispatch('median_value')(expression)) }}
{%- endmacro %}

{% macro default__median_value(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median_value(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
