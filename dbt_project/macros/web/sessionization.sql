{#-
    Sessionization helpers (fct_events, fct_sessions). The window pass sorts on narrow integer
    keys (an integer hash of the actor, epoch microseconds), never on wide strings: the cost of
    a window function is mostly its sort, and narrow keys sort several times faster.
    default__ is the DuckDB form, spark__ the Spark SQL form.
-#}

{#- A timestamp as integer microseconds since the epoch. -#}
{% macro epoch_microseconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds')(timestamp_expression)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(timestamp_expression) -%}
    epoch_us({{ timestamp_expression }})
{%- endmacro %}

{% macro spark__epoch_microseconds(timestamp_expression) -%}
    unix_micros({{ timestamp_expression }})
{%- endmacro %}


{#-
    A 64-bit integer hash of some columns: the window partition key of an actor. Used inside
    one query only and never stored (DuckDB's hash() may change between versions).
-#}
{% macro partition_hash(columns) -%}
    {{ return(adapter.dispatch('partition_hash')(columns)) }}
{%- endmacro %}

{% macro default__partition_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__partition_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}


{#-
    A total order of an actor's events: event time, ties broken by the event id, as one narrow
    value (DuckDB: a 128-bit integer, time in the high 64 bits, a hash of the id in the low
    ones) so first/last picks are deterministic without sorting strings. Within one query only.
-#}
{% macro event_order_key(epoch_us_expression, event_id) -%}
    {{ return(adapter.dispatch('event_order_key')(epoch_us_expression, event_id)) }}
{%- endmacro %}

{% macro default__event_order_key(epoch_us_expression, event_id) -%}
    (cast({{ epoch_us_expression }} as hugeint) * 18446744073709551616 + hash({{ event_id }}))
{%- endmacro %}

{% macro spark__event_order_key(epoch_us_expression, event_id) -%}
    named_struct('t', {{ epoch_us_expression }}, 'id', {{ event_id }})
{%- endmacro %}


{#- Aggregate: the non-null `value` with the smallest / largest `order_key` (null when none). -#}
{% macro first_non_null_by(value, order_key) -%}
    {{ return(adapter.dispatch('first_non_null_by')(value, order_key)) }}
{%- endmacro %}

{% macro default__first_non_null_by(value, order_key) -%}
    arg_min({{ value }}, {{ order_key }}) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro spark__first_non_null_by(value, order_key) -%}
    min_by({{ value }}, {{ order_key }}) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro last_non_null_by(value, order_key) -%}
    {{ return(adapter.dispatch('last_non_null_by')(value, order_key)) }}
{%- endmacro %}

{% macro default__last_non_null_by(value, order_key) -%}
    arg_max({{ value }}, {{ order_key }}) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro spark__last_non_null_by(value, order_key) -%}
    max_by({{ value }}, {{ order_key }}) filter (where {{ value }} is not null)
{%- endmacro %}


{#-
    The session id: md5 of (source, actor, session start in epoch microseconds) — the same
    session gets the same id in every incremental run and in a full refresh.
-#}
{% macro session_id_hash(source, actor_id, started_at_epoch_us) -%}
    {{ dbt.hash(
        source ~ " || '|' || " ~ actor_id ~ " || '|' || cast(" ~ started_at_epoch_us ~ " as " ~ dbt.type_string() ~ ")"
    ) }}
{%- endmacro %}


{#-
    True for the events that count as page views, one event name per source: product
    page_viewed, behavior navigation, client_success page_view, widget widget_loaded (the
    widget loads once per page it is on).
-#}
{% macro is_page_view(source, event_name) -%}
    (
        ({{ source }} = 'product' and {{ event_name }} = 'page_viewed')
        or ({{ source }} = 'behavior' and {{ event_name }} = 'navigation')
        or ({{ source }} = 'client_success' and {{ event_name }} = 'page_view')
        or ({{ source }} = 'widget' and {{ event_name }} = 'widget_loaded')
    )
{%- endmacro %}


{#-
    A stored 128-bit key of an event (source, event_id): md5 as a number on DuckDB (a narrow
    integer join / delete key, practically collision-free and stable across versions), the md5
    text elsewhere.
-#}
{% macro event_key(source, event_id) -%}
    {{ return(adapter.dispatch('event_key')(source, event_id)) }}
{%- endmacro %}

{% macro default__event_key(source, event_id) -%}
    md5_number({{ source }} || '|' || {{ event_id }})
{%- endmacro %}

{% macro spark__event_key(source, event_id) -%}
    md5({{ source }} || '|' || {{ event_id }})
{%- endmacro %}


{#-
    fct_events' actor: anonymous_id where there is one, else the user id, else the producer's
    session id, else the event itself. `prefix` qualifies the columns ('events.').
-#}
{% macro fct_events_actor_id(prefix='') -%}
    coalesce({{ prefix }}anonymous_id, {{ prefix }}user_id, {{ prefix }}client_session_id, {{ prefix }}event_id)
{%- endmacro %}

{#- An event whose account fct_events takes from its staff user: none of its own, not a widget event. -#}
{% macro fct_events_is_account_inherited(prefix='') -%}
    ({{ prefix }}account_id is null and {{ prefix }}source <> 'widget')
{%- endmacro %}
