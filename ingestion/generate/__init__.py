"""Sample-data generator: seeded, coherent dumps of the 11 raw streams (README.md, "Landing
raw files").

Usage::

    from ingestion.generate import GenerateConfig, generate
    report = generate(GenerateConfig(out_dir=Path("data/raw")), progress=print)

Same config => byte-identical files (the wall clock is only read for the default ``end``).

Layout
------
``<out>/<source>/<stream>/dt=YYYY-MM-DD/part-0.<jsonl|jsonl.gz|parquet>``: one file per
stream and UTC day. The day is the record's arrival day: ``received_at`` (product tracks,
widget batches), ``timestamp`` / ``created_at`` / ``updated_at`` / ``identified_at`` of the
other streams, ``startTime`` of conversations; ``reference/agents`` is one snapshot file
dated ``end``. Inside a file records are in arrival order. JSONL is one object per line,
nested objects as real JSON objects, times as ISO-8601 UTC strings with milliseconds and
``Z``. ``jsonl.gz`` is the gzip of exactly that JSONL. Parquet holds the same records: every
field that streams.py types as JSON is a JSON text column (Parquet logical type JSON,
DuckDB reads it as ``JSON``), every other field keeps its JSON type (timestamps stay
ISO strings), so ``to_json`` of a Parquet row equals the JSONL line. The time window is
``[end - days, end]``; nothing is later than ``end``. Exception: conversations of the
scripted high-value, regular and at-risk end customers reach back up to 120 days before
``end`` (their earlier history), and agents / users / accounts carry older creation and
signup dates.

Coherence
---------
One staff member has one id: product ``user_id`` = behavior ``customer_id`` =
client_success ``client_id``; ``account_id`` = client_success ``organization_id`` = the
agent's ``account_id`` (reference/agents). ``chatbotId`` / ``chatbot_id`` = conversation
``agentId`` = reference ``agent_id``. Widget visitors have a persistent ``anonymous_id``;
the pre-chat form (or the host app) identifies them with ``user_id = cust_…`` and web
conversations use that id as ``customerId``, the widget session id as ``sessionId``, and
the same ``message_id`` as the widget's message_sent / message_received events. Other
platforms use their own customer ids: ``+<country><number>`` (whatsapp, sms), ``ig_…``,
``fb_…``. Each done onboarding task also appears as a ``task_completed`` event.

Personas (default config: 8 accounts x 6 users x 2 agents, 60 days)
---------------------------------------------------------------------
Accounts, by position (cycled when there are more than 8):

0. healthy: enterprise, users mostly power/active, renewal_due then renewal_closed_won.
1. at_risk: ``past_due`` from 20 days before ``end``; one active user, one casual, four
   dormant (active users < 30 %); its active users raise many support tickets (> 10 in
   30 days) and errors; renewal_due 5 days before ``end``; its two agents grade D and C.
2. expansion: growth plan, every user active, renewal_closed_won with an upgrade to
   enterprise (``expansion_amount``), MRR x1.6.
3. steady: pro plan, mixed users.
4. trial: signed up 20 days before ``end`` (``account_type`` trial, status trialing).
5. declining: activity drops to 30 % in the last 21 days (so a build in the last week of the
   data sees at least one complete ISO week of the drop); renewal_due 10 days before end.
6. churned: nobody active for the last 34-45 days (> 30 days inactive),
   renewal_closed_lost, status canceled; its agents stop at the same time.
7. small_healthy: starter plan, active.

Users (product, behavior): ``power`` (3.5 sessions a weekday, ~10 events, all 12
features, active most days), ``active`` (1.5 sessions, 6 features, weekdays), ``casual`` (0.35
sessions, 3 features), ``dormant`` (nothing in the last 33-50 days). Sessions are several
events 1-2 minutes apart with more than 30 minutes between sessions. Some users have no
identify call at all, about half get their first identify after their first events.
Monitoring: every product event 12 days before ``end`` has a 30 % chance of being an
error (error-rate spike); ``report_builder`` usage drops by 90 % in the last 10 days
(feature-usage drop); the at-risk account's first agent has an api_error spike 8 days
before ``end``.

Client-success clients (cycled over the users that are still around): ``steady``,
``quiet_2d`` (last event 50-62 h before ``end``: inactivity), ``quiet_4d`` (4.2-6 days:
zero_activity), ``stalled_task`` (an onboarding task in_progress since 4-8 days; every
other task is done within 2.5 days of its start),
``drop_last_week`` / ``drop_this_week`` (heavy daily use, then 5 % from the Monday of last
week / from this week's Monday or 2 days before ``end``, whichever is earlier: score drop), ``new_client`` (first active 5-12 days ago); dormant users
and churned accounts are ``lapsed``. Feedback scores are low (~2) in the at-risk account.

Agents (cycled): A+ (14 s replies, CSAT 4.85, 36 % conversion, 2 % escalation), B+, D,
C, A, C+, B, D (380 s, CSAT 2.5, 4 %, 28 %) — tuned on the agent_performance score
(docs/metrics.md, "Agents").

End customers per agent: 2 high_value (5-7 conversations, >= 3 purchases of 400-900),
3 regular (one conversation every 18-28 days over the last 90 days), 2 at_risk (2-3
conversations 65-120 days ago, none since), plus customers arriving at random (``new``
when their first contact is within 30 days, else ``occasional``) and the web visitors.
Web visitors: new and returning (same day or days later; 50 % of same-day returns within
4 hours reuse the widget ``sessionId`` across the > 30-minute gap), UTM and referrer mix,
real desktop / mobile / tablet user agents plus ~4 % bots (Googlebot, bingbot,
HeadlessChrome), ~3 % with a client clock running behind.

Faults (counted in the report): ``duplicate_rate`` re-emits whole records verbatim (a
third of them in the next day's file); ``bad_line_rate`` inserts malformed lines at random
places of JSONL files (truncated JSON or an HTML error page, the record wrapped in a JSON
array, the record without its key — for widget batches sometimes one event without
``event_id``); ``late_rate`` delays product track calls 2-72 h into a later day's file.
Record ids depend on the config (seed, end, sizes) but not on the fault rates or the
format, so a faulty run deduped equals the clean run.

``target_events`` scales activity: below 1x sessions and visitors are thinned; above, the
staff sessions stay and hold proportionally more (denser) events, and the number of web
visitors and random end customers grows.
"""

from ingestion.generate.config import GenerateConfig, GenerateReport
from ingestion.generate.core import generate

__all__ = ["GenerateConfig", "GenerateReport", "generate"]
