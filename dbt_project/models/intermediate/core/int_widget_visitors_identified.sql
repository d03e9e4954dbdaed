-- One row per widget visitor (anonymous_id) that was ever identified: the end-customer user id
-- its sessions were last identified as (the "blended" id of the Segment/Snowplow packages).
with

widget_sessions as (

    select * from {{ ref('stg_widget__sessions') }}

),

widget_identifies as (

    select * from {{ ref('stg_widget__identifies') }}

),

visitor_identifies as (

    select
        widget_sessions.anonymous_id,
        widget_identifies.user_id,
        widget_identifies.identified_at,
        widget_identifies._loaded_at,
        widget_identifies._file,
        widget_identifies._line
    from widget_identifies
    inner join widget_sessions
        on widget_identifies.session_id = widget_sessions.session_id
    where widget_sessions.anonymous_id is not null
      and widget_identifies.user_id is not null

),

visitor_identifies_ranked as (

    select
        *,
        row_number() over (
            partition by anonymous_id
            order by identified_at desc nulls last, _loaded_at desc, _file desc, _line desc
        ) as recency_rank
    from visitor_identifies

),

final as (

    select
        anonymous_id,
        user_id as identified_user_id,
        identified_at as last_identified_at
    from visitor_identifies_ranked
    where recency_rank = 1

)

select * from final
