-- One row per session of fct_events: sessionized per (source, actor) with the 30-minute rule
-- (fct_events assigns the session_id), with the attribution, device, engagement and widget
-- counters of the chat widget's session payloads. Rules of every column: _web__models.yml.
--
-- Incremental (strategy replace_ranges, macros/incremental): for every actor whose events
-- fct_events (re)wrote since this table's last build, the actor's sessions from its replace
-- point on (the start of its earliest session the change can reach) are recomputed from
-- fct_events and replace the built ones, superseded sessions included (a range-marker row per
-- actor). blended_user_id is actor-level: when it changes, the actor's earlier sessions are
-- re-stamped from this table (they are not re-aggregated, so sessions whose raw events were
-- pruned keep their counts).
--
-- is_new_visitor and blended_user_id count only the sessions a --full-refresh could rebuild
-- from retained data: those within the sessions retention and, for widget sessions, within the
-- raw widget event retention (older widget sessions are kept beyond their raw events, but no
-- later session looks back at them). A session is new when no such session of its actor starts
-- before it; its blended_user_id is the user id of the latest such session that has one.
-- Sessions age out of that window without being rebuilt, so the second post-hook re-stamps
-- both columns of every session in the window whose actor's values changed
-- (macros/web/rebuildable_sessions.sql).
--
-- Why one model of this length: its incremental branch builds rows three ways (new sessions of
-- the touched actors, re-stamped earlier sessions, range markers) and unions them into one
-- replace_ranges statement; split into models, the intermediate steps would have to be
-- incremental tables of their own, each with its replace points, and a full refresh could no
-- longer be compared with an incremental run in one place (tests/test_incremental.py).
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_ranges',
        replace_partition_by=['source', 'actor_id'],
        replace_range_column='started_at',
        replace_marker_column='session_id',
        on_schema_change='append_new_columns',
        post_hook=[
            "{{ delete_where(this, 'started_at < ' ~ retention_cutoff('sessions')) }}",
            "{{ restamp_rebuildable_sessions(this) }}",
        ],
    )
}}

{%- set timeout_minutes = var('session_timeout_minutes') %}
{#- Every column of the table, in order (the incremental branch unions rows built three ways). -#}
{%- set session_columns = [
    'session_id', 'source', 'actor_id', 'anonymous_id', 'user_id', 'blended_user_id',
    'account_id', 'chatbot_id', 'client_session_id', 'started_at', 'ended_at',
    'duration_seconds', 'events_count', 'page_views', 'landing_page', 'exit_page', 'referrer',
    'referrer_domain', 'utm_source', 'utm_medium', 'utm_campaign', 'traffic_source', 'channel',
    'browser_name', 'browser_version', 'os_name', 'os_version', 'device_type', 'screen_width',
    'screen_height', 'is_bot', 'is_new_visitor', 'is_bounce', 'messages_sent',
    'messages_received', 'widget_loads', 'widget_opened_count', 'widget_minimized_count',
    'avg_response_time_ms', 'error_count', 'had_conversation', 'completed_pre_chat_form',
    'processed_at',
] %}

with

events as (

    select * from {{ ref('fct_events') }}

),

user_agents as (

    select * from {{ ref('int_user_agents_parsed') }}

),

source_categories as (

    select * from {{ ref('ga4_source_categories') }}

),

{% if is_incremental() %}

previous_build as (

    select {{ watermark('max(processed_at)') }} as max_processed_at from {{ this }}

),

rewritten_events as (

    -- read from the table, not the `events` CTE: a CTE used twice is materialized (all of it)
    select
        source,
        actor_id,
        occurred_at,
        client_session_id,
        user_id
    from {{ ref('fct_events') }}
    where processed_at > (select max_processed_at from previous_build)

),

touched_actors as (

    select
        source,
        actor_id,
        min(occurred_at) as first_changed_at
    from (
        select source, actor_id, occurred_at
        from rewritten_events
        union all
        -- the actors a widget event can have had before its payload or identify landed
        -- (its client session id, its user id): they may have lost sessions
        select source, client_session_id as actor_id, occurred_at
        from rewritten_events
        where source = 'widget' and client_session_id is not null
        union all
        select source, user_id as actor_id, occurred_at
        from rewritten_events
        where source = 'widget' and user_id is not null
    ) as touched_events
    group by source, actor_id

),

replace_points as (

    -- macros/incremental/replace_points.sql: replace each touched actor's sessions from the
    -- start of one its first changed event can extend or merge (else from that event)
    {{ session_replace_points('touched_actors', this, 'ended_at', 'started_at', timeout_minutes) }}

),

earlier_sessions as (

    -- the touched actors' sessions before their replace point, kept as built (narrow: what
    -- blended_user_id and is_new_visitor need)
    select
        previous_sessions.source,
        previous_sessions.actor_id,
        previous_sessions.started_at,
        previous_sessions.user_id,
        previous_sessions.blended_user_id
    from {{ this }} as previous_sessions
    inner join replace_points
        on previous_sessions.source = replace_points.source
        and previous_sessions.actor_id = replace_points.actor_id
    where previous_sessions.started_at < replace_points.replace_from

),

