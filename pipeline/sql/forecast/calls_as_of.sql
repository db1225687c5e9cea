-- Each person's latest forecast call for the quarter starting $quarter_start, as it
-- stood at each instant of $instants (calls submitted before it): one row per instant
-- and person who had called by then.
WITH instants AS (
    SELECT unnest($instants) AS at
),

ranked AS (
    SELECT
        instants.at,
        call.user_id,
        call.commit_amount,
        call.best_case_amount,
        call.submitted_at,
        call.note,
        row_number() OVER (
            PARTITION BY instants.at, call.user_id ORDER BY call.submitted_at DESC, call.id DESC
        ) AS newest
    FROM instants
    JOIN forecast_calls AS call
        ON call.quarter_start = $quarter_start AND call.submitted_at < instants.at
)

SELECT ranked.at, ranked.user_id, person.name, person.role, person.team_id,
       ranked.commit_amount, ranked.best_case_amount, ranked.submitted_at, ranked.note
FROM ranked
JOIN users AS person ON person.id = ranked.user_id
WHERE ranked.newest = 1
ORDER BY ranked.at, person.name
