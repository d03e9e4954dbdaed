{#-
    Day arithmetic of the product and behavior marts (dates in UTC). default__ is the DuckDB
    form, spark__ the Spark SQL form. Date spines: calendar_spine (macros/marts).
-#}

{#- The date `days` days after a date or timestamp expression (negative goes back); a date. -#}
{% macro add_days(date_expression, days) -%}
    {{ return(adapter.dispatch('add_days')(date_expression, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expression, days) -%}
    cast(cast({{ date_expression }} as date) + cast({{ days }} as integer) as date)
{%- endmacro %}

{% macro spark__add_days(date_expression, days) -%}
    date_add(to_date({{ date_expression }}), cast({{ days }} as int))
{%- endmacro %}


{#- Whole days from `start_date` to `end_date` (both taken as dates; positive when end is later). -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    date_diff('day', cast({{ start_date }} as date), cast({{ end_date }} as date))
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff(to_date({{ end_date }}), to_date({{ start_date }}))
{%- endmacro %}


{#- The Monday (ISO week start, UTC) of the week holding a date or timestamp; a date. -#}
{% macro iso_week_start(date_expression) -%}
    {{ return(adapter.dispatch('iso_week_start')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_week_start(date_expression) -%}
    cast(date_trunc('week', cast({{ date_expression }} as date)) as date)
{%- endmacro %}

{% macro spark__iso_week_start(date_expression) -%}
    to_date(date_trunc('week', {{ date_expression }}))
{%- endmacro %}