session_events as (

    select events.*
    from events
    inner join replace_points
        on events.source = replace_points.source
        and events.actor_id = replace_points.actor_id
    where events.occurred_at >= replace_points.replace_from
      and events.occurred_at >= (select min(replace_from) from replace_points)

),

{% else %}

session_events as (

    select * from events

),

{% endif %}

session_events_ordered as (

    select
        *,
        {{ event_order_key(epoch_microseconds('occurred_at'), 'event_id') }} as event_order,
        {{ is_page_view('source', 'event_name') }} as is_page_view
    from session_events

),

sessions_aggregated as (

    select
        session_id,
        source,
        actor_id,
        min(session_started_at) as started_at,
        max(occurred_at) as ended_at,
        count(*) as events_count,
        count(case when is_page_view then 1 end) as page_views,
        {{ first_non_null_by('anonymous_id', 'event_order') }} as anonymous_id,
        {{ last_non_null_by('user_id', 'event_order') }} as user_id,
        {{ last_non_null_by('account_id', 'event_order') }} as account_id,
        {{ first_non_null_by('chatbot_id', 'event_order') }} as chatbot_id,
        {{ first_non_null_by('client_session_id', 'event_order') }} as client_session_id,
        {{ first_non_null_by('page_path', 'event_order') }} as landing_page,
        {{ last_non_null_by('page_path', 'event_order') }} as exit_page,
        {{ first_non_null_by('referrer', 'event_order') }} as referrer,
        {{ first_non_null_by('utm_source', 'event_order') }} as utm_source,
        {{ first_non_null_by('utm_medium', 'event_order') }} as utm_medium,
        {{ first_non_null_by('utm_campaign', 'event_order') }} as utm_campaign,
        {{ first_non_null_by('user_agent', 'event_order') }} as user_agent,
        {{ first_non_null_by('screen_width', 'event_order') }} as screen_width,
        {{ first_non_null_by('screen_height', 'event_order') }} as screen_height,
        count(case when event_name = 'message_sent' then 1 end) as messages_sent,
        count(case when event_name = 'message_received' then 1 end) as messages_received,
        count(case when event_name = 'widget_loaded' then 1 end) as widget_loads,
        count(case when event_name = 'widget_opened' then 1 end) as widget_opened_count,
        count(case when event_name = 'widget_minimized' then 1 end) as widget_minimized_count,
        count(case when event_name = 'pre_chat_form_submitted' then 1 end) as pre_chat_forms_submitted,
        count(case when event_category = 'error' then 1 end) as error_count,
        avg(response_time_ms) as avg_response_time_ms
    from session_events_ordered
    group by session_id, source, actor_id

),

actor_sessions as (

    select source, actor_id, started_at, user_id
    from sessions_aggregated
    {% if is_incremental() %}
    union all
    select source, actor_id, started_at, user_id
    from earlier_sessions
    {% endif %}

),

actor_sessions_rebuildable as (

    select
        source,
        actor_id,
        started_at,
        case when started_at >= {{ sessions_rebuildable_from('source') }} then user_id end as rebuildable_user_id
    from actor_sessions

),

actor_identities as (

    -- over the sessions a full refresh sees too (sessions_rebuildable_from, macros/web):
    -- blended_user_id, the user id of the actor's latest session that has one, applied to all
    -- its sessions, else the actor itself (its anonymous_id); and its first session
    select
        source,
        actor_id,
        coalesce({{ last_non_null_by('rebuildable_user_id', 'started_at') }}, actor_id) as blended_user_id,
        min(started_at) filter (
            where started_at >= {{ sessions_rebuildable_from('source') }}
        ) as first_session_started_at
    from actor_sessions_rebuildable
    group by source, actor_id

),

sessions_attributed as (

    select
        sessions_aggregated.*,
        {{ url_domain('sessions_aggregated.referrer') }} as referrer_domain
    from sessions_aggregated

),

sessions_sourced as (

    select
        sessions_attributed.*,
        {{ ga4_session_source('utm_source', 'utm_medium', 'referrer_domain') }} as session_source,
        {{ ga4_session_medium('utm_source', 'utm_medium', 'referrer_domain', 'referrer_categories.source_category') }} as session_medium
    from sessions_attributed
    left join source_categories as referrer_categories
        on sessions_attributed.referrer_domain = referrer_categories.source

),

