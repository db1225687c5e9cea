-- Coverage per team of the scope at every level of the tree, in tree order: open
-- pipeline closing in [$start, $end) as of the end of the as-of day, won with a close
-- time in [$start, $to_date_end), quota for the period from planned_rows
-- (planned_by_node, kept per plan version), all rolled up the tree; coverage = open
-- pipeline / (quota - won), NULL when nothing is left to close.
WITH ancestry AS (
    SELECT * FROM team_ancestry()
),

by_owner AS (
    SELECT owner_id, sum(amount) AS open_pipeline, 0 AS won
    FROM open_as_of($as_of_end, $current)
    WHERE close_date >= $start AND close_date < $end
    GROUP BY owner_id
    UNION ALL
    SELECT owner_id, 0, sum(amount)
    FROM won_as_of($as_of_end, $current)
    WHERE closed_at >= $start AND closed_at < $to_date_end
    GROUP BY owner_id
),

by_team AS (
    SELECT ancestry.ancestor_id AS team_id, sum(by_owner.open_pipeline) AS open_pipeline,
           sum(by_owner.won) AS won
    FROM by_owner
    JOIN users AS owner ON owner.id = by_owner.owner_id
    JOIN ancestry ON ancestry.team_id = owner.team_id
    GROUP BY ancestry.ancestor_id
),

shown AS (
    SELECT tree.*
    FROM team_tree() AS tree
    WHERE $team_id IS NULL
       OR tree.team_id IN (SELECT team_id FROM ancestry WHERE ancestor_id = $team_id)
)

SELECT
    shown.team_id,
    shown.name AS team,
    shown.depth,
    coalesce(by_team.open_pipeline, 0) AS open_pipeline,
    coalesce(by_team.won, 0) AS won,
    planned.quota,
    planned.quota - coalesce(by_team.won, 0) AS remaining,
    CASE WHEN planned.quota - coalesce(by_team.won, 0) > 0 THEN
        ratio_of(coalesce(by_team.open_pipeline, 0), planned.quota - coalesce(by_team.won, 0))
    END AS coverage
FROM shown
LEFT JOIN by_team ON by_team.team_id = shown.team_id
LEFT JOIN planned_rows AS planned ON planned.node = 'team:' || shown.team_id
ORDER BY shown.path
