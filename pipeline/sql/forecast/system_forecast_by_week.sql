-- The system's forecast for [$start, $end) as it stood at each instant of $instants
-- (week ends), rebuilt from deal history, for the deals of the scope (their owner then):
-- closed (won with a close time before the instant), commit and best case (open deals
-- closing in the period, in their category), weighted open (exact).
WITH instants AS (
    SELECT unnest($instants) AS at
),

relevant AS (  -- versions that can count: closing or closed in the period
    SELECT h.*
    FROM deal_history AS h
    WHERE ((h.status = 'open' AND h.close_date >= $start AND h.close_date < $end)
           OR (h.status = 'won' AND h.closed_at >= $start AND h.closed_at < $end))
      AND in_scope(h.owner_id, $team_id, $owner_id)
),

valid AS (
    SELECT instants.at, relevant.*
    FROM instants
    JOIN relevant
        ON relevant.valid_from < instants.at
       AND (relevant.valid_to IS NULL OR relevant.valid_to >= instants.at)
)

SELECT
    instants.at,
    coalesce(sum(v.amount) FILTER (WHERE v.status = 'won' AND v.closed_at < instants.at), 0)
        AS closed,
    coalesce(sum(v.amount) FILTER (
        WHERE v.status = 'open'
          AND coalesce(v.forecast_category, stage.forecast_category) = 'Commit'), 0) AS commit,
    coalesce(sum(v.amount) FILTER (
        WHERE v.status = 'open'
          AND coalesce(v.forecast_category, stage.forecast_category) = 'Best Case'), 0)
        AS best_case,
    coalesce(sum(v.amount * coalesce(v.probability_override, stage.probability))
        FILTER (WHERE v.status = 'open'), 0) AS weighted_open
FROM instants
LEFT JOIN valid AS v ON v.at = instants.at
LEFT JOIN stages AS stage ON stage.id = v.stage_id
GROUP BY instants.at
ORDER BY instants.at
