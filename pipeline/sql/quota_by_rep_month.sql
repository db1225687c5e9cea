-- Each rep's own monthly quota rows for months in [start, end).
SELECT quota.user_id, quota.month, quota.amount
FROM quotas AS quota
JOIN users AS rep ON rep.id = quota.user_id
WHERE quota.month >= $start AND quota.month < $end
  AND ($team_id IS NULL OR rep.team_id = $team_id)
  AND ($owner_id IS NULL OR rep.id = $owner_id)
ORDER BY quota.user_id, quota.month
