-- Per rep in scope (every rep, with zero when they won nothing): won revenue with a
-- close time in [$start, $to_date_end) as the deals stood at the end of the as-of day;
-- quota and pace from planned_rows (planned_by_node for the same period, kept per plan
-- version); attainment against each. No quota rows in the period: quota, pace and the
-- figures from them are NULL.
WITH reps AS (
    SELECT rep.id AS user_id, rep.name AS rep, team.name AS team
    FROM users AS rep
    LEFT JOIN teams AS team ON team.id = rep.team_id
    WHERE rep.role = 'rep'
      AND rep.id IN (SELECT id FROM owners_in_scope($team_id, $owner_id))
),

won AS (
    SELECT deal.owner_id, sum(deal.amount) AS won, count(*) AS won_deals
    FROM won_as_of($as_of_end, $current) AS deal
    WHERE deal.closed_at >= $start AND deal.closed_at < $to_date_end
      AND in_scope(deal.owner_id, $team_id, $owner_id)
    GROUP BY deal.owner_id
),

figures AS (
    SELECT
        reps.user_id,
        reps.rep,
        reps.team,
        coalesce(won.won, 0) AS won,
        coalesce(won.won_deals, 0) AS won_deals,
        planned.quota,
        planned.pace,
        coalesce(planned.quota_months, 0) AS quota_months,
        planned.period_months
    FROM reps
    LEFT JOIN won ON won.owner_id = reps.user_id
    LEFT JOIN planned_rows AS planned ON planned.node = 'user:' || reps.user_id
)

-- Attainment and pace attainment as floats (NULL without a positive quota or pace).
SELECT *, ratio_of(won, quota) AS attainment, ratio_of(won, pace) AS pace_attainment,
    quota - won AS gap, won - pace AS vs_pace
FROM figures
ORDER BY team, rep
