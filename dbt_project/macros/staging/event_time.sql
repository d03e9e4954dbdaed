{#-
    The event-time rule of staging. An event time more than var('clock_skew_tolerance_hours')
    after the time the collector received the event is a wrong client clock: it is clamped to
    received_at and flagged. A null received_at never clamps.
-#}

{% macro is_clock_skewed(event_time, received_at) -%}
    coalesce(
        {{ event_time }} > {{ dbt.dateadd('hour', var('clock_skew_tolerance_hours'), received_at) }},
        false
    )
{%- endmacro %}

{% macro clamp_clock_skew(event_time, received_at) -%}
    case
        when {{ is_clock_skewed(event_time, received_at) }} then {{ received_at }}
        else {{ event_time }}
    end
{%- endmacro %}
