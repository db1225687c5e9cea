-- The system's own forecast per rep in the scope for [$start, $end), as the deals stood
-- at the end of the as-of day: closed (won with a close time in [$start, as-of end)),
-- commit and best case (open deals closing in the period, in the deal's category, else
-- its stage's), and weighted open (exact).
WITH reps AS (
    SELECT rep.id AS user_id, rep.name AS rep, rep.team_id, team.name AS team
    FROM users AS rep
    LEFT JOIN teams AS team ON team.id = rep.team_id
    WHERE rep.role = 'rep' AND rep.id IN (SELECT id FROM owners_in_scope($team_id, $owner_id))
),

won AS (
    SELECT owner_id, sum(amount) AS closed
    FROM won_as_of($as_of_end, $current)
    WHERE closed_at >= $start AND closed_at < least($end, $as_of_end)
    GROUP BY owner_id
),

open_in_period AS (
    SELECT
        deal.owner_id,
        sum(deal.amount) FILTER (
            WHERE coalesce(deal.forecast_category, stage.forecast_category) = 'Commit') AS commit,
        sum(deal.amount) FILTER (
            WHERE coalesce(deal.forecast_category, stage.forecast_category) = 'Best Case')
            AS best_case,
        sum(deal.amount * coalesce(deal.probability_override, stage.probability)) AS weighted
    FROM open_as_of($as_of_end, $current) AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    WHERE deal.close_date >= $start AND deal.close_date < $end
    GROUP BY deal.owner_id
)

SELECT
    reps.user_id,
    reps.rep,
    reps.team_id,
    reps.team,
    coalesce(won.closed, 0) AS closed,
    coalesce(won.closed, 0) + coalesce(o.commit, 0) AS commit_forecast,
    coalesce(won.closed, 0) + coalesce(o.commit, 0) + coalesce(o.best_case, 0)
        AS best_case_forecast,
    coalesce(o.weighted, 0) AS weighted_open
FROM reps
LEFT JOIN won ON won.owner_id = reps.user_id
LEFT JOIN open_in_period AS o ON o.owner_id = reps.user_id
ORDER BY reps.team, reps.rep
