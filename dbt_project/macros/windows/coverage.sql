{#-
    The body of a query that counts, per group and day, the distinct members seen in the
    `window_days` days ending that day — without joining every day to every earlier day.

    A member seen on day d covers the days d .. d + window_days - 1; overlapping covers of one
    member are merged into runs, and each run contributes +1 on its first day and -1 on the day
    after its last. The query returns (`group_column`, delta_date, delta); a running sum of
    delta over a group's consecutive days is the count of members covering each day.

        select account_id, delta_date, delta from ({{ window_coverage_deltas(ref('x'), 'account_id', ['user_id'], 'activity_date', 30) }})
-#}
{% macro window_coverage_deltas(relation, group_column, member_columns, date_column, window_days) -%}
    {%- set partition = ([group_column] + member_columns) | join(', ') -%}
    with uses as (
        select distinct {{ partition }}, {{ date_column }} as use_date
        from {{ relation }}
        where {{ group_column }} is not null
    ),
    flagged as (
        select
            *,
            case
                when lag(use_date) over (partition by {{ partition }} order by use_date) is null then 1
                when {{ days_between('lag(use_date) over (partition by ' ~ partition ~ ' order by use_date)', 'use_date') }}
                    > {{ window_days }} then 1
                else 0
            end as is_run_start
        from uses
    ),
    numbered as (
        select
            *,
            sum(is_run_start) over (
                partition by {{ partition }}
                order by use_date
                rows between unbounded preceding and current row
            ) as run_number
        from flagged
    ),
    runs as (
        select
            {{ group_column }},
            min(use_date) as run_start_date,
            {{ add_days('max(use_date)', window_days) }} as run_end_exclusive_date
        from numbered
        group by {{ partition }}, run_number
    ),
    edges as (
        select {{ group_column }}, run_start_date as delta_date, 1 as delta from runs
        union all
        select {{ group_column }}, run_end_exclusive_date as delta_date, -1 as delta from runs
    )
    select {{ group_column }}, delta_date, sum(delta) as delta
    from edges
    group by {{ group_column }}, delta_date
{%- endmacro %}
