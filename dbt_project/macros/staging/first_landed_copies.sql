{#-
    The first landed copy of every key of a raw table, a query body: of the rows sharing
    `key_columns`, the one landed first (by _loaded_at, then _file, then _line — unique per
    raw row). Keys are never null: landing quarantines a record without its key. `retained`,
    when given, is a condition on the raw table's own (unqualified) columns: only the rows it
    holds for take part, as if the others were not there (a retention rule).

    DuckDB form: "no earlier copy of this key exists", an anti-join on the narrow key and
    landing columns. A filter on `_loaded_at` above it (an incremental run's watermark) then
    reaches the scan of the raw table, so the run reads and parses only the new rows; the
    earlier copies are looked up on the key columns alone. A window over every raw row would
    have to be computed in full before any filter applies.
-#}
{% macro first_landed_copies(relation, key_columns, retained=none) -%}
    {{ return(adapter.dispatch('first_landed_copies')(relation, key_columns, retained)) }}
{%- endmacro %}

{% macro default__first_landed_copies(relation, key_columns, retained=none) -%}
    select landed.*
    from {{ relation }} as landed
    where
        {%- if retained %}
        ({{ retained }}) and
        {%- endif %}
        not exists (
            select 1
            from {{ relation }} as earlier
            where
                {%- if retained %}
                ({{ retained }}) and
                {%- endif %}
                {%- for key in key_columns %}
                earlier.{{ key }} = landed.{{ key }} and
                {%- endfor %}
                (
                    earlier._loaded_at < landed._loaded_at
                    or (earlier._loaded_at = landed._loaded_at and earlier._file < landed._file)
                    or (earlier._loaded_at = landed._loaded_at and earlier._file = landed._file and earlier._line < landed._line)
                )
        )
{%- endmacro %}

{#- Spark: the window form (its correlated subqueries take equality predicates only). -#}
{% macro spark__first_landed_copies(relation, key_columns, retained=none) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by _loaded_at, _file, _line
            ) as landed_copy_number
        from {{ relation }}
        {%- if retained %}
        where {{ retained }}
        {%- endif %}
    ) as ranked
    where landed_copy_number = 1
{%- endmacro %}


{#-
    The first copy of every key of a relation that holds several copies per key, a query body:
    of the rows sharing `key_column`, the first by `order_columns` (which must tell every copy
    apart). The key is never null. Used on rows that do not exist as a table (the widget events
    unnested from their batches), where no `_loaded_at` filter can narrow the input.

    DuckDB form: the keys that occur more than once are found on the key column alone (a hash
    aggregate of one narrow column), their copies ranked among themselves (a few per thousand
    rows), and every copy that is not first is then dropped by an anti-join on the narrow set of
    later copies. The wide rows are read as a stream and never sorted or held: a row_number
    window over them has to keep every row of the relation in memory or spill it, which at
    tens of millions of events is most of a full refresh's time and disk. The relation is
    computed three times (twice for narrow columns only, which DuckDB prunes to them).
-#}
{% macro first_copies(relation, key_column, order_columns) -%}
    {{ return(adapter.dispatch('first_copies')(relation, key_column, order_columns)) }}
{%- endmacro %}

{% macro default__first_copies(relation, key_column, order_columns) -%}
    select copies.*
    from {{ relation }} as copies
    where not exists (
        select 1
        from (
            select
                {{ key_column }},
                {{ order_columns | join(', ') }},
                row_number() over (
                    partition by {{ key_column }}
                    order by {{ order_columns | join(', ') }}
                ) as copy_number
            from {{ relation }}
            where {{ key_column }} in (
                select {{ key_column }}
                from {{ relation }}
                group by {{ key_column }}
                having count(*) > 1
            )
        ) as later_copies
        where later_copies.copy_number > 1
            and later_copies.{{ key_column }} = copies.{{ key_column }}
            {%- for column in order_columns %}
            and later_copies.{{ column }} = copies.{{ column }}
            {%- endfor %}
    )
{%- endmacro %}

{#- Spark: the window form (Spark's window sorts partitions in parallel and spills them). -#}
{% macro spark__first_copies(relation, key_column, order_columns) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_column }}
                order by {{ order_columns | join(', ') }}
            ) as copy_number
        from {{ relation }}
    ) as ranked
    where copy_number = 1
{%- endmacro %}
