{#- The "as of" timestamp (UTC) every time-relative model uses: var('as_of'), else now. -#}
{% macro as_of() -%}
    {{ return(adapter.dispatch('as_of')()) }}
{%- endmacro %}

{% macro default__as_of() -%}
    {%- set value = var('as_of', none) -%}
    {%- if value is none or value == '' -%}
        cast(timezone('UTC', current_timestamp) as timestamp)
    {%- else -%}
        cast('{{ value }}' as timestamp)
    {%- endif -%}
{%- endmacro %}

{#- Spark: timestamps are read in the session time zone, UTC (profile). -#}
{% macro spark__as_of() -%}
    {%- set value = var('as_of', none) -%}
    {%- if value is none or value == '' -%}
        current_timestamp()
    {%- else -%}
        cast('{{ value }}' as timestamp)
    {%- endif -%}
{%- endmacro %}
