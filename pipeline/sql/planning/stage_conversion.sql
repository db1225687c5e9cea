-- Stage-to-win conversion for the reverse funnel: the scope's deals in $pipeline closed
-- (won or lost) in [$start, $end), how many reached each open stage (at it or past it
-- at any point; a won deal every stage) and how many of those were won.
WITH closed AS (
    SELECT deal.id, deal.status
    FROM deals AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    WHERE deal.status IN ('won', 'lost') AND deal.closed_at >= $start AND deal.closed_at < $end
      AND stage.pipeline = $pipeline
      AND in_scope(deal.owner_id, $team_id, $owner_id)
),

steps AS (SELECT * FROM pipeline_steps($pipeline)),

furthest AS (
    SELECT history.deal_id, max(steps.step) AS step
    FROM deal_history AS history
    JOIN steps ON steps.id = history.stage_id
    WHERE history.deal_id IN (SELECT id FROM closed)
    GROUP BY history.deal_id
),

-- Deals by how far they got (a handful of rows), then summed per step: a step counts
-- the won deals and the lost ones that got at least that far.
by_furthest AS (
    SELECT coalesce(furthest.step, 0) AS furthest, closed.status = 'won' AS won,
           count(*) AS deals
    FROM closed
    LEFT JOIN furthest ON furthest.deal_id = closed.id
    GROUP BY ALL
)

SELECT
    steps.step,
    steps.id AS stage_id,
    steps.name AS stage,
    CAST(coalesce(sum(by_furthest.deals) FILTER (WHERE by_furthest.won
                                                 OR by_furthest.furthest >= steps.step), 0)
         AS BIGINT) AS reached,
    CAST(coalesce(sum(by_furthest.deals) FILTER (WHERE by_furthest.won), 0) AS BIGINT) AS won
FROM steps
LEFT JOIN by_furthest ON true
GROUP BY steps.step, steps.id, steps.name
ORDER BY steps.step
