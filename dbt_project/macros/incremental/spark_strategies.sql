{#-
    Incremental strategies on Spark beyond dbt-spark's own (append, insert_overwrite, merge,
    microbatch): `delete+insert` (unique_key) and the project's `replace_ranges`, for tables of
    any file format, Parquet included (no Delta or Iceberg needed). Both rewrite the rows the
    new rows touch (spark_rewrite_statement, macros/incremental/spark_rewrite.sql): the whole
    table when it is unpartitioned, only the touched partitions when it has `partition_by`.

    dbt-spark's incremental materialization accepts only its own strategies, so the two macros
    it calls are overridden here (root-project macros take precedence over an adapter's): they
    let `delete+insert` and `replace_ranges` through and hand everything else to dbt-spark.
-#}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy in ['delete+insert', 'replace_ranges'] -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}


{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy == 'delete+insert' -%}
        {{ spark_delete_insert_sql(source, target, unique_key) }}
    {%- elif strategy == 'replace_ranges' -%}
        {{ get_incremental_replace_ranges_sql({
            'target_relation': target,
            'temp_relation': source,
            'dest_columns': adapter.get_columns_in_relation(target),
            'unique_key': unique_key,
            'incremental_predicates': incremental_predicates,
        }) }}
    {%- else -%}
        {{ dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) }}
    {%- endif -%}
{%- endmacro %}


{#- delete+insert: the target's rows whose unique_key is among the new rows' go, the new rows come in. -#}
{% macro spark_delete_insert_sql(source, target, unique_key) -%}
    {%- if not unique_key -%}
        {{ exceptions.raise_compiler_error("incremental_strategy 'delete+insert' needs a unique_key (" ~ model.name ~ ")") }}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key | list -%}
    {%- set partition_columns = spark_partition_columns() -%}
    {%- set dest_columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | list -%}
    {#- the new rows once, to a scratch folder (the model's SELECT runs once) -#}
    {%- set new_rows = spark_write_scratch(target, 'new', 'select ' ~ dest_columns | join(', ') ~ ' from ' ~ source) -%}
    {%- set key_match -%}
        {% for key in keys -%}
        target_rows.{{ key }} = new_rows.{{ key }}{{ ' and ' if not loop.last }}
        {%- endfor %}
    {%- endset -%}
    {%- set removed_sql -%}
        select target_rows.* from {{ target }} as target_rows
        left semi join {{ new_rows }} as new_rows on {{ key_match }}
    {%- endset -%}
    {%- set kept_sql -%}
        select {% for column in dest_columns %}target_rows.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
        from {{ target }} as target_rows
        {{ spark_in_touched_partitions('target_rows', partition_columns) }}
        left anti join {{ new_rows }} as new_rows on {{ key_match }}
    {%- endset -%}
    {{ spark_rewrite_statement(target, partition_columns, removed_sql, kept_sql, 'select * from ' ~ new_rows) }}
{%- endmacro %}
