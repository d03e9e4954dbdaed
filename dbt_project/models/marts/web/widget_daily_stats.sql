-- One row per (chatbot, day) with every column of the chat widget's daily-stats table, from
-- the chatbot's widget sessions (fct_sessions, source 'widget') that started that day (UTC),
-- bots left out. Kept indefinitely (docs/retention.md): incremental with full_refresh disabled,
-- and a run only recomputes days from the first day its new sessions touch, never days before the
-- recompute horizon (the first whole day after as_of - retention_widget_raw_events_days), so
-- pruning raw events never takes a day away. Rules of every column: _web__models.yml.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_ranges',
        replace_partition_by=['chatbot_id'],
        replace_range_column='stat_date',
        replace_marker_column='total_sessions',
        full_refresh=false,
        on_schema_change='append_new_columns',
        pre_hook="{{ widget_conversion_rate_migration() }}",
    )
}}

{%- set top_n = var('widget_stats_top_n') %}
{%- set stats_columns = [
    'chatbot_id', 'stat_date', 'account_id', 'total_sessions', 'unique_visitors', 'new_visitors',
    'returning_visitors', 'total_conversations', 'total_messages_sent', 'total_messages_received',
    'avg_messages_per_session', 'avg_session_duration_seconds', 'widget_loads', 'widget_opens',
    'conversion_rate', 'avg_response_time_ms', 'error_count', 'top_referrers',
    'top_landing_pages', 'utm_sources', 'desktop_sessions', 'mobile_sessions', 'tablet_sessions',
    'processed_at',
] %}

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

{% if is_incremental() %}

replace_points as (

    {{ widget_replace_points(ref('fct_sessions'), 'cast(started_at as date)') }}

),

{% endif %}

stat_sessions as (

    {{ widget_stat_sessions('sessions', 'replace_points') }}

),

daily_totals as (

    select
        chatbot_id,
        stat_date,
        max(account_id) as account_id,
        count(*) as total_sessions,
        count(distinct actor_id) as unique_visitors,
        count(distinct case when is_new_visitor then actor_id end) as new_visitors,
        count(case when had_conversation then 1 end) as total_conversations,
        cast(sum(messages_sent) as {{ dbt.type_bigint() }}) as total_messages_sent,
        cast(sum(messages_received) as {{ dbt.type_bigint() }}) as total_messages_received,
        avg(duration_seconds) as avg_session_duration_seconds,
        cast(sum(widget_loads) as {{ dbt.type_bigint() }}) as widget_loads,
        cast(sum(widget_opened_count) as {{ dbt.type_bigint() }}) as widget_opens,
        sum(avg_response_time_ms * messages_received)
            / nullif(sum(case when avg_response_time_ms is not null then messages_received end), 0)
            as avg_response_time_ms,
        cast(sum(error_count) as {{ dbt.type_bigint() }}) as error_count,
        count(case when device_type = 'desktop' then 1 end) as desktop_sessions,
        count(case when device_type = 'mobile' then 1 end) as mobile_sessions,
        count(case when device_type = 'tablet' then 1 end) as tablet_sessions
    from stat_sessions
    group by chatbot_id, stat_date

),

referrer_counts as (

    select
        chatbot_id,
        stat_date,
        coalesce(referrer_domain, 'direct') as referrer_domain,
        count(*) as sessions
    from stat_sessions
    group by chatbot_id, stat_date, coalesce(referrer_domain, 'direct')

),

landing_page_counts as (

    select
        chatbot_id,
        stat_date,
        landing_page,
        count(*) as sessions
    from stat_sessions
    where landing_page is not null
    group by chatbot_id, stat_date, landing_page

),

utm_source_counts as (

    select
        chatbot_id,
        stat_date,
        lower(utm_source) as utm_source,
        count(*) as sessions
    from stat_sessions
    where utm_source is not null
    group by chatbot_id, stat_date, lower(utm_source)

),

{%- for name, counts, key, json_key in [
    ('referrers', 'referrer_counts', 'referrer_domain', 'domain'),
    ('landing_pages', 'landing_page_counts', 'landing_page', 'page'),
    ('utm_sources', 'utm_source_counts', 'utm_source', 'source'),
] %}

top_{{ name }}_ranked as (

    select
        *,
        row_number() over (
            partition by chatbot_id, stat_date
            order by sessions desc, {{ key }}
        ) as popularity_rank
    from {{ counts }}

),

top_{{ name }} as (

    select
        chatbot_id,
        stat_date,
        {{ json_counts_array(json_key, key, 'sessions') }} as top_{{ name }}
    from top_{{ name }}_ranked
    where popularity_rank <= {{ top_n }}
    group by chatbot_id, stat_date

),
{%- endfor %}

daily_stats as (

    select
        daily_totals.chatbot_id,
        daily_totals.stat_date,
        daily_totals.account_id,
        daily_totals.total_sessions,
        daily_totals.unique_visitors,
        daily_totals.new_visitors,
        daily_totals.unique_visitors - daily_totals.new_visitors as returning_visitors,
        daily_totals.total_conversations,
        daily_totals.total_messages_sent,
        daily_totals.total_messages_received,
        round(
            1.0 * (daily_totals.total_messages_sent + daily_totals.total_messages_received)
            / daily_totals.total_sessions,
            2
        ) as avg_messages_per_session,
        cast(round(daily_totals.avg_session_duration_seconds) as {{ dbt.type_int() }}) as avg_session_duration_seconds,
        daily_totals.widget_loads,
        daily_totals.widget_opens,
        round(cast(daily_totals.total_conversations as double) / daily_totals.total_sessions, 4) as conversion_rate,
        cast(round(daily_totals.avg_response_time_ms) as {{ dbt.type_int() }}) as avg_response_time_ms,
        daily_totals.error_count,
        coalesce(top_referrers.top_referrers, {{ empty_json_array() }}) as top_referrers,
        coalesce(top_landing_pages.top_landing_pages, {{ empty_json_array() }}) as top_landing_pages,
        coalesce(top_utm_sources.top_utm_sources, {{ empty_json_array() }}) as utm_sources,
        daily_totals.desktop_sessions,
        daily_totals.mobile_sessions,
        daily_totals.tablet_sessions,
        {{ processed_at() }} as processed_at
    from daily_totals
    left join top_referrers
        on daily_totals.chatbot_id = top_referrers.chatbot_id
        and daily_totals.stat_date = top_referrers.stat_date
    left join top_landing_pages
        on daily_totals.chatbot_id = top_landing_pages.chatbot_id
        and daily_totals.stat_date = top_landing_pages.stat_date
    left join top_utm_sources
        on daily_totals.chatbot_id = top_utm_sources.chatbot_id
        and daily_totals.stat_date = top_utm_sources.stat_date

),

{% if is_incremental() %}

range_markers as (

    select
        {{ range_marker_columns(stats_columns, ['chatbot_id'], 'stat_date', 'replace_from') }}
    from replace_points

),

{% endif %}

final as (

    select * from daily_stats
    {%- if is_incremental() %}
    union all
    select * from range_markers
    {%- endif %}

)

select * from final
