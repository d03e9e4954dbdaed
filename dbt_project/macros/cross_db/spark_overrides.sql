{#-
    Spark versions of dbt's own cross-database macros, in the root project so they take
    precedence over dbt-spark's (adapter.dispatch searches the root project first):

    - dateadd / datediff: dbt-spark's go through to_unix_timestamp, which drops the fraction of
      a second, and its datediff rounds an elapsed time up or down; these keep microseconds
      and count unit boundaries crossed, as DuckDB's date_add / date_diff do, so both engines
      agree to the microsecond (a session ends 30 minutes after 09:10:30.123, not 09:10:30).
      Other date parts go to dbt-spark's versions.
    - safe_cast: a unit-test fixture value written as a list literal ("['a', 'b']", DuckDB's
      syntax) for an array column becomes array('a', 'b'); everything else as dbt-spark does.
-#}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- if datepart | lower in ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] -%}
        timestampadd({{ datepart | upper }}, {{ interval }}, {{ from_date_or_timestamp }})
    {%- else -%}
        {{ dbt.spark__dateadd(datepart, interval, from_date_or_timestamp) }}
    {%- endif -%}
{%- endmacro %}


{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set part = datepart | lower -%}
    {%- set units = {'microsecond': ('unix_micros', 1), 'millisecond': ('unix_millis', 1), 'second': ('unix_seconds', 1), 'minute': ('unix_seconds', 60), 'hour': ('unix_seconds', 3600)} -%}
    {%- if part == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif part in units -%}
        {%- set function, per_unit = units[part] -%}
        {%- if per_unit == 1 -%}
        ({{ function }}(cast({{ second_date }} as timestamp)) - {{ function }}(cast({{ first_date }} as timestamp)))
        {%- else -%}
        (floor({{ function }}(cast({{ second_date }} as timestamp)) / {{ per_unit }}) - floor({{ function }}(cast({{ first_date }} as timestamp)) / {{ per_unit }}))
        {%- endif -%}
    {%- else -%}
        {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- endif -%}
{%- endmacro %}


{% macro spark__safe_cast(field, type) -%}
    {%- set text = field.strip() if field is string else '' -%}
    {%- if (type | lower).startswith('array') and text.startswith("'[") and text.endswith("]'") -%}
        {#- DuckDB's reading of a list literal: comma-separated elements, quotes around one optional -#}
        {%- set elements = [] -%}
        {%- for part in (text[2:-2] | replace("\\'", "'")).split(',') if part.strip() -%}
            {%- set element = part.strip() -%}
            {%- if element | length > 1 and element[0] in ['"', "'"] and element[-1] == element[0] -%}
                {%- set element = element[1:-1] -%}
            {%- endif -%}
            {%- do elements.append("'" ~ (element | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") -%}
        {%- endfor -%}
        cast(array({{ elements | join(', ') }}) as {{ type }})
    {%- else -%}
        {{ dbt.spark__safe_cast(field, type) }}
    {%- endif -%}
{%- endmacro %}
