-- Won by the scope in each calendar month of [$start, $end) (months with nothing are
-- left out): the seasonality of past years.
SELECT date_trunc('month', closed_at)::DATE AS month, sum(amount) AS won
FROM won_deals
WHERE closed_at >= $start AND closed_at < $end
  AND in_scope(owner_id, $team_id, $owner_id)
GROUP BY ALL
ORDER BY month
