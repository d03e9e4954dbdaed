{#-
    The "as of" timestamp (UTC) every time-relative model uses: var('as_of'), else the
    environment variable EWH_AS_OF, else now.

    `ewh build`, Dagster and the tests pass it as EWH_AS_OF: dbt re-parses the whole project
    (about 12 s) whenever --vars change, but not when an environment variable read only at run
    time changes. It is read only when `execute` is true, so parsing never records it.
-#}
{% macro as_of_value() -%}
    {%- set value = var('as_of', none) -%}
    {%- if (value is none or value == '') and execute -%}
        {%- set value = env_var('EWH_AS_OF', '') -%}
    {%- endif -%}
    {{ return(none if value is none or value == '' else value) }}
{%- endmacro %}

{% macro as_of() -%}
    {{ return(adapter.dispatch('as_of')()) }}
{%- endmacro %}

{% macro default__as_of() -%}
    {%- set value = as_of_value() -%}
    {%- if value is none -%}
        cast(timezone('UTC', current_timestamp) as timestamp)
    {%- else -%}
        cast('{{ value }}' as timestamp)
    {%- endif -%}
{%- endmacro %}

{#- Spark: timestamps are read in the session time zone, UTC (profile). -#}
{% macro spark__as_of() -%}
    {%- set value = as_of_value() -%}
    {%- if value is none -%}
        current_timestamp()
    {%- else -%}
        cast('{{ value }}' as timestamp)
    {%- endif -%}
{%- endmacro %}
