-- Monthly quota of the selected scope (company, a team, or a rep) for months in
-- [start, end). A scope's own plan counts when it has one for the month; otherwise
-- the plans one level below are summed (company -> teams -> reps).
WITH in_scope AS (
    SELECT
        quota.month,
        quota.amount,
        CASE
            WHEN quota.user_id IS NOT NULL THEN 3
            WHEN quota.team_id IS NOT NULL THEN 2
            ELSE 1
        END AS level
    FROM quotas AS quota
    LEFT JOIN users AS rep ON rep.id = quota.user_id
    WHERE quota.month >= $start AND quota.month < $end
      AND CASE
          WHEN quota.user_id IS NOT NULL THEN
              ($owner_id IS NULL OR quota.user_id = $owner_id)
              AND ($team_id IS NULL OR rep.team_id = $team_id)
          WHEN quota.team_id IS NOT NULL THEN
              $owner_id IS NULL AND ($team_id IS NULL OR quota.team_id = $team_id)
          ELSE $owner_id IS NULL AND $team_id IS NULL
      END
),

by_level AS (
    SELECT month, level, sum(amount) AS amount
    FROM in_scope
    GROUP BY month, level
)

SELECT month, arg_min(amount, level) AS amount
FROM by_level
GROUP BY month
ORDER BY month
