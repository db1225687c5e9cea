-- Won revenue per calendar month in [start, end), as of the end of the as-of day, for
-- the deals of the scope. Every month in the range is listed, with zero when nothing
-- was won. Deals are summed per day first: truncating each deal's time to its month
-- costs more than the sums.
WITH months AS (
    SELECT CAST(month AS DATE) AS month
    FROM generate_series(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP) - INTERVAL 1 DAY,
                         INTERVAL 1 MONTH) AS series(month)
),

won_by_day AS (
    SELECT CAST(deal.closed_at AS DATE) AS day, sum(deal.amount) AS won, count(*) AS won_deals
    FROM won_as_of($as_of_end, $current) AS deal
    WHERE deal.closed_at >= $start AND deal.closed_at < least($end, $as_of_end)
      AND in_scope(deal.owner_id, $team_id, $owner_id)
    GROUP BY day
),

won AS (
    SELECT CAST(date_trunc('month', day) AS DATE) AS month, sum(won) AS won,
           CAST(sum(won_deals) AS BIGINT) AS won_deals
    FROM won_by_day
    GROUP BY 1
)

SELECT months.month, coalesce(won.won, 0) AS won, coalesce(won.won_deals, 0) AS won_deals
FROM months
LEFT JOIN won ON won.month = months.month
ORDER BY months.month
