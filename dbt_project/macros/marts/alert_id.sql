{#-
    The stable id of an alert: md5 of (alert_type, subject_type, subject_id, the period or
    moment the condition refers to), '|'-separated, the period as text. The same condition
    gets the same id on every run, whatever the as_of of the run.
-#}
{% macro alert_id(alert_type, subject_type, subject_id, condition_period) -%}
    {{ dbt.hash(dbt.concat([
        "coalesce(cast(" ~ alert_type ~ " as " ~ dbt.type_string() ~ "), '')", "'|'",
        "coalesce(cast(" ~ subject_type ~ " as " ~ dbt.type_string() ~ "), '')", "'|'",
        "coalesce(cast(" ~ subject_id ~ " as " ~ dbt.type_string() ~ "), '')", "'|'",
        "coalesce(cast(" ~ condition_period ~ " as " ~ dbt.type_string() ~ "), '')"
    ])) }}
{%- endmacro %}
