-- The scope's quota and pace for each period: quota over the whole period
-- [start, end), pace over its elapsed part [start, to_date_end), prorated from the
-- scope's monthly quotas (monthly_quota: its own plan for a month, else the sum below
-- it). quota_months says how many of the period_months overlapping the period have a
-- plan. NULL quota without any; NULL pace when no planned month has begun.
WITH periods AS (
    SELECT
        unnest($period_kinds) AS period,
        unnest($period_starts) AS start_day,
        unnest($period_ends) AS end_day,
        unnest($period_to_date_ends) AS to_date_end
),

monthly AS (
    SELECT month, amount
    FROM monthly_quota(list_min($period_starts), list_max($period_ends))
    WHERE node = scope_node($team_id, $owner_id)
)

SELECT
    periods.period,
    CASE WHEN count(monthly.month) > 0 THEN
        prorated(sum(quota_share(monthly.amount, monthly.month, start_day, end_day)))
    END AS quota,
    CASE WHEN count(monthly.month) FILTER (WHERE monthly.month < to_date_end) > 0 THEN
        prorated(sum(quota_share(monthly.amount, monthly.month, start_day, to_date_end)))
    END AS pace,
    count(monthly.month) AS quota_months,
    any_value(date_diff('month', date_trunc('month', start_day), end_day - INTERVAL 1 DAY) + 1)
        AS period_months
FROM periods
LEFT JOIN monthly
    ON monthly.month >= date_trunc('month', periods.start_day) AND monthly.month < periods.end_day
GROUP BY periods.period
