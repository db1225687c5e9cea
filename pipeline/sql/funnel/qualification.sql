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
),

reached AS (
    SELECT steps.step, steps.name AS stage, closed.*
    FROM steps
    JOIN closed ON true
    LEFT JOIN furthest ON furthest.deal_id = closed.id
    WHERE closed.status = 'won' OR furthest.step >= steps.step
)

SELECT
    steps.step,
    steps.name AS stage,
    count(reached.id) FILTER (WHERE reached.qualified) AS qualified_deals,
    count(reached.id) FILTER (WHERE reached.qualified AND reached.status = 'won')
        AS qualified_won,
    median(reached.cycle_days) FILTER (WHERE reached.qualified AND reached.status = 'won')
        AS qualified_cycle_days,
    count(reached.id) FILTER (WHERE NOT reached.qualified) AS other_deals,
    count(reached.id) FILTER (WHERE NOT reached.qualified AND reached.status = 'won')
        AS other_won,
    median(reached.cycle_days) FILTER (WHERE NOT reached.qualified AND reached.status = 'won')
        AS other_cycle_days
FROM steps
LEFT JOIN reached ON reached.step = steps.step
GROUP BY steps.step, steps.name
ORDER BY steps.step
