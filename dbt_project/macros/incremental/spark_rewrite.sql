{#-
    Row-level changes on Spark tables that cannot change rows (plain Parquet: no DELETE, no
    UPDATE, no MERGE without Delta or Iceberg). Each change is a rewrite of the rows it touches:

      1. the table's rows after the change are written to a scratch folder
         (<spark.sql.warehouse.dir>/_dbt_scratch/<schema>.<table>/, INSERT OVERWRITE DIRECTORY;
         a table cannot be overwritten by a statement that reads it);
      2. one INSERT OVERWRITE TABLE replaces the table from the folder. On a table partitioned
         by `partition_by` (spark.sql.sources.partitionOverwriteMode = dynamic) only the
         partitions the change touches are written, and partitions it empties are dropped; an
         unpartitioned table is rewritten whole.

    Used by the incremental strategies delete+insert and replace_ranges on Spark
    (macros/incremental/spark_strategies.sql) and by delete_where / update_where (retention
    post-hooks). The scratch folder of a table holds its last rewrite until the next one.
-#}

{#- The scratch folder of `relation` (a path, no trailing slash). -#}
{% macro spark_scratch_path(relation, part) -%}
    {%- set found = run_query("set spark.sql.warehouse.dir") -%}
    {%- set warehouse_dir = found.rows[0][1] -%}
    {{- warehouse_dir.rstrip('/') ~ '/_dbt_scratch/' ~ relation.schema ~ '.' ~ relation.identifier ~ '/' ~ part -}}
{%- endmacro %}


{#- Write the rows of `sql` to a scratch folder; return the FROM item that reads them back. -#}
{% macro spark_write_scratch(relation, part, sql) -%}
    {%- set path = spark_scratch_path(relation, part) -%}
    {%- do run_query("insert overwrite directory '" ~ path ~ "' using parquet\n" ~ sql) -%}
    {{- return("parquet.`" ~ path ~ "`") -}}
{%- endmacro %}


{#-
    FROM-clause fragment keeping only the rows of `alias` in a partition the change touches
    (null-safe: a null partition value matches a null one).
-#}
{% macro spark_in_touched_partitions(alias, partition_columns) -%}
    {%- if partition_columns -%}
    left semi join __touched_partitions as touched_partitions
        on {% for column in partition_columns -%}
        {{ alias }}.{{ column }} <=> touched_partitions.{{ column }}{{ ' and ' if not loop.last }}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}


{#- The partition columns of a model's config (a list, empty when unpartitioned). -#}
{% macro spark_partition_columns() -%}
    {%- set partition_by = config.get('partition_by') -%}
    {%- if partition_by is none or partition_by == '' -%}
        {{- return([]) -}}
    {%- elif partition_by is string -%}
        {{- return([partition_by]) -}}
    {%- else -%}
        {{- return(partition_by | list) -}}
    {%- endif -%}
{%- endmacro %}


{#-
    The statement that replaces `target` by its rows after a change, run at the end by the
    caller (the incremental materialization's main statement, or a hook); the scratch rows are
    written (and emptied partitions dropped) before it returns.
      removed_rows_sql: a SELECT of the target rows the change removes (columns of the target,
                        any order), aliased nothing; used only for its partition values;
      kept_rows_sql:    a SELECT of the target rows that stay, in the target's column order,
                        restricted to the touched partitions when partitioned (with
                        spark_in_touched_partitions, which reads `__touched_partitions`);
      added_rows_sql:   a SELECT of the rows the change adds, in the target's column order, or none.
-#}
{% macro spark_rewrite_statement(target, partition_columns, removed_rows_sql, kept_rows_sql, added_rows_sql) -%}
    {%- set dest_columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | list -%}
    {%- set rows_sql -%}
        {{ kept_rows_sql }}
        {%- if added_rows_sql is not none %}
        union all
        {{ added_rows_sql }}
        {%- endif %}
    {%- endset -%}
    {%- if partition_columns | length == 0 -%}
        {%- set scratch = spark_write_scratch(target, 'rewrite', rows_sql) -%}
        insert overwrite table {{ target }}
        select {{ dest_columns | join(', ') }} from {{ scratch }}
    {%- else -%}
        {%- set partition_csv = partition_columns | join(', ') -%}
        {%- set touched_sql -%}
            select distinct {{ partition_csv }} from ({{ removed_rows_sql }}) as removed_rows
            {%- if added_rows_sql is not none %}
            union
            select distinct {{ partition_csv }} from ({{ added_rows_sql }}) as added_rows
            {%- endif %}
        {%- endset -%}
        {%- set touched = spark_write_scratch(target, 'touched', touched_sql) -%}
        {%- set scratch = spark_write_scratch(
            target, 'rewrite', rows_sql | replace('__touched_partitions', touched)
        ) -%}
        {#- partitions the change empties: no scratch row writes them, so drop them -#}
        {%- set emptied = run_query(
            "select " ~ partition_csv ~ " from " ~ touched ~ " except select distinct " ~ partition_csv ~ " from " ~ scratch
        ) -%}
        {%- for row in emptied.rows -%}
            {%- set spec = [] -%}
            {%- for column in partition_columns -%}
                {%- do spec.append(column ~ " = '" ~ (row[loop.index0] | string) ~ "'") -%}
            {%- endfor -%}
            {%- do run_query("alter table " ~ target ~ " drop if exists partition (" ~ spec | join(', ') ~ ")") -%}
        {%- endfor -%}
        insert overwrite table {{ target }} partition ({{ partition_csv }})
        select {{ dest_columns | join(', ') }} from {{ scratch }}
    {%- endif -%}
{%- endmacro %}


{#-
    Hooks that change rows (retention): `delete from <relation> where <condition>` and
    `update <relation> set <column> = <value> where <condition>`. DuckDB runs them as written;
    Spark rewrites the rows they touch (nothing when no row matches).
-#}
{% macro delete_where(relation, condition) -%}
    {{ return(adapter.dispatch('delete_where')(relation, condition)) }}
{%- endmacro %}

{% macro default__delete_where(relation, condition) -%}
    delete from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro spark__delete_where(relation, condition) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set matched = run_query("select count(*) from " ~ relation ~ " where " ~ condition) -%}
    {%- if matched.rows[0][0] > 0 -%}
        {%- set partition_columns = spark_partition_columns() -%}
        {%- set dest_columns = adapter.get_columns_in_relation(relation) | map(attribute='quoted') | list -%}
        {%- set removed_sql = "select * from " ~ relation ~ " where " ~ condition -%}
        {%- set kept_sql -%}
            select {{ dest_columns | join(', ') }}
            from {{ relation }} as kept_rows
            {{ spark_in_touched_partitions('kept_rows', partition_columns) }}
            where not coalesce({{ condition }}, false)
        {%- endset -%}
        {{ spark_rewrite_statement(relation, partition_columns, removed_sql, kept_sql, none) }}
    {%- endif -%}
{%- endmacro %}


{% macro update_where(relation, column, value, condition) -%}
    {{ return(adapter.dispatch('update_where')(relation, column, value, condition)) }}
{%- endmacro %}

{% macro default__update_where(relation, column, value, condition) -%}
    update {{ relation }} set {{ column }} = {{ value }} where {{ condition }}
{%- endmacro %}

{% macro spark__update_where(relation, column, value, condition) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set matched = run_query("select count(*) from " ~ relation ~ " where " ~ condition) -%}
    {%- if matched.rows[0][0] > 0 -%}
        {%- set partition_columns = spark_partition_columns() -%}
        {%- if column in partition_columns -%}
            {{ exceptions.raise_compiler_error("update_where cannot change the partition column " ~ column ~ " of " ~ relation) }}
        {%- endif -%}
        {%- set columns = adapter.get_columns_in_relation(relation) -%}
        {%- set removed_sql = "select * from " ~ relation ~ " where " ~ condition -%}
        {%- set kept_sql -%}
            select
                {%- for c in columns %}
                {% if c.name | lower == column | lower -%}
                case when coalesce({{ condition }}, false) then cast({{ value }} as {{ c.data_type }}) else {{ c.quoted }} end as {{ c.quoted }}
                {%- else -%}
                {{ c.quoted }}
                {%- endif %}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ relation }} as kept_rows
            {{ spark_in_touched_partitions('kept_rows', partition_columns) }}
        {%- endset -%}
        {{ spark_rewrite_statement(relation, partition_columns, removed_sql, kept_sql, none) }}
    {%- endif -%}
{%- endmacro %}
