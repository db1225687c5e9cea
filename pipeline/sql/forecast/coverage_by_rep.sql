-- Coverage per rep in the scope: open pipeline closing in [$start, $end) as of the end
-- of the as-of day, won with a close time in [$start, $to_date_end), the rep's quota for
-- the period from planned_rows (planned_by_node); coverage = open pipeline /
-- (quota - won), NULL when nothing is left to close.
WITH reps AS (
    SELECT rep.id AS user_id, rep.name AS rep, team.name AS team
    FROM users AS rep
    LEFT JOIN teams AS team ON team.id = rep.team_id
    WHERE rep.role = 'rep' AND rep.id IN (SELECT id FROM owners_in_scope($team_id, $owner_id))
),

open_pipeline AS (
    SELECT owner_id, sum(amount) AS amount
    FROM open_as_of($as_of_end, $current)
    WHERE close_date >= $start AND close_date < $end
    GROUP BY owner_id
),

won AS (
    SELECT owner_id, sum(amount) AS amount
    FROM won_as_of($as_of_end, $current)
    WHERE closed_at >= $start AND closed_at < $to_date_end
    GROUP BY owner_id
)

SELECT
    reps.user_id,
    reps.rep,
    reps.team,
    coalesce(open_pipeline.amount, 0) AS open_pipeline,
    coalesce(won.amount, 0) AS won,
    planned.quota,
    planned.quota - coalesce(won.amount, 0) AS remaining,
    CASE WHEN planned.quota - coalesce(won.amount, 0) > 0 THEN
        ratio_of(coalesce(open_pipeline.amount, 0), planned.quota - coalesce(won.amount, 0))
    END AS coverage
FROM reps
LEFT JOIN open_pipeline ON open_pipeline.owner_id = reps.user_id
LEFT JOIN won ON won.owner_id = reps.user_id
LEFT JOIN planned_rows AS planned ON planned.node = 'user:' || reps.user_id
ORDER BY reps.team, reps.rep
