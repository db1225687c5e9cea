-- The cohort funnel, any-stage: of the deals of the scope and cut created in
-- [$start, $end) in $pipeline (cohort_furthest), how many were ever at each open stage
-- or past it, and how many are won (a won deal counts at every stage).
WITH progress AS (
    SELECT * FROM cohort_furthest($start, $end, $pipeline, $team_id, $owner_id, $segment,
                                  $deal_type, $source, $size, $large_from)
),

-- Deals by how far they got (a handful of rows), then summed per step.
by_furthest AS (
    SELECT furthest, status = 'won' AS won, count(*) AS deals
    FROM progress
    GROUP BY ALL
),

steps AS (SELECT name AS stage, step FROM pipeline_steps($pipeline))

SELECT
    steps.step,
    steps.stage,
    CAST(coalesce(sum(by_furthest.deals) FILTER (WHERE by_furthest.furthest >= steps.step
                                                 OR by_furthest.won), 0)
         AS BIGINT) AS deals
FROM steps
LEFT JOIN by_furthest ON true
GROUP BY steps.step, steps.stage
UNION ALL
SELECT (SELECT count(*) FROM steps) + 1, 'Won',
       CAST(coalesce(sum(deals) FILTER (WHERE won), 0) AS BIGINT)
FROM by_furthest
ORDER BY 1
