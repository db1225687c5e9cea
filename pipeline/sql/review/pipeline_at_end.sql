-- The scope's open pipeline for the period [$start, $end) at the window's end: how many
-- deals and their amount (the narrow open-deals copy when nothing changed since).
SELECT count(*) AS deals, coalesce(sum(coalesce(deal.amount, 0)), 0) AS amount
FROM open_as_of($window_end, $end_is_current) AS deal
WHERE deal.close_date >= $start AND deal.close_date < $end
  AND in_scope(deal.owner_id, $team_id, $owner_id)
