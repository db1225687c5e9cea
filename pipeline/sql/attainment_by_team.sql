-- Per team in scope (including teams with no reps yet): won revenue with a close time
-- in [$start, $to_date_end) as the deals stood at the end of the as-of day; quota and
-- pace from planned_rows (planned_by_team.sql for the same period, kept per plan
-- version); attainment against each. NULL without quota rows.
WITH won AS (
    SELECT owner.team_id, sum(deal.amount) AS won, count(*) AS won_deals
    FROM won_as_of($as_of_end, $current) AS deal
    JOIN users AS owner ON owner.id = deal.owner_id
    WHERE deal.closed_at >= $start AND deal.closed_at < $to_date_end
    GROUP BY owner.team_id
),

headcount AS (
    SELECT team_id, count(*) AS reps
    FROM users
    WHERE role = 'rep'
    GROUP BY team_id
),

figures AS (
    SELECT
        team.id AS team_id,
        team.name AS team,
        coalesce(headcount.reps, 0) AS reps,
        coalesce(won.won, 0) AS won,
        coalesce(won.won_deals, 0) AS won_deals,
        planned.quota,
        planned.pace
    FROM teams AS team
    LEFT JOIN won ON won.team_id = team.id
    LEFT JOIN headcount ON headcount.team_id = team.id
    LEFT JOIN planned_rows AS planned ON planned.team_id = team.id
    WHERE $team_id IS NULL OR team.id = $team_id
)

-- Attainment and pace attainment as floats (NULL without a positive quota or pace).
SELECT *, ratio_of(won, quota) AS attainment, ratio_of(won, pace) AS pace_attainment,
    quota - won AS gap, won - pace AS vs_pace
FROM figures
ORDER BY team
