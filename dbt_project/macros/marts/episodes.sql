{#-
    The body of a query that turns alert *detections* into *episodes*: consecutive detections
    of the same subject (consecutive values of `period_number`, e.g. a day or week number) form
    one episode, with its first and last detection, how many detections it had, the worst
    severity seen (critical > warning > info) and the latest message, metric and threshold.

    `detections` is a relation (a CTE name) with one row per (subject, period): the
    `subject_columns`, the integer `period_number`, and detected_at, severity, message,
    metric_value, threshold_value, condition_period. The result has the subject columns,
    first_detected_at, last_detected_at, detections, severity, message, metric_value,
    threshold_value, condition_period (the first detection's) and last_period_number.
-#}
{% macro detection_episodes(detections, subject_columns, period_number='period_number') -%}
    {%- set subjects = subject_columns | join(', ') -%}
    select
        {{ subjects }},
        min(detected_at) as first_detected_at,
        max(detected_at) as last_detected_at,
        count(*) as detections,
        case max(case severity when 'critical' then 3 when 'warning' then 2 else 1 end)
            when 3 then 'critical'
            when 2 then 'warning'
            else 'info'
        end as severity,
        {{ last_non_null_by('message', 'detected_at') }} as message,
        {{ last_non_null_by('metric_value', 'detected_at') }} as metric_value,
        {{ last_non_null_by('threshold_value', 'detected_at') }} as threshold_value,
        {{ first_non_null_by('condition_period', 'detected_at') }} as condition_period,
        max({{ period_number }}) as last_period_number
    from (
        select
            *,
            {{ period_number }} - row_number() over (
                partition by {{ subjects }}
                order by {{ period_number }}
            ) as episode_key
        from {{ detections }}
    ) as numbered
    group by {{ subjects }}, episode_key
{%- endmacro %}


{#- Days since 1970-01-01 of a date or timestamp: the period number of a daily detection. -#}
{% macro day_number(date_expression) -%}
    {{ days_between("cast('1970-01-01' as date)", date_expression) }}
{%- endmacro %}


{#- Weeks since the Monday 1970-01-05 of a Monday: the period number of a weekly detection. -#}
{% macro week_number(monday_expression) -%}
    cast({{ days_between("cast('1970-01-05' as date)", monday_expression) }} / 7 as {{ dbt.type_bigint() }})
{%- endmacro %}
