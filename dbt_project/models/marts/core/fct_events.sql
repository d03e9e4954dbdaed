-- Every product, behavior, widget and client_success event, deduplicated in staging, in one
-- schema, each assigned to its session (fct_sessions). Events without an account of their own
-- take their staff user's account (dim_users).
--
-- Sessionization: per (source, actor), actor = anonymous_id where there is one,
-- else the user id (else the producer's session id, else the event itself); a new session
-- starts when the actor's previous event is `session_timeout_minutes` or more earlier (a gap
-- of exactly 30:00 starts a new session, the GA/Segment convention). One window pass over
-- narrow rows only — event_key, an integer hash of the actor, epoch microseconds — then the
-- wide event rows join back on event_key (sorting the wide rows instead costs twice the time
-- at 10 M events). session_id = md5(source, actor, session start): the same in every
-- incremental run and in a full refresh.
--
-- Incremental (rules in models/marts/web/_web__models.yml): the events landed since the last
-- build and the events whose inherited account changed are "changed" (plus, when
-- var('incremental_lookback_days') is above 0, every event in that many days of event time
-- before the latest: off by default, since every change to an event row moves its loaded_at,
-- while a window re-sessionizes all its events on every run); every actor they touch (and the
-- actor a changed event had before) is re-sessionized from its replace point — the start of its
-- earliest built session that ends less than the timeout before the first changed event — and
-- its events from there on replace their previous rows (delete+insert on event_key).
--
-- The actors whose events `ewh prune` deleted (raw._pruned_event_actors, written by
-- ingestion/retention.py) are touched too, from their first deleted event, so a session that
-- lost its first event starts at its first retained one; the post-hook then empties that table.
--
-- Why one model of this length: the changed events, their actors' replace points and the
-- re-sessionized rows must be computed against this table's state before the run, in the one
-- statement dbt's delete+insert runs; intermediate models would be views over a table that the
-- same run rewrites. The actor and inheritance expressions are macros (macros/web/sessionization.sql).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_key',
        on_schema_change='append_new_columns',
        post_hook=[
            "{{ delete_where(this, \"source = 'widget' and received_at < \" ~ retention_cutoff('widget_raw_events')) }}",
            "{{ update_where(this, 'session_id', 'null', 'session_id is not null and session_started_at < ' ~ retention_cutoff('sessions')) }}",
            "{{ clear_pruned_event_actors() }}",
        ],
    )
}}

{%- set timeout_minutes = var('session_timeout_minutes') %}
{%- set pruned_event_actors = pruned_event_actors_relation() if is_incremental() else none %}

