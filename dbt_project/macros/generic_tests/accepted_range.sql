{#-
    Fails on every row whose `column_name` lies outside [min_value, max_value]
    (either bound optional; `inclusive: false` makes them strict). Nulls pass.
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("accepted_range on " ~ model ~ "." ~ column_name ~ " needs min_value or max_value") }}
{%- endif -%}

with out_of_range as (

    select *
    from {{ model }}
    where {{ column_name }} is not null
      and not (
        true
        {%- if min_value is not none %}
        and {{ column_name }} {{ '>=' if inclusive else '>' }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        and {{ column_name }} {{ '<=' if inclusive else '<' }} {{ max_value }}
        {%- endif %}
      )

)

select * from out_of_range

{% endtest %}
