-- Customers lost in the window: accounts of the scope's deals lost in [$window_start,
-- $window_end) that, at its end, have no open deal left and no deal won in the year
-- before it (nothing live, nothing recent to build on).
WITH deals AS (
    SELECT * FROM deals_as_of($window_end, $end_is_current)
),

lost_here AS (
    SELECT DISTINCT deal.account_id
    FROM deals AS deal
    WHERE deal.status = 'lost' AND deal.closed_at >= $window_start
      AND deal.closed_at < $window_end AND deal.account_id IS NOT NULL
      AND in_scope(deal.owner_id, $team_id, $owner_id)
)

SELECT account.id, account.name,
       (SELECT sum(amount) FROM deals WHERE deals.account_id = account.id
          AND status = 'lost' AND closed_at >= $window_start) AS lost_amount
FROM accounts AS account
WHERE account.id IN (SELECT account_id FROM lost_here)
  AND NOT EXISTS (
      SELECT 1 FROM deals AS other
      WHERE other.account_id = account.id
        AND (other.status = 'open'
             OR (other.status = 'won' AND other.closed_at >= $window_end - INTERVAL 1 YEAR))
  )
ORDER BY lost_amount DESC NULLS LAST, account.name
