-- An event whose session is within its retention period points at it: session_id is null only
-- for events whose session was pruned (older than var('retention_sessions_days')).
select
    event_key,
    session_started_at
from {{ ref('fct_events') }}
where session_id is null
  and session_started_at >= {{ retention_cutoff('sessions') }}
