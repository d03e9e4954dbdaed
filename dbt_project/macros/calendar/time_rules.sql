{#-
    The time rules of the weekly and windowed marts (docs/metrics.md, "Time rules").

    A week is the ISO week, Monday 00:00 to the next Monday 00:00 UTC. It is *complete* once
    as_of has reached its end; the current week is measured as of as_of. A partial week is
    scored on the same footing as a whole one: volume targets are scaled by days_elapsed / 7.
    "N days ending at T" is the half-open interval (T - N days, T], by timestamp.
-#}

{#- The moment a week is measured at: its end (the next Monday 00:00), the current week as_of. -#}
{% macro week_measured_at(week_start) -%}
    least(cast({{ dbt.dateadd('day', 7, week_start) }} as {{ dbt.type_timestamp() }}), {{ as_of() }})
{%- endmacro %}


{#- Whether as_of has reached the week's end. -#}
{% macro is_complete_week(week_start) -%}
    (cast({{ dbt.dateadd('day', 7, week_start) }} as {{ dbt.type_timestamp() }}) <= {{ as_of() }})
{%- endmacro %}


{#-
    Days of the week elapsed at its measuring moment: 7 for a complete week, as_of - Monday in
    (fractional) days for the current one, at least one hour.
-#}
{% macro week_days_elapsed(week_start) -%}
    greatest(
        1.0 / 24,
        {{ seconds_between('cast(' ~ week_start ~ ' as ' ~ dbt.type_timestamp() ~ ')', week_measured_at(week_start)) }} / 86400.0
    )
{%- endmacro %}


{#- A week's volume target: the whole-week `target` scaled by days_elapsed / 7. -#}
{% macro scaled_target(target, days_elapsed) -%}
    ({{ target }} * {{ days_elapsed }} / 7.0)
{%- endmacro %}


{#- Seconds from `start` to `end` (timestamps), as a number (fractional on DuckDB). -#}
{% macro seconds_between(start, end) -%}
    {{ return(adapter.dispatch('seconds_between')(start, end)) }}
{%- endmacro %}

{% macro default__seconds_between(start, end) -%}
    (epoch({{ end }}) - epoch({{ start }}))
{%- endmacro %}

{% macro spark__seconds_between(start, end) -%}
    ((unix_micros({{ end }}) - unix_micros({{ start }})) / 1000000.0)
{%- endmacro %}


{#- Whole days from `start` to `end` (timestamps, rounded down): 'days since'. -#}
{% macro whole_days_between(start, end) -%}
    cast(floor({{ seconds_between(start, end) }} / 86400.0) as {{ dbt.type_bigint() }})
{%- endmacro %}


{#- The start of "N days ending at T": T - N days (the interval is (start, T]). -#}
{% macro window_start(end_timestamp, days) -%}
    {{ dbt.dateadd('day', -1 * days, end_timestamp) }}
{%- endmacro %}


{#- The moment a day is measured at: its end (the next 00:00), as_of's own day at as_of. -#}
{% macro day_measured_at(day) -%}
    least(cast({{ dbt.dateadd('day', 1, day) }} as {{ dbt.type_timestamp() }}), {{ as_of() }})
{%- endmacro %}


{#- The latest day as_of has started: as_of's date, or the day before when as_of is 00:00. -#}
{% macro last_measured_date() -%}
    cast({{ dbt.dateadd('second', -1, as_of()) }} as date)
{%- endmacro %}
