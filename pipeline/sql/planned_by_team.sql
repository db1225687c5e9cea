-- Per team: quota for [$start, $end) and pace to date [$start, $to_date_end). Per month
-- the team's own plan when it has one, otherwise the sum of its reps' quotas, prorated
-- (see the quota_share macro). Pace is NULL when no month of the period has begun.
WITH quota_rows AS (
    SELECT
        coalesce(quota.team_id, rep.team_id) AS team_id,
        quota.month,
        quota.amount,
        CASE WHEN quota.user_id IS NULL THEN 2 ELSE 3 END AS level
    FROM quotas AS quota
    LEFT JOIN users AS rep ON rep.id = quota.user_id
    WHERE quota.month >= date_trunc('month', $start) AND quota.month < $end
      AND (quota.user_id IS NOT NULL OR quota.team_id IS NOT NULL)
),

by_level AS (
    SELECT team_id, month, level, sum(amount) AS amount
    FROM quota_rows
    WHERE team_id IS NOT NULL
    GROUP BY team_id, month, level
),

monthly AS (
    SELECT team_id, month, arg_min(amount, level) AS amount
    FROM by_level
    GROUP BY team_id, month
)

SELECT
    team_id,
    prorated(sum(quota_share(amount, month, $start, $end))) AS quota,
    CASE WHEN bool_or(month < $to_date_end) THEN
        prorated(sum(quota_share(amount, month, $start, $to_date_end)))
    END AS pace
FROM monthly
GROUP BY team_id
