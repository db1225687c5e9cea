-- The scope's open deals as they stand now, largest first by amount or (when $by_weighted)
-- by weighted value, up to $limit: what a manager reads first, then the rest, with
-- the hygiene flags (staging macros) and whether its close date moved later since the
-- window began ($window_start).
WITH top AS (
    SELECT
        deal.*,
        stage.name AS stage,
        owner.name AS owner,
        coalesce(deal.probability_override, stage.probability) AS probability,
        CAST(round(deal.amount * coalesce(deal.probability_override, stage.probability), 2)
             AS DECIMAL(18, 2)) AS weighted
    FROM deals AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    JOIN users AS owner ON owner.id = deal.owner_id
    WHERE deal.status = 'open' AND in_scope(deal.owner_id, $team_id, $owner_id)
    ORDER BY CASE WHEN $by_weighted THEN weighted ELSE deal.amount END DESC NULLS LAST, deal.id
    LIMIT $limit
),

before AS (
    SELECT deal_id, close_date
    FROM deals_as_of($window_start, false)
    WHERE deal_id IN (SELECT id FROM top)
)

SELECT
    top.id,
    top.name,
    top.owner,
    top.stage,
    top.amount,
    top.weighted,
    top.close_date,
    date_diff('day', top.stage_entered_at, $now) AS days_in_stage,
    top.last_activity_at,
    top.next_step,
    top.next_step_due,
    top.obstacle,
    top.push_count,
    is_stale(top.last_activity_at, top.created_at, $stale_before) AS stale,
    is_overdue(top.close_date, $today) AS overdue,
    lacks_next_step(top.next_step) AS no_next_step,
    next_step_late(top.next_step, top.next_step_due, $today) AS next_step_late,
    is_stuck(top.stage_entered_at, top.stage_id, $now, $stuck_factor, $median_stage_ids,
             $median_days) AS stuck,
    coalesce(top.close_date > before.close_date, false) AS pushed_in_window
FROM top
LEFT JOIN before ON before.deal_id = top.id
ORDER BY CASE WHEN $by_weighted THEN top.weighted ELSE top.amount END DESC NULLS LAST, top.id
