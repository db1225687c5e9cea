-- The period's forecast by category, as of the end of the as-of day: deals won with
-- closed_at in [start, as-of end) count as Closed; open deals with a close date in
-- [start, end) count in their forecast category (the deal's own, else its stage's).
WITH in_scope AS (
    SELECT id
    FROM users
    WHERE ($team_id IS NULL OR team_id = $team_id)
      AND ($owner_id IS NULL OR id = $owner_id)
),

closed AS (
    SELECT 'Closed' AS category, deal.amount, deal.amount AS weighted
    FROM won_as_of($as_of_end, $current) AS deal
    WHERE deal.closed_at >= $start AND deal.closed_at < $as_of_end
      AND deal.owner_id IN (SELECT id FROM in_scope)
),

open_in_period AS (
    SELECT
        coalesce(deal.forecast_category, stage.forecast_category) AS category,
        deal.amount,
        deal.amount * coalesce(deal.probability_override, stage.probability) AS weighted
    FROM open_as_of($as_of_end, $current) AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    WHERE deal.close_date >= $start AND deal.close_date < $end
      AND deal.owner_id IN (SELECT id FROM in_scope)
)

SELECT
    category,
    coalesce(sum(amount), 0) AS amount,
    CAST(round(coalesce(sum(weighted), 0), 2) AS DECIMAL(18, 2)) AS weighted,
    count(*) AS deals
FROM (SELECT * FROM closed UNION ALL SELECT * FROM open_in_period)
GROUP BY category
