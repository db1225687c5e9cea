-- Dead deals of the scope, for a clean-out: open (as they stand now), with a close
-- date more than $overdue_days days past, and stale; the oldest close date first.
SELECT
    deal.id,
    deal.name,
    deal.version,
    owner.name AS owner,
    stage.name AS stage,
    deal.amount,
    deal.currency,
    deal.close_date,
    date_diff('day', deal.close_date, $today) AS days_overdue,
    deal.last_activity_at
FROM deals AS deal
JOIN users AS owner ON owner.id = deal.owner_id
JOIN stages AS stage ON stage.id = deal.stage_id
WHERE deal.status = 'open'
  AND is_overdue(deal.close_date, $today - to_days($overdue_days))
  AND is_stale(deal.last_activity_at, deal.created_at, $stale_before)
  AND in_scope(deal.owner_id, $team_id, $owner_id)
ORDER BY deal.close_date, deal.id
LIMIT $limit
