{#-
    Fails on every row where the boolean SQL `expression` is false. A null result passes (as in
    dbt_utils): guard with `coalesce` to make nulls fail. On a column, the expression follows
    the column name (`expression: ">= 0"`); on a model it stands alone.
-#}
{% test expression_is_true(model, expression, column_name=none) %}

with failing_rows as (

    select *
    from {{ model }}
    where not ({{ column_name ~ ' ' if column_name }}{{ expression }})

)

select * from failing_rows

{% endtest %}
