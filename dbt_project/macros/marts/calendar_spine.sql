{#-
    A date spine: a subquery (select it, or join it) with one row per date from `start_date` to
    `end_date`, both included, every `step_days` days, in a `date` column named `column_name`.
    `start_date` / `end_date` are SQL expressions (literals, casts, scalar subqueries); an
    empty spine when start is after end. Adapter-dispatched (DuckDB generate_series, Spark
    sequence + explode).

        cross join ({{ calendar_spine("date '2024-05-01'", as_of() ~ '::date') }}) as days
-#}
{% macro calendar_spine(start_date, end_date, step_days=1, column_name='date_day') -%}
    {{ return(adapter.dispatch('calendar_spine')(start_date, end_date, step_days, column_name)) }}
{%- endmacro %}

{% macro default__calendar_spine(start_date, end_date, step_days, column_name) -%}
    select cast(unnest(generate_series(
        cast({{ start_date }} as date),
        cast({{ end_date }} as date),
        interval '{{ step_days }} day'
    )) as date) as {{ column_name }}
{%- endmacro %}

{% macro spark__calendar_spine(start_date, end_date, step_days, column_name) -%}
    select explode(sequence(
        cast({{ start_date }} as date),
        cast({{ end_date }} as date),
        interval {{ step_days }} day
    )) as {{ column_name }}
    where cast({{ start_date }} as date) <= cast({{ end_date }} as date)
{%- endmacro %}
