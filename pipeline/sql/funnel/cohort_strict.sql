-- The cohort funnel, strict: of the deals of the scope and cut created in [$start, $end)
-- in $pipeline (cohort_progress), how many passed every open stage up to each one in
-- order, and how many are won having passed them all so.
WITH progress AS (
    SELECT * FROM cohort_progress($start, $end, $pipeline, $team_id, $owner_id, $segment,
                                  $deal_type, $source, $size, $large_from)
),

-- Deals by how far they got in order (a handful of rows), then summed per step.
by_passed AS (
    SELECT strict_steps, status = 'won' AND strict_steps = steps AS won_so, count(*) AS deals
    FROM progress
    GROUP BY ALL
),

steps AS (SELECT name AS stage, step FROM pipeline_steps($pipeline))

SELECT
    steps.step,
    steps.stage,
    CAST(coalesce(sum(by_passed.deals) FILTER (WHERE by_passed.strict_steps >= steps.step), 0)
         AS BIGINT) AS deals
FROM steps
LEFT JOIN by_passed ON true
GROUP BY steps.step, steps.stage
UNION ALL
SELECT (SELECT count(*) FROM steps) + 1, 'Won',
       CAST(coalesce(sum(deals) FILTER (WHERE won_so), 0) AS BIGINT)
FROM by_passed
ORDER BY 1
