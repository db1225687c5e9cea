-- Per team of the scope, at every level of the tree (a region with its teams' totals),
-- in tree order: won revenue with a close time in [$start, $to_date_end) as the deals
-- stood at the end of the as-of day, rolled up the tree; reps (headcount, rolled up
-- too); quota and pace from planned_rows (planned_by_node for the same period, kept
-- per plan version); attainment against each. The scope is a team's subtree; with one
-- person chosen, the teams above that person. NULL quota without quota rows.
WITH ancestry AS (
    SELECT * FROM team_ancestry()
),

won_by_owner AS (
    SELECT deal.owner_id, sum(deal.amount) AS won, count(*) AS won_deals
    FROM won_as_of($as_of_end, $current) AS deal
    WHERE deal.closed_at >= $start AND deal.closed_at < $to_date_end
    GROUP BY deal.owner_id
),

won_by_team AS (
    SELECT ancestry.ancestor_id AS team_id, sum(won.won) AS won,
           CAST(sum(won.won_deals) AS BIGINT) AS won_deals
    FROM won_by_owner AS won
    JOIN users AS owner ON owner.id = won.owner_id
    JOIN ancestry ON ancestry.team_id = owner.team_id
    GROUP BY ancestry.ancestor_id
),

headcount AS (
    SELECT ancestry.ancestor_id AS team_id, count(*) AS reps
    FROM users AS rep
    JOIN ancestry ON ancestry.team_id = rep.team_id
    WHERE rep.role = 'rep'
    GROUP BY ancestry.ancestor_id
),

shown AS (
    SELECT tree.*
    FROM team_tree() AS tree
    WHERE CASE
        WHEN $owner_id IS NOT NULL THEN tree.team_id IN (
            SELECT ancestor_id FROM ancestry
            WHERE team_id = (SELECT team_id FROM users WHERE id = $owner_id))
        WHEN $team_id IS NOT NULL THEN tree.team_id IN (
            SELECT team_id FROM ancestry WHERE ancestor_id = $team_id)
        ELSE true
    END
),

figures AS (
    SELECT
        shown.team_id,
        shown.name AS team,
        shown.depth,
        shown.parent_id,
        shown.path,
        coalesce(headcount.reps, 0) AS reps,
        coalesce(won_by_team.won, 0) AS won,
        coalesce(won_by_team.won_deals, 0) AS won_deals,
        planned.quota,
        planned.pace,
        coalesce(planned.quota_months, 0) AS quota_months,
        planned.period_months
    FROM shown
    LEFT JOIN won_by_team ON won_by_team.team_id = shown.team_id
    LEFT JOIN headcount ON headcount.team_id = shown.team_id
    LEFT JOIN planned_rows AS planned ON planned.node = 'team:' || shown.team_id
)

-- Attainment and pace attainment as floats (NULL without a positive quota or pace).
SELECT * EXCLUDE (path), ratio_of(won, quota) AS attainment,
    ratio_of(won, pace) AS pace_attainment, quota - won AS gap, won - pace AS vs_pace
FROM figures
ORDER BY path