{#-
    int_events_unioned is imported once per use: DuckDB materializes a CTE that is referenced
    more than once, and copying 10 M wide event rows costs more than reading the table again.
-#}
{%- set narrow_event_columns %}
        event_key,
        source,
        {{ fct_events_actor_id() }} as actor_id,
        occurred_at,
        loaded_at,
        user_id,
        {{ fct_events_is_account_inherited() }} as is_account_inherited
{%- endset %}

with

events as (

    select * from {{ ref('int_events_unioned') }}

),

event_actors as (

    -- narrow: what sessionization needs
    select {{ narrow_event_columns }}
    from {{ ref('int_events_unioned') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

{% if is_incremental() %}

previous_build as (

    select
        {{ watermark('max(loaded_at)') }} as max_loaded_at,
        {{ watermark('max(occurred_at)') }} as max_occurred_at
    from {{ this }}

),

restamped_users as (

    -- users whose account (dim_users) is no longer the one their account-less events carry
    select distinct previous_events.user_id
    from {{ this }} as previous_events
    inner join users
        on previous_events.user_id = users.user_id
    where previous_events.is_account_inherited
      and previous_events.account_id is distinct from users.account_id

),

changed_event_candidates as (

    select {{ narrow_event_columns }}
    from {{ ref('int_events_unioned') }}

),

changed_events as (

    select
        event_key,
        source,
        actor_id,
        occurred_at
    from changed_event_candidates
    where loaded_at > (select max_loaded_at from previous_build)
       {%- if var('incremental_lookback_days') | int > 0 %}
       or occurred_at >= (select {{ minus_lookback('max_occurred_at') }} from previous_build)
       {%- endif %}
       or (is_account_inherited and user_id in (select user_id from restamped_users))

),

previous_actors as (

    -- the actor a changed event had in the previous build (a widget event gets its visitor
    -- when its session payload lands), so that actor is re-sessionized without the event
    select
        previous_events.source,
        previous_events.actor_id,
        previous_events.occurred_at
    from {{ this }} as previous_events
    inner join changed_events
        on previous_events.event_key = changed_events.event_key
    where previous_events.actor_id <> changed_events.actor_id

),

touched_actors as (

    select
        source,
        actor_id,
        min(occurred_at) as first_changed_at
    from (
        select source, actor_id, occurred_at from changed_events
        union all
        select source, actor_id, occurred_at from previous_actors
        {%- if pruned_event_actors is not none %}
        union all
        -- actors some of whose events a prune deleted (an event's own retention, a soft delete):
        -- what is left of their sessions is sessionized again, as a full refresh would
        select source, actor_id, first_pruned_at as occurred_at from {{ pruned_event_actors }}
        {%- endif %}
    ) as touched_events
    group by source, actor_id

),

replace_points as (

    -- macros/incremental/replace_points.sql: rebuild each touched actor from the start of a
    -- built session its first changed event can extend or merge (else from that event)
    {{ session_replace_points('touched_actors', this, 'occurred_at', 'session_started_at', timeout_minutes) }}

),

actors_to_sessionize as (

    select event_actors.*
    from event_actors
    inner join replace_points
        on event_actors.source = replace_points.source
        and event_actors.actor_id = replace_points.actor_id
    where event_actors.occurred_at >= replace_points.replace_from
      and event_actors.occurred_at >= (select min(replace_from) from replace_points)

),

{% else %}

actors_to_sessionize as (

    select * from event_actors

),

{% endif %}

events_keyed as (

    select
        event_key,
        {{ partition_hash(['source', 'actor_id']) }} as actor_key,
        {{ epoch_microseconds('occurred_at') }} as occurred_at_us,
        occurred_at
    from actors_to_sessionize

),

session_starts_flagged as (

    select
        *,
        coalesce(
            occurred_at_us - lag(occurred_at_us) over (
                partition by actor_key
                order by occurred_at_us
            ) >= {{ timeout_minutes * 60 * 1000000 }},
            true
        ) as is_session_start
    from events_keyed

),

sessions_assigned as (

    select
        event_key,
        max(case when is_session_start then occurred_at end) over (
            partition by actor_key
            order by occurred_at_us
            rows between unbounded preceding and current row
        ) as session_started_at
    from session_starts_flagged

),

events_to_write as (

    select * from events
    {% if is_incremental() -%}
    -- a few re-sessionized events out of many: filter the wide rows first (a semi join builds
    -- its hash table on the few), so the join never builds on all the wide rows
    where event_key in (select event_key from sessions_assigned)
    {%- endif %}

),

final as (

    select
        events.event_key,
        events.event_id,
        events.source,
        events.event_name,
        events.event_category,
        events.occurred_at,
        events.received_at,
        events.is_clock_skewed,
        case
            when {{ fct_events_is_account_inherited('events.') }} then users.account_id
            else events.account_id
        end as account_id,
        {{ fct_events_is_account_inherited('events.') }} as is_account_inherited,
        events.user_id,
        events.anonymous_id,
        {{ fct_events_actor_id('events.') }} as actor_id,
        -- an event keeps its row after its session is pruned (sessions are kept
        -- var('retention_sessions_days') days) but no longer points at it
        case
            when sessions_assigned.session_started_at >= {{ retention_cutoff('sessions') }}
                then {{ session_id_hash(
                    'events.source',
                    fct_events_actor_id('events.'),
                    epoch_microseconds('sessions_assigned.session_started_at')
                ) }}
        end as session_id,
        sessions_assigned.session_started_at,
        events.client_session_id,
        events.chatbot_id,
        events.page_url,
        events.page_path,
        events.page_title,
        events.referrer,
        events.user_agent,
        events.utm_source,
        events.utm_medium,
        events.utm_campaign,
        events.screen_width,
        events.screen_height,
        events.response_time_ms,
        events.properties,
        events.loaded_at,
        {{ processed_at() }} as processed_at
    from sessions_assigned
    inner join events_to_write as events
        on sessions_assigned.event_key = events.event_key
    left join users
        on events.user_id = users.user_id
        and {{ fct_events_is_account_inherited('events.') }}

)

select * from final
