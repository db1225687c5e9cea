-- Every node's quota for [$start, $end) and pace to date [$start, $to_date_end), for
-- the attainment tables by team and by person: prorated from each node's monthly
-- quotas (monthly_quota: its own plan for a month, else the sum below it).
-- quota_months of period_months have a plan. Nodes without any plan are left out.
SELECT
    node,
    prorated(sum(quota_share(amount, month, $start, $end))) AS quota,
    CASE WHEN bool_or(month < $to_date_end) THEN
        prorated(sum(quota_share(amount, month, $start, $to_date_end)))
    END AS pace,
    count(*) AS quota_months,
    date_diff('month', date_trunc('month', $start), $end - INTERVAL 1 DAY) + 1 AS period_months
FROM monthly_quota($start, $end)
GROUP BY node
