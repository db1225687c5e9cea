-- Won revenue per period: the amount of deals won with closed_at inside each
-- [start, end) range, as the deals stood at the end of the as-of day.
WITH periods AS (
    SELECT
        unnest($period_kinds) AS period,
        unnest($period_starts) AS start_day,
        unnest($period_ends) AS end_day
),

won AS (
    SELECT deal.amount, deal.closed_at
    FROM won_as_of($as_of_end, $current) AS deal
    JOIN users AS owner ON owner.id = deal.owner_id
    WHERE ($team_id IS NULL OR owner.team_id = $team_id)
      AND ($owner_id IS NULL OR deal.owner_id = $owner_id)
)

SELECT
    periods.period,
    coalesce(sum(won.amount), 0) AS won,
    count(won.closed_at) AS won_deals
FROM periods
LEFT JOIN won
    ON won.closed_at >= periods.start_day AND won.closed_at < periods.end_day
GROUP BY periods.period
