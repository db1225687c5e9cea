-- Each rep's quota for the period [$start, $end) and pace to date [$start, $to_date_end),
-- prorated from their monthly quota rows (see the quota_share macro); NULL pace when no
-- month with a quota has begun. Reps without quota rows in the period are absent.
SELECT
    quota.user_id,
    prorated(sum(quota_share(quota.amount, quota.month, $start, $end))) AS quota,
    CASE WHEN bool_or(quota.month < $to_date_end) THEN
        prorated(sum(quota_share(quota.amount, quota.month, $start, $to_date_end)))
    END AS pace
FROM quotas AS quota
JOIN users AS rep ON rep.id = quota.user_id
WHERE quota.month >= date_trunc('month', $start) AND quota.month < $end
  AND ($team_id IS NULL OR rep.team_id = $team_id)
  AND ($owner_id IS NULL OR rep.id = $owner_id)
GROUP BY quota.user_id
