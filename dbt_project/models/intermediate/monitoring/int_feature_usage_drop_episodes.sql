{%- set baseline_weeks = var('alert_feature_drop_baseline_weeks') | int -%}
{%- set lookback_weeks = ((var('alert_lookback_days') | int) + 6) // 7 -%}
{%- set min_days = var('alert_partial_week_min_days') -%}
-- Feature-usage drops as episodes: product `feature_used` events per ISO week, per feature
-- across the platform and per (account, feature), against the mean of the complete weeks
-- before. The current week is read once enough of it has elapsed, against the baseline scaled
-- to its elapsed span. An account's drop in a week the whole platform's use of that feature
-- drops is left to the platform's alert. Rules: docs/metrics.md, "Alerts".
with

events as (

    select * from {{ ref('fct_events') }}

),

first_week as (

    select {{ add_days(iso_week_start(as_of()), -7 * (lookback_weeks + baseline_weeks)) }} as week_start

),

weeks as (

    {{ calendar_spine(
        '(select week_start from first_week)',
        iso_week_start(as_of()),
        step_days=7,
        column_name='week_start'
    ) }}

),

weeks_measured as (

    select
        week_start,
        {{ week_number('week_start') }} as week_number,
        {{ is_complete_week('week_start') }} as is_complete_week,
        {{ week_measured_at('week_start') }} as measured_at,
        {{ week_days_elapsed('week_start') }} as days_elapsed
    from weeks

),

evaluated_weeks as (

    -- the complete weeks of the lookback, and the current week once enough has elapsed
    select
        *,
        max(week_number) over () as latest_week_number
    from weeks_measured
    where (is_complete_week and week_start >= {{ add_days(iso_week_start(as_of()), -7 * lookback_weeks) }})
       or (not is_complete_week and days_elapsed >= {{ min_days }})

),

feature_uses as (

    select
        account_id,
        {{ json_text('properties', 'feature_name') }} as feature_name,
        {{ iso_week_start('occurred_at') }} as week_start
    from events
    where source = 'product'
      and event_name = 'feature_used'
      and occurred_at <= {{ as_of() }}
      and occurred_at >= cast((select week_start from first_week) as {{ dbt.type_timestamp() }})

),

subject_week_uses as (

    select
        'platform' as subject_type,
        feature_name as subject_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        feature_name,
        week_start,
        count(*) as uses_count
    from feature_uses
    where feature_name is not null
    group by feature_name, week_start

    union all

    select
        'feature' as subject_type,
        account_id || ':' || feature_name as subject_id,
        account_id,
        feature_name,
        week_start,
        count(*) as uses_count
    from feature_uses
    where feature_name is not null
      and account_id is not null
    group by account_id, feature_name, week_start

),

subjects as (

    select distinct
        subject_type,
        subject_id,
        account_id,
        feature_name
    from subject_week_uses

),

subject_weeks as (

    -- every week of every subject, weeks without a use included
    select
        subjects.*,
        weeks_measured.week_start,
        weeks_measured.week_number,
        weeks_measured.is_complete_week,
        weeks_measured.measured_at,
        weeks_measured.days_elapsed,
        coalesce(subject_week_uses.uses_count, 0) as uses_count
    from subjects
    cross join weeks_measured
    left join subject_week_uses
        on subjects.subject_type = subject_week_uses.subject_type
        and subjects.subject_id = subject_week_uses.subject_id
        and weeks_measured.week_start = subject_week_uses.week_start

),

baselines as (

    select
        *,
        avg(case when is_complete_week then uses_count end) over earlier_weeks as baseline_uses,
        count(case when is_complete_week then 1 end) over earlier_weeks as baseline_weeks_count
    from subject_weeks
    window earlier_weeks as (
        partition by subject_type, subject_id
        order by week_number
        rows between {{ baseline_weeks }} preceding and 1 preceding
    )

),

drops as (

    select
        baselines.*,
        evaluated_weeks.latest_week_number,
        {{ scaled_target('baselines.baseline_uses', 'baselines.days_elapsed') }} as expected_uses,
        1 - baselines.uses_count / {{ scaled_target('baselines.baseline_uses', 'baselines.days_elapsed') }} as drop_rate
    from baselines
    inner join evaluated_weeks
        on baselines.week_start = evaluated_weeks.week_start
    where baselines.baseline_weeks_count = {{ baseline_weeks }}
      and baselines.baseline_uses >= {{ var('alert_feature_drop_min_baseline_uses') }}

),

detected_drops as (

    select *
    from drops
    where drop_rate >= {{ var('alert_feature_drop_min_rate') }}

),

detections as (

    select
        accounts.subject_type,
        accounts.subject_id,
        accounts.account_id,
        accounts.feature_name,
        accounts.week_number as period_number,
        accounts.latest_week_number,
        accounts.measured_at as detected_at,
        case
            when accounts.drop_rate >= {{ var('alert_feature_drop_critical_rate') }} then 'critical'
            else 'warning'
        end as severity,
        cast(accounts.week_start as {{ dbt.type_string() }}) as condition_period,
        round(accounts.drop_rate, 4) as metric_value,
        {{ var('alert_feature_drop_min_rate') }} * 1.0 as threshold_value,
        'Use of feature "' || accounts.feature_name || '"'
            || case when accounts.subject_type = 'platform' then ' across the platform' else '' end
            || ' fell ' || cast(round(100 * accounts.drop_rate, 1) as {{ dbt.type_string() }}) || ' % in the week of '
            || cast(accounts.week_start as {{ dbt.type_string() }})
            || case when accounts.is_complete_week then '' else ' so far' end || ' ('
            || cast(accounts.uses_count as {{ dbt.type_string() }}) || ' uses against '
            || cast(round(accounts.expected_uses, 1) as {{ dbt.type_string() }}) || ' expected from the '
            || '{{ baseline_weeks }}' || ' weeks before)' as message
    from detected_drops as accounts
    left join detected_drops as platform
        on platform.subject_type = 'platform'
        and accounts.subject_type = 'feature'
        and platform.feature_name = accounts.feature_name
        and platform.week_start = accounts.week_start
    -- an account's drop inside a platform-wide drop of the same feature is the platform's alert
    where platform.subject_id is null

),

episodes as (

    {{ detection_episodes('detections', ['subject_type', 'subject_id', 'account_id', 'latest_week_number']) }}

),

final as (

    select
        'feature_usage_drop' as alert_type,
        subject_type,
        subject_id,
        account_id,
        first_detected_at,
        last_detected_at,
        cast(detections as {{ dbt.type_bigint() }}) as detections,
        severity,
        last_period_number = latest_week_number as is_open,
        condition_period,
        message,
        cast(metric_value as double) as metric_value,
        cast(threshold_value as double) as threshold_value
    from episodes

)

select * from final
