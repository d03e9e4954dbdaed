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
