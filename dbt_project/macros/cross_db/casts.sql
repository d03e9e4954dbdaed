{#- A cast that yields null instead of failing on a value that does not convert. -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{#-
    An ISO-8601 text (with or without offset, e.g. '2024-05-01T10:00:00.000Z') as a UTC
    `timestamp` without time zone; null when it does not parse.
-#}
{% macro parse_utc_timestamp(text_expression) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp')(text_expression)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(text_expression) -%}
    cast({{ text_expression }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(text_expression) -%}
    cast(timezone('UTC', try_cast({{ text_expression }} as timestamptz)) as timestamp)
{%- endmacro %}

{#- Spark: the session time zone is UTC (profile), so a cast normalises offsets to UTC. -#}
{% macro spark__parse_utc_timestamp(text_expression) -%}
    try_cast({{ text_expression }} as timestamp)
{%- endmacro %}


{#-
    `expression` (a double) rounded to `digits` decimals the same way on every engine: taken to
    a decimal of 9 places first, so a value that lies on a half (66.725) is not rounded down on
    one engine and up on another for a difference in the last bit of the double.
-#}
{% macro round_half_up(expression, digits=2) -%}
    cast(round(cast({{ expression }} as decimal(38, 9)), {{ digits }}) as double)
{%- endmacro %}
