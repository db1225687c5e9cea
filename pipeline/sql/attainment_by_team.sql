-- Per team in scope (including teams with no reps yet): won revenue with a close time
-- in [$start, $to_date_end) as the deals stood at the end of the as-of day; quota for
-- the period [$start, $end) and pace to date [$start, $to_date_end): per month the
-- team's own plan when it has one, otherwise the sum of its reps' quotas, prorated
-- (see the quota_share macro); attainment against each. NULL without quota rows.
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

quota_rows AS (
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
),

planned AS (
    SELECT
        team_id,
        prorated(sum(quota_share(amount, month, $start, $end))) AS quota,
        CASE WHEN bool_or(month < $to_date_end) THEN
            prorated(sum(quota_share(amount, month, $start, $to_date_end)))
        END AS pace
    FROM monthly
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
    LEFT JOIN planned ON planned.team_id = team.id
    WHERE $team_id IS NULL OR team.id = $team_id
)

-- Attainment and pace attainment as floats (NULL without a positive quota or pace).
SELECT *, ratio_of(won, quota) AS attainment, ratio_of(won, pace) AS pace_attainment,
    quota - won AS gap, won - pace AS vs_pace
FROM figures
ORDER BY team
