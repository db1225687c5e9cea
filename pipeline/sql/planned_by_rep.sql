-- Per person with quota rows in the period: quota for [$start, $end) and pace to date
-- [$start, $to_date_end), prorated from their monthly quotas (see the quota_share
-- macro). Pace is NULL when no month of the period has begun.
SELECT
    quota.user_id,
    prorated(sum(quota_share(quota.amount, quota.month, $start, $end))) AS quota,
    CASE WHEN bool_or(quota.month < $to_date_end) THEN
        prorated(sum(quota_share(quota.amount, quota.month, $start, $to_date_end)))
    END AS pace
FROM quotas AS quota
WHERE quota.month >= date_trunc('month', $start) AND quota.month < $end
  AND quota.user_id IS NOT NULL
GROUP BY quota.user_id
