-- Open pipeline closing in [$start, $end) per close month, as the deals stood at the
-- end of the as-of day, for the deals of the scope: deals, amount, weighted (exact).
-- Every month of the range is listed.
WITH months AS (
    SELECT CAST(month AS DATE) AS month
    FROM generate_series(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP) - INTERVAL 1 DAY,
                         INTERVAL 1 MONTH) AS series(month)
),

by_month AS (
    SELECT
        CAST(date_trunc('month', deal.close_date) AS DATE) AS month,
        count(*) AS deals,
        sum(deal.amount) AS amount,
        sum(deal.amount * coalesce(deal.probability_override, stage.probability)) AS weighted
    FROM open_as_of($as_of_end, $current) AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    WHERE deal.close_date >= $start AND deal.close_date < $end
      AND in_scope(deal.owner_id, $team_id, $owner_id)
    GROUP BY 1
)

SELECT months.month, CAST(coalesce(by_month.deals, 0) AS BIGINT) AS deals,
       coalesce(by_month.amount, 0) AS amount, coalesce(by_month.weighted, 0) AS weighted
FROM months
LEFT JOIN by_month ON by_month.month = months.month
ORDER BY months.month
