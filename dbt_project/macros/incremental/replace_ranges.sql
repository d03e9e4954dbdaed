{#-
    Custom incremental strategy `replace_ranges`: "for every partition the new rows
    touch, replace the partition's rows from a point on".

    The model's incremental SELECT returns, for each partition it re-computed (e.g. an actor,
    a chatbot), every row from the partition's replace point on, plus optionally one *range
    marker* row: a row whose `replace_marker_column` is null, carrying only the partition
    columns and the replace point in `replace_range_column`. The strategy
      1. deletes the target's rows of each partition whose range column is >= the smallest
         range value the new rows (markers included) give that partition;
      2. inserts the new rows, markers left out.
    A marker lets a partition lose rows it no longer has (two sessions merged by a late event,
    a day whose only session moved): delete+insert and merge on a unique key cannot.

    Config of the model:
        incremental_strategy='replace_ranges',
        replace_partition_by=['source', 'actor_id'],   -- never null
        replace_range_column='started_at',
        replace_marker_column='session_id',            -- null only on marker rows
-#}
{% macro get_incremental_replace_ranges_sql(arg_dict) -%}
    {{ return(adapter.dispatch('get_incremental_replace_ranges_sql')(arg_dict)) }}
{%- endmacro %}

{% macro replace_ranges_config() -%}
    {%- set partition_by = config.get('replace_partition_by') -%}
    {%- set range_column = config.get('replace_range_column') -%}
    {%- set marker_column = config.get('replace_marker_column') -%}
    {%- if not partition_by or not range_column or not marker_column -%}
        {{ exceptions.raise_compiler_error(
            "incremental_strategy 'replace_ranges' needs the configs replace_partition_by (a list), "
            ~ "replace_range_column and replace_marker_column; " ~ model.name ~ " lacks one of them."
        ) }}
    {%- endif -%}
    {%- if partition_by is string -%}
        {%- set partition_by = [partition_by] -%}
    {%- endif -%}
    {{ return({'partition_by': partition_by, 'range_column': range_column, 'marker_column': marker_column}) }}
{%- endmacro %}

{#- DuckDB (and Postgres-like engines): DELETE ... USING, then INSERT. -#}
{% macro default__get_incremental_replace_ranges_sql(arg_dict) -%}
    {%- set cfg = replace_ranges_config() -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}

    delete from {{ target }} as replace_target
    using (
        select
            {{ cfg.partition_by | join(', ') }},
            min({{ cfg.range_column }}) as replace_from
        from {{ source }}
        group by {{ cfg.partition_by | join(', ') }}
    ) as replace_ranges
    where
        {%- for column in cfg.partition_by %}
        replace_target.{{ column }} = replace_ranges.{{ column }} and
        {%- endfor %}
        replace_target.{{ cfg.range_column }} >= replace_ranges.replace_from;

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }}
    from {{ source }}
    where {{ cfg.marker_column }} is not null

{%- endmacro %}

{#-
    Spark: the target's rows after the change are rewritten (spark_rewrite_statement,
    macros/incremental/spark_rewrite.sql), so Parquet tables work without Delta or Iceberg; on
    a table partitioned by `partition_by` (e.g. a day column) only the partitions the replaced
    and the new rows lie in are rewritten.
-#}
{% macro spark__get_incremental_replace_ranges_sql(arg_dict) -%}
    {%- set cfg = replace_ranges_config() -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set partition_columns = spark_partition_columns() -%}
    {%- set dest_columns = arg_dict['dest_columns'] | map(attribute='quoted') | list -%}
    {#- the new rows, markers included, once to a scratch folder (the model's SELECT runs once) -#}
    {%- set new_rows = spark_write_scratch(target, 'new', 'select ' ~ dest_columns | join(', ') ~ ' from ' ~ source) -%}
    {%- set ranges -%}
        (
            select
                {{ cfg.partition_by | join(', ') }},
                min({{ cfg.range_column }}) as replace_from
            from {{ new_rows }}
            group by {{ cfg.partition_by | join(', ') }}
        )
    {%- endset -%}
    {%- set in_range -%}
        {% for column in cfg.partition_by -%}
        target_rows.{{ column }} = replace_ranges.{{ column }} and
        {% endfor -%}
        target_rows.{{ cfg.range_column }} >= replace_ranges.replace_from
    {%- endset -%}
    {%- set removed_sql -%}
        select target_rows.* from {{ target }} as target_rows
        left semi join {{ ranges }} as replace_ranges on {{ in_range }}
    {%- endset -%}
    {%- set kept_sql -%}
        select {% for column in dest_columns %}target_rows.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
        from {{ target }} as target_rows
        {{ spark_in_touched_partitions('target_rows', partition_columns) }}
        left anti join {{ ranges }} as replace_ranges on {{ in_range }}
    {%- endset -%}
    {%- set added_sql = 'select * from ' ~ new_rows ~ ' where ' ~ cfg.marker_column ~ ' is not null' -%}
    {{ spark_rewrite_statement(target, partition_columns, removed_sql, kept_sql, added_sql) }}
{%- endmacro %}
