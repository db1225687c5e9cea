-- Qualified against not, at each open stage of $pipeline: the scope's deals of the cut
-- closed (won or lost) in [$start, $end) that reached the stage (at it or past it at
-- any point, as in the any-stage funnel; a won deal every stage), split by whether the
-- deal meets every criterion in $criteria (the settings' framework) as it stands now;
-- how many were won, and the median days from creation to the win.
WITH closed AS (
    SELECT
        deal.id,
        deal.status,
        epoch(deal.closed_at - deal.created_at) / 86400.0 AS cycle_days,
        list_has_all(string_split(coalesce(deal.qualification, ''), ','), $criteria)
            AS qualified
    FROM deals AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    LEFT JOIN accounts AS account ON account.id = deal.account_id
    WHERE deal.status IN ('won', 'lost') AND deal.closed_at >= $start AND deal.closed_at < $end
      AND stage.pipeline = $pipeline
      AND in_scope(deal.owner_id, $team_id, $owner_id)
      AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, $segment,
                 $deal_type, $source, $size, $large_from)
),

steps AS (SELECT * FROM pipeline_steps($pipeline)),

furthest AS (
    SELECT history.deal_id, max(steps.step) AS step
    FROM deal_history AS history
    JOIN steps ON steps.id = history.stage_id
    WHERE history.deal_id IN (SELECT id FROM closed)
    GROUP BY history.deal_id
),

-- Deals by how far they got and how they ended (a handful of rows), then summed per
-- step; a won deal reached every step, so each side's median cycle is the same at all.
by_furthest AS (
    SELECT coalesce(furthest.step, 0) AS furthest, closed.status = 'won' AS won,
           closed.qualified, count(*) AS deals
    FROM closed
    LEFT JOIN furthest ON furthest.deal_id = closed.id
    GROUP BY ALL
),

cycles AS (
    SELECT
        median(cycle_days) FILTER (WHERE qualified) AS qualified_days,
        median(cycle_days) FILTER (WHERE NOT qualified) AS other_days
    FROM closed
    WHERE status = 'won'
),

per_step AS (
    SELECT
        steps.step,
        steps.name AS stage,
        sum(by_furthest.deals) FILTER (WHERE by_furthest.qualified) AS qualified_deals,
        sum(by_furthest.deals) FILTER (WHERE by_furthest.qualified AND by_furthest.won)
            AS qualified_won,
        sum(by_furthest.deals) FILTER (WHERE NOT by_furthest.qualified) AS other_deals,
        sum(by_furthest.deals) FILTER (WHERE NOT by_furthest.qualified AND by_furthest.won)
            AS other_won
    FROM steps
    LEFT JOIN by_furthest ON by_furthest.won OR by_furthest.furthest >= steps.step
    GROUP BY steps.step, steps.name
)

SELECT
    per_step.step,
    per_step.stage,
    CAST(coalesce(per_step.qualified_deals, 0) AS BIGINT) AS qualified_deals,
    CAST(coalesce(per_step.qualified_won, 0) AS BIGINT) AS qualified_won,
    CASE WHEN per_step.qualified_won > 0 THEN cycles.qualified_days END AS qualified_cycle_days,
    CAST(coalesce(per_step.other_deals, 0) AS BIGINT) AS other_deals,
    CAST(coalesce(per_step.other_won, 0) AS BIGINT) AS other_won,
    CASE WHEN per_step.other_won > 0 THEN cycles.other_days END AS other_cycle_days
FROM per_step, cycles
ORDER BY per_step.step
