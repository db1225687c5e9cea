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

steps AS (
    SELECT id, name, row_number() OVER (ORDER BY position) AS step
    FROM stages
    WHERE pipeline = $pipeline AND NOT is_closed
),

furthest AS (
    SELECT history.deal_id, max(steps.step) AS step
    FROM deal_history AS history
    JOIN steps ON steps.id = history.stage_id
    WHERE history.deal_id IN (SELECT id FROM closed)
    GROUP BY history.deal_id
)

SELECT
    steps.step,
    steps.id AS stage_id,
    steps.name AS stage,
    count(closed.id) FILTER (WHERE closed.status = 'won' OR furthest.step >= steps.step)
        AS reached,
    count(closed.id) FILTER (WHERE closed.status = 'won') AS won
FROM steps
LEFT JOIN closed ON true
LEFT JOIN furthest ON furthest.deal_id = closed.id
GROUP BY steps.step, steps.id, steps.name
ORDER BY steps.step
