{#- The calendar month of a date or timestamp as text 'YYYY-MM' (the `period` of monthly rows). -#}
{% macro year_month(date_expression) -%}
    {{ return(adapter.dispatch('year_month')(date_expression)) }}
{%- endmacro %}

{% macro default__year_month(date_expression) -%}
    strftime(cast({{ date_expression }} as date), '%Y-%m')
{%- endmacro %}

{% macro spark__year_month(date_expression) -%}
    date_format({{ date_expression }}, 'yyyy-MM')
{%- endmacro %}
