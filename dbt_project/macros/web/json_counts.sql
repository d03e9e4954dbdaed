{#-
    Aggregate: a JSON array of {"<key_name>": key, "count": n} objects, largest count first
    (ties by key), e.g. '[{"domain": "google.com", "count": 5}, {"domain": "direct", "count": 2}]'.
    Aggregate rows that are already one per key (filter to the top N before). '[]' when none.
-#}
{% macro json_counts_array(key_name, key_expression, count_expression) -%}
    {{ return(adapter.dispatch('json_counts_array')(key_name, key_expression, count_expression)) }}
{%- endmacro %}

{% macro default__json_counts_array(key_name, key_expression, count_expression) -%}
    coalesce(
        cast(to_json(list(
            {'{{ key_name }}': {{ key_expression }}, 'count': {{ count_expression }}}
            order by {{ count_expression }} desc, {{ key_expression }}
        )) as json),
        cast('[]' as json)
    )
{%- endmacro %}

{% macro spark__json_counts_array(key_name, key_expression, count_expression) -%}
    coalesce(
        to_json(transform(
            array_sort(collect_list(named_struct(
                'negative_count', -1 * {{ count_expression }},
                'sort_key', {{ key_expression }}
            ))),
            x -> named_struct('{{ key_name }}', x.sort_key, 'count', -1 * x.negative_count)
        )),
        '[]'
    )
{%- endmacro %}


{#-
    The first day a widget daily table may recompute: the first whole day at or after the raw
    widget events' retention cutoff, as_of minus var('retention_widget_raw_events_days'). Older
    days are final — their raw events are pruned (docs/retention.md), and so is the start of the
    day the cutoff falls in (unless the cutoff is a midnight): a recompute would lose them.
-#}
{% macro widget_stats_recompute_horizon() -%}
    {%- set cutoff = retention_cutoff('widget_raw_events') -%}
    case
        when cast(cast({{ cutoff }} as date) as {{ dbt.type_timestamp() }}) = {{ cutoff }}
            then cast({{ cutoff }} as date)
        else cast({{ dbt.dateadd('day', 1, 'cast(' ~ cutoff ~ ' as date)') }} as date)
    end
{%- endmacro %}


{#- An empty JSON array (to coalesce a missing json_counts_array to). -#}
{% macro empty_json_array() -%}
    {{ return(adapter.dispatch('empty_json_array')()) }}
{%- endmacro %}

{% macro default__empty_json_array() -%}
    cast('[]' as json)
{%- endmacro %}

{% macro spark__empty_json_array() -%}
    '[]'
{%- endmacro %}


{#-
    The body of the `replace_points` CTE of a widget daily table: per chatbot, the first day
    to recompute — the earliest `date_expression` among the rows of `relation` (fct_sessions
    or fct_events, widget rows) processed after this table's last build, never before the
    recompute horizon.
-#}
{% macro widget_replace_points(relation, date_expression) -%}
    select
        chatbot_id,
        greatest(min({{ date_expression }}), {{ widget_stats_recompute_horizon() }}) as replace_from
    from {{ relation }}
    where source = 'widget'
      and chatbot_id is not null
      and processed_at > (select {{ watermark('max(processed_at)') }} from {{ this }})
    group by chatbot_id
{%- endmacro %}


{#- Range-marker rows of a replace_ranges model: the partition and range columns, the rest null. -#}
{% macro range_marker_columns(columns, partition_columns, range_column, range_expression) -%}
    {%- for column in columns %}
        {% if column in partition_columns -%}
        {{ column }}
        {%- elif column == range_column -%}
        {{ range_expression }} as {{ column }}
        {%- else -%}
        null as {{ column }}
        {%- endif %}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
