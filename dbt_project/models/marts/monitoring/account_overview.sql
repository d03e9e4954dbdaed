-- One row per account as of as_of, joining the five systems: product health and churn risk,
-- the client-success scores of its staff (latest complete week), its agents and their
-- conversations, its widget traffic (30 days), its end customers by segment and its open
-- alerts by severity. Rules of every column in _monitoring__account_overview.yml.
-- Longer than the project's ~250 lines on purpose: it is one wide join of nine small
-- per-account rollups (each a CTE of 10 to 20 lines that nothing else reads), and the join
-- reads best beside them; a model per rollup would add nine views and no clarity.
{{ config(tags=['daily']) }}


with

accounts as (

    select * from {{ ref('dim_accounts') }}

),

account_health as (

    select * from {{ ref('account_health') }}

),

success_scores as (

    select * from {{ ref('client_success_scores') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

agent_comparison as (

    select * from {{ ref('agent_comparison') }}

),

conversations as (

    select * from {{ ref('fct_conversations') }}

),

widget_daily_stats as (

    select * from {{ ref('widget_daily_stats') }}

),

customer_insights as (

    select * from {{ ref('customer_insights') }}

),

alerts as (

    select * from {{ ref('alerts') }}

),

health_as_of as (

    select
        account_id,
        health_date,
        health_score,
        churn_risk,
        churn_risk_points,
        total_users,
        active_users_30d
    from account_health
    where is_as_of_date

),

-- the latest complete ISO week: the week before the one holding as_of
client_success_latest_week as (

    select
        organization_id as account_id,
        min(week_start) as cs_week_start,
        count(distinct client_id) as cs_clients,
        avg(overall_score) as cs_mean_score,
        count(case when score_band = 'excellent' then 1 end) as cs_excellent,
        count(case when score_band = 'good' then 1 end) as cs_good,
        count(case when score_band = 'needs_attention' then 1 end) as cs_needs_attention,
        count(case when score_band = 'at_risk' then 1 end) as cs_at_risk
    from success_scores
    where week_start = cast({{ dbt.dateadd('day', -7, dbt.date_trunc('week', as_of())) }} as date)
      and organization_id is not null
    group by organization_id

),

account_agents as (

    select
        account_id,
        count(*) as agents
    from agents
    where account_id is not null
    group by account_id

),

agent_scores as (

    select
        account_id,
        avg(performance_score) as agent_mean_score
    from agent_comparison
    where account_id is not null
    group by account_id

),

conversation_totals as (

    select
        account_id,
        count(case when started_at > {{ dbt.dateadd('day', -30, as_of()) }} then 1 end) as conversations_30d,
        avg(customer_satisfaction_score) as agent_csat_avg
    from conversations
    where account_id is not null
    group by account_id

),

-- the days that overlap the 30 days ending at as_of, by the chatbot's owner
widget_totals as (

    select
        agents.account_id,
        sum(widget_daily_stats.total_sessions) as widget_sessions_30d,
        sum(widget_daily_stats.total_conversations) as widget_conversations_30d
    from widget_daily_stats
    inner join agents
        on widget_daily_stats.chatbot_id = agents.agent_id
    where agents.account_id is not null
      and cast(widget_daily_stats.stat_date as timestamp) < {{ as_of() }}
      and cast({{ dbt.dateadd('day', 1, 'widget_daily_stats.stat_date') }} as timestamp)
        > {{ dbt.dateadd('day', -30, as_of()) }}
    group by agents.account_id

),

end_customer_segments as (

    select
        account_id,
        count(*) as end_customers,
        count(case when customer_segment = 'new' then 1 end) as end_customers_new,
        count(case when customer_segment = 'at_risk' then 1 end) as end_customers_at_risk,
        count(case when customer_segment = 'high_value' then 1 end) as end_customers_high_value,
        count(case when customer_segment = 'regular' then 1 end) as end_customers_regular,
        count(case when customer_segment = 'occasional' then 1 end) as end_customers_occasional
    from customer_insights
    where account_id is not null
    group by account_id

),

open_alerts as (

    select
        account_id,
        count(*) as open_alerts,
        count(case when severity = 'critical' then 1 end) as open_alerts_critical,
        count(case when severity = 'warning' then 1 end) as open_alerts_warning,
        count(case when severity = 'info' then 1 end) as open_alerts_info
    from alerts
    where account_id is not null
      and is_open
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.plan_tier,
        accounts.subscription_status,
        cast(health_as_of.health_date as date) as health_date,
        cast(health_as_of.health_score as double) as health_score,
        health_as_of.churn_risk,
        cast(health_as_of.churn_risk_points as bigint) as churn_risk_points,
        cast(health_as_of.total_users as bigint) as users_total,
        cast(health_as_of.active_users_30d as bigint) as users_active_30d,
        cast(
            case
                when health_as_of.total_users > 0 then 1.0 * health_as_of.active_users_30d / health_as_of.total_users
            end as double
        ) as users_active_30d_rate,
        cast(client_success_latest_week.cs_week_start as date) as cs_week_start,
        cast(coalesce(client_success_latest_week.cs_clients, 0) as bigint) as cs_clients,
        cast(round(client_success_latest_week.cs_mean_score, 2) as double) as cs_mean_score,
        cast(coalesce(client_success_latest_week.cs_excellent, 0) as bigint) as cs_excellent,
        cast(coalesce(client_success_latest_week.cs_good, 0) as bigint) as cs_good,
        cast(coalesce(client_success_latest_week.cs_needs_attention, 0) as bigint)
            as cs_needs_attention,
        cast(coalesce(client_success_latest_week.cs_at_risk, 0) as bigint) as cs_at_risk,
        cast(coalesce(account_agents.agents, 0) as bigint) as agents,
        cast(coalesce(conversation_totals.conversations_30d, 0) as bigint) as conversations_30d,
        cast(round(agent_scores.agent_mean_score, 2) as double) as agent_mean_score,
        case
            when agent_scores.agent_mean_score is null then null
            when round(agent_scores.agent_mean_score, 2) >= {{ var('agent_grade_a_plus_min') }} then 'A+'
            when round(agent_scores.agent_mean_score, 2) >= {{ var('agent_grade_a_min') }} then 'A'
            when round(agent_scores.agent_mean_score, 2) >= {{ var('agent_grade_b_plus_min') }} then 'B+'
            when round(agent_scores.agent_mean_score, 2) >= {{ var('agent_grade_b_min') }} then 'B'
            when round(agent_scores.agent_mean_score, 2) >= {{ var('agent_grade_c_plus_min') }} then 'C+'
            when round(agent_scores.agent_mean_score, 2) >= {{ var('agent_grade_c_min') }} then 'C'
            else 'D'
        end as agent_mean_grade,
        cast(round(conversation_totals.agent_csat_avg, 3) as double) as agent_csat_avg,
        cast(coalesce(widget_totals.widget_sessions_30d, 0) as bigint) as widget_sessions_30d,
        cast(coalesce(widget_totals.widget_conversations_30d, 0) as bigint)
            as widget_conversations_30d,
        cast(
            case
                when widget_totals.widget_sessions_30d > 0
                    then 1.0 * widget_totals.widget_conversations_30d / widget_totals.widget_sessions_30d
            end as double
        ) as widget_conversation_rate,
        cast(coalesce(end_customer_segments.end_customers, 0) as bigint) as end_customers,
        cast(coalesce(end_customer_segments.end_customers_new, 0) as bigint) as end_customers_new,
        cast(coalesce(end_customer_segments.end_customers_at_risk, 0) as bigint)
            as end_customers_at_risk,
        cast(coalesce(end_customer_segments.end_customers_high_value, 0) as bigint)
            as end_customers_high_value,
        cast(coalesce(end_customer_segments.end_customers_regular, 0) as bigint)
            as end_customers_regular,
        cast(coalesce(end_customer_segments.end_customers_occasional, 0) as bigint)
            as end_customers_occasional,
        cast(coalesce(open_alerts.open_alerts, 0) as bigint) as open_alerts,
        cast(coalesce(open_alerts.open_alerts_critical, 0) as bigint) as open_alerts_critical,
        cast(coalesce(open_alerts.open_alerts_warning, 0) as bigint) as open_alerts_warning,
        cast(coalesce(open_alerts.open_alerts_info, 0) as bigint) as open_alerts_info
    from accounts
    left join health_as_of
        on accounts.account_id = health_as_of.account_id
    left join client_success_latest_week
        on accounts.account_id = client_success_latest_week.account_id
    left join account_agents
        on accounts.account_id = account_agents.account_id
    left join agent_scores
        on accounts.account_id = agent_scores.account_id
    left join conversation_totals
        on accounts.account_id = conversation_totals.account_id
    left join widget_totals
        on accounts.account_id = widget_totals.account_id
    left join end_customer_segments
        on accounts.account_id = end_customer_segments.account_id
    left join open_alerts
        on accounts.account_id = open_alerts.account_id

)

select * from final
