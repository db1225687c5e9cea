-- Each team's monthly quota for months in [start, end): the team's own plan when
-- it has one for the month, otherwise the sum of its reps' quotas.
WITH in_scope AS (
    SELECT
        coalesce(quota.team_id, rep.team_id) AS team_id,
        quota.month,
        quota.amount,
        CASE WHEN quota.user_id IS NULL THEN 2 ELSE 3 END AS level
    FROM quotas AS quota
    LEFT JOIN users AS rep ON rep.id = quota.user_id
    WHERE quota.month >= $start AND quota.month < $end
      AND (quota.user_id IS NOT NULL OR quota.team_id IS NOT NULL)
),

by_level AS (
    SELECT team_id, month, level, sum(amount) AS amount
    FROM in_scope
    WHERE team_id IS NOT NULL AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY team_id, month, level
)

SELECT team_id, month, arg_min(amount, level) AS amount
FROM by_level
GROUP BY team_id, month
ORDER BY team_id, month
