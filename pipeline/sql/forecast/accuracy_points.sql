-- What the pipeline said about each past quarter at several points before its end:
-- for each point (quarter [$q_starts, $q_ends), instant $instants, weeks before the end
-- $weeks), the deals of the scope as they stood then (history): closed so far, and the
-- open deals closing in the quarter per stage and category (amount, weighted exact).
WITH points AS (
    SELECT unnest($q_starts) AS q_start, unnest($q_ends) AS q_end,
           unnest($instants) AS at, unnest($weeks) AS weeks
),

relevant AS (
    SELECT h.*
    FROM deal_history AS h
    WHERE ((h.status = 'open' AND h.close_date >= list_min($q_starts)
            AND h.close_date < list_max($q_ends))
           OR (h.status = 'won' AND h.closed_at >= list_min($q_starts)
               AND h.closed_at < list_max($q_ends)))
      AND in_scope(h.owner_id, $team_id, $owner_id)
),

valid AS (
    SELECT p.q_start, p.weeks, p.at, v.*
    FROM points AS p
    JOIN relevant AS v
        ON v.valid_from < p.at AND (v.valid_to IS NULL OR v.valid_to >= p.at)
    WHERE (v.status = 'open' AND v.close_date >= p.q_start AND v.close_date < p.q_end)
       OR (v.status = 'won' AND v.closed_at >= p.q_start AND v.closed_at < p.at)
)

SELECT
    valid.q_start,
    valid.weeks,
    valid.stage_id,
    coalesce(valid.forecast_category, stage.forecast_category) AS category,
    valid.status,
    sum(valid.amount) AS amount,
    sum(valid.amount * coalesce(valid.probability_override, stage.probability)) AS weighted,
    count(*) AS deals
FROM valid
JOIN stages AS stage ON stage.id = valid.stage_id
GROUP BY ALL
ORDER BY valid.q_start, valid.weeks, valid.stage_id
