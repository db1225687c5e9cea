-- The scope's quota for each month in [$start, $end) that has one (monthly_quota: its
-- own plan for the month, else the sum of the plans below it, level by level).
SELECT month, amount
FROM monthly_quota($start, $end)
WHERE node = scope_node($team_id, $owner_id)
ORDER BY month
