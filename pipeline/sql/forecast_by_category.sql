-- The period's forecast by category, as of the end of the as-of day: deals won with
-- closed_at in [start, as-of end) count as Closed; open deals with a close date in
-- [start, end) count in their forecast category (the deal's own, else its stage's).
WITH scoped AS (
    SELECT deal.*, stage.probability AS stage_probability,
           stage.forecast_category AS stage_forecast_category
    FROM deals_as_of($as_of_end, $current) AS deal
    JOIN users AS owner ON owner.id = deal.owner_id
    JOIN stages AS stage ON stage.id = deal.stage_id
    WHERE ($team_id IS NULL OR owner.team_id = $team_id)
      AND ($owner_id IS NULL OR deal.owner_id = $owner_id)
),

closed AS (
    SELECT 'Closed' AS category, amount, amount AS weighted
    FROM scoped
    WHERE status = 'won' AND closed_at >= $start AND closed_at < $as_of_end
),

open_in_period AS (
    SELECT
        coalesce(forecast_category, stage_forecast_category) AS category,
        amount,
        amount * coalesce(probability_override, stage_probability) AS weighted
    FROM scoped
    WHERE status = 'open' AND close_date >= $start AND close_date < $end
)

SELECT
    category,
    coalesce(sum(amount), 0) AS amount,
    CAST(round(coalesce(sum(weighted), 0), 2) AS DECIMAL(18, 2)) AS weighted,
    count(*) AS deals
FROM (SELECT * FROM closed UNION ALL SELECT * FROM open_in_period)
GROUP BY category
