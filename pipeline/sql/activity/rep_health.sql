-- Pipeline health per rep in the scope, one row each: their open deals (as they stand
-- now) and how many fail each hygiene rule (the staging macros, as on My deals and the
-- review's lists), how many fail none, and the stage holding most of their open deals
-- with its share; plus the deals they created in [$start, $end).
WITH reps AS (
    SELECT person.id AS user_id, person.name AS rep, person.active
    FROM users AS person
    WHERE person.role = 'rep' AND person.id IN (SELECT id FROM owners_in_scope($team_id, $owner_id))
),

flags AS (
    SELECT
        deal.owner_id,
        deal.stage_id,
        is_stale(deal.last_activity_at, deal.created_at, $stale_before) AS stale,
        is_overdue(deal.close_date, $today) AS overdue,
        is_stuck(deal.stage_entered_at, deal.stage_id, $now, $stuck_factor, $median_stage_ids,
                 $median_days) AS stuck,
        lacks_next_step(deal.next_step) AS no_next_step,
        next_step_late(deal.next_step, deal.next_step_due, $today) AS next_step_late,
        lacks_amount(deal.amount) AS missing_amount
    FROM deals AS deal
    WHERE deal.status = 'open' AND deal.owner_id IN (SELECT user_id FROM reps)
),

counts AS (
    SELECT
        owner_id,
        count(*) AS open_deals,
        count(*) FILTER (WHERE stale) AS stale,
        count(*) FILTER (WHERE overdue) AS overdue,
        count(*) FILTER (WHERE stuck) AS stuck,
        count(*) FILTER (WHERE no_next_step) AS no_next_step,
        count(*) FILTER (WHERE next_step_late) AS next_step_late,
        count(*) FILTER (WHERE missing_amount) AS missing_amount,
        count(*) FILTER (WHERE NOT (stale OR overdue OR stuck OR no_next_step
                                    OR next_step_late OR missing_amount)) AS clean
    FROM flags
    GROUP BY owner_id
),

by_stage AS (
    SELECT owner_id, stage_id, count(*) AS deals
    FROM flags
    GROUP BY ALL
),

top_stage AS (
    SELECT owner_id, arg_max(stage_id, deals) AS stage_id, max(deals) AS deals
    FROM by_stage
    GROUP BY owner_id
),

generated AS (
    SELECT owner_id, count(*) AS deals, coalesce(sum(amount), 0) AS amount
    FROM deals
    WHERE created_at >= $start AND created_at < $end AND owner_id IN (SELECT user_id FROM reps)
    GROUP BY owner_id
)

SELECT
    reps.user_id,
    reps.rep,
    reps.active,
    coalesce(counts.open_deals, 0) AS open_deals,
    coalesce(counts.stale, 0) AS stale,
    coalesce(counts.overdue, 0) AS overdue,
    coalesce(counts.stuck, 0) AS stuck,
    coalesce(counts.no_next_step, 0) AS no_next_step,
    coalesce(counts.next_step_late, 0) AS next_step_late,
    coalesce(counts.missing_amount, 0) AS missing_amount,
    coalesce(counts.clean, 0) AS clean,
    stage.name AS top_stage,
    top_stage.deals / counts.open_deals AS top_stage_share,
    coalesce(generated.deals, 0) AS generated_deals,
    coalesce(generated.amount, 0) AS generated_amount
FROM reps
LEFT JOIN counts ON counts.owner_id = reps.user_id
LEFT JOIN top_stage ON top_stage.owner_id = reps.user_id
LEFT JOIN stages AS stage ON stage.id = top_stage.stage_id
LEFT JOIN generated ON generated.owner_id = reps.user_id
ORDER BY reps.rep
