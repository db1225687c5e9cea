-- The scope's open deals (as they stand now) that fail a hygiene rule, with which ones
-- (the staging macros: one rule each, as on My deals), largest weighted value first,
-- up to $limit; and on every row how many deals fail each rule in all.
WITH flagged AS MATERIALIZED (
    SELECT
        deal.id,
        deal.name,
        owner.name AS owner,
        stage.name AS stage,
        deal.amount,
        CAST(round(deal.amount * coalesce(deal.probability_override, stage.probability), 2)
             AS DECIMAL(18, 2)) AS weighted,
        deal.close_date,
        deal.next_step,
        deal.next_step_due,
        deal.last_activity_at,
        date_diff('day', deal.stage_entered_at, $now) AS days_in_stage,
        is_stale(deal.last_activity_at, deal.created_at, $stale_before) AS stale,
        is_overdue(deal.close_date, $today) AS overdue,
        lacks_next_step(deal.next_step) AS no_next_step,
        next_step_late(deal.next_step, deal.next_step_due, $today) AS next_step_late,
        is_stuck(deal.stage_entered_at, deal.stage_id, $now, $stuck_factor, $median_stage_ids,
                 $median_days) AS stuck,
        lacks_amount(deal.amount) AS missing_amount
    FROM deals AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    JOIN users AS owner ON owner.id = deal.owner_id
    WHERE deal.status = 'open' AND in_scope(deal.owner_id, $team_id, $owner_id)
),

totals AS (
    SELECT
        count(*) FILTER (WHERE stale) AS total_stale,
        count(*) FILTER (WHERE overdue) AS total_overdue,
        count(*) FILTER (WHERE no_next_step) AS total_no_next_step,
        count(*) FILTER (WHERE next_step_late) AS total_next_step_late,
        count(*) FILTER (WHERE stuck) AS total_stuck,
        count(*) FILTER (WHERE missing_amount) AS total_missing_amount
    FROM flagged
)

SELECT flagged.*, totals.*
FROM flagged
CROSS JOIN totals
WHERE stale OR overdue OR no_next_step OR next_step_late OR stuck OR missing_amount
ORDER BY weighted DESC NULLS LAST, id
LIMIT $limit