new_sessions as (

    select
        sessions_sourced.session_id,
        sessions_sourced.source,
        sessions_sourced.actor_id,
        sessions_sourced.anonymous_id,
        sessions_sourced.user_id,
        actor_identities.blended_user_id,
        sessions_sourced.account_id,
        sessions_sourced.chatbot_id,
        sessions_sourced.client_session_id,
        sessions_sourced.started_at,
        sessions_sourced.ended_at,
        cast(floor(
            ({{ epoch_microseconds('sessions_sourced.ended_at') }} - {{ epoch_microseconds('sessions_sourced.started_at') }})
            / 1000000.0
        ) as {{ dbt.type_bigint() }}) as duration_seconds,
        sessions_sourced.events_count,
        sessions_sourced.page_views,
        sessions_sourced.landing_page,
        sessions_sourced.exit_page,
        sessions_sourced.referrer,
        sessions_sourced.referrer_domain,
        sessions_sourced.utm_source,
        sessions_sourced.utm_medium,
        sessions_sourced.utm_campaign,
        {{ traffic_source('sessions_sourced.utm_source', 'sessions_sourced.utm_medium', 'sessions_sourced.referrer_domain') }} as traffic_source,
        {{ ga4_default_channel(
            'sessions_sourced.session_source',
            'sessions_sourced.session_medium',
            'lower(sessions_sourced.utm_campaign)',
            'session_categories.source_category'
        ) }} as channel,
        user_agents.browser_name,
        user_agents.browser_version,
        user_agents.os_name,
        user_agents.os_version,
        user_agents.device_type,
        sessions_sourced.screen_width,
        sessions_sourced.screen_height,
        coalesce(user_agents.is_bot, false) as is_bot,
        not coalesce(actor_identities.first_session_started_at < sessions_sourced.started_at, false) as is_new_visitor,
        sessions_sourced.events_count = 1 as is_bounce,
        -- the chat widget's counters (null for the other sources)
        case when sessions_sourced.source = 'widget' then sessions_sourced.messages_sent end as messages_sent,
        case when sessions_sourced.source = 'widget' then sessions_sourced.messages_received end as messages_received,
        case when sessions_sourced.source = 'widget' then sessions_sourced.widget_loads end as widget_loads,
        case when sessions_sourced.source = 'widget' then sessions_sourced.widget_opened_count end as widget_opened_count,
        case when sessions_sourced.source = 'widget' then sessions_sourced.widget_minimized_count end as widget_minimized_count,
        cast(round(sessions_sourced.avg_response_time_ms) as {{ dbt.type_bigint() }}) as avg_response_time_ms,
        case when sessions_sourced.source = 'widget' then sessions_sourced.error_count end as error_count,
        case when sessions_sourced.source = 'widget' then sessions_sourced.messages_sent > 0 end as had_conversation,
        case when sessions_sourced.source = 'widget' then sessions_sourced.pre_chat_forms_submitted > 0 end as completed_pre_chat_form,
        {{ processed_at() }} as processed_at
    from sessions_sourced
    inner join actor_identities
        on sessions_sourced.source = actor_identities.source
        and sessions_sourced.actor_id = actor_identities.actor_id
    left join source_categories as session_categories
        on sessions_sourced.session_source = session_categories.source
    left join user_agents
        on sessions_sourced.user_agent = user_agents.user_agent
    -- sessions are kept var('retention_sessions_days') days (docs/retention.md)
    where sessions_sourced.started_at >= {{ retention_cutoff('sessions') }}

),

{% if is_incremental() %}

restamp_actors as (

    -- actors whose blended_user_id changed (a late identify): their earlier sessions in the
    -- rebuildable window get it
    select distinct
        earlier_sessions.source,
        earlier_sessions.actor_id,
        actor_identities.blended_user_id
    from earlier_sessions
    inner join actor_identities
        on earlier_sessions.source = actor_identities.source
        and earlier_sessions.actor_id = actor_identities.actor_id
    where earlier_sessions.blended_user_id is distinct from actor_identities.blended_user_id

),

restamped_sessions as (

    -- copied from the table as built, with the new blended_user_id (not re-aggregated: the
    -- raw events of old sessions may be pruned)
    select
        {%- for column in session_columns %}
        {% if column == 'blended_user_id' -%}
        restamp_actors.blended_user_id
        {%- elif column == 'processed_at' -%}
        {{ processed_at() }} as processed_at
        {%- else -%}
        previous_sessions.{{ column }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as previous_sessions
    inner join restamp_actors
        on previous_sessions.source = restamp_actors.source
        and previous_sessions.actor_id = restamp_actors.actor_id
    inner join replace_points
        on previous_sessions.source = replace_points.source
        and previous_sessions.actor_id = replace_points.actor_id
    where previous_sessions.started_at < replace_points.replace_from
      -- sessions older than the rebuildable window keep theirs (they are no longer rebuilt)
      and previous_sessions.started_at >= {{ sessions_rebuildable_from('previous_sessions.source') }}

),

range_markers as (

    -- one row per touched actor: replace its sessions from replace_from on (never inserted)
    select
        {%- for column in session_columns %}
        {% if column == 'source' -%}
        source
        {%- elif column == 'actor_id' -%}
        actor_id
        {%- elif column == 'started_at' -%}
        replace_from as started_at
        {%- else -%}
        null as {{ column }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from replace_points

),

final as (

    select * from new_sessions
    union all
    select * from restamped_sessions
    union all
    select * from range_markers

)

{% else %}

final as (

    select * from new_sessions

)

{% endif %}

select * from final
