-- The cohort funnel: of the deals of the scope and cut created in [$start, $end) in
-- $pipeline (cohort_progress), how many reached each open stage and Won, counted both
-- ways: any-stage (at the stage or past it at any point; every step for a won deal)
-- and strict (passed every stage before it in order).
WITH progress AS (
    SELECT * FROM cohort_progress($start, $end, $pipeline, $team_id, $owner_id, $segment,
                                  $deal_type, $source, $size, $large_from)
),

steps AS (
    SELECT name AS stage, row_number() OVER (ORDER BY position) AS step
    FROM stages
    WHERE pipeline = $pipeline AND NOT is_closed
)

SELECT
    steps.step,
    steps.stage,
    count(progress.id) FILTER (WHERE progress.furthest >= steps.step
                               OR progress.status = 'won') AS any_stage,
    count(progress.id) FILTER (WHERE progress.strict_steps >= steps.step) AS strict
FROM steps
LEFT JOIN progress ON true
GROUP BY steps.step, steps.stage
UNION ALL
SELECT
    (SELECT count(*) FROM steps) + 1,
    'Won',
    count(*) FILTER (WHERE status = 'won'),
    count(*) FILTER (WHERE status = 'won' AND strict_steps = steps)
FROM progress
ORDER BY 1
