-- The deals in the scope's open pipeline for the period [$start, $end) at the window's
-- end that did not change in the window [$window_start, $window_end): they stood the
-- same at its start, so they count in both the start and the end of the waterfall.
WITH changed AS (
    SELECT DISTINCT deal_id
    FROM deal_history
    WHERE valid_from >= $window_start AND valid_from < $window_end
)

SELECT count(*) AS deals, coalesce(sum(coalesce(deal.amount, 0)), 0) AS amount
FROM deals_as_of($window_end, $end_is_current) AS deal
WHERE deal.status = 'open' AND deal.close_date >= $start AND deal.close_date < $end
  AND in_scope(deal.owner_id, $team_id, $owner_id)
  AND deal.deal_id NOT IN (SELECT deal_id FROM changed)
