-- Every deal that changed in the window [$window_start, $window_end) and was in the
-- scope's open pipeline for the period [$start, $end) at the window's start or its end,
-- rebuilt from history, with where it stood at each end and the one category its change
-- falls in. (A deal that did not change stood the same at both ends: pipeline_unchanged
-- adds those up.)
--
-- In the pipeline at an instant: open, closing inside the period, owned by someone in
-- the scope (then). The rule, one category per deal, judged by the window's two ends:
-- in at both ends: increased / decreased by the change in amount (unchanged: none);
-- in only at the end: new (created in the window), moved in (its owner was not in the
-- scope at the start), else pulled in (its close date came into the period, or it
-- reopened); in only at the start: won, lost, moved out (its owner left the scope),
-- else pushed out (its close date left the period). So start + changes = end exactly.
WITH scope_then AS (
    SELECT id FROM owners_in_scope($team_id, $owner_id)
),

changed AS (
    SELECT DISTINCT deal_id
    FROM deal_history
    WHERE valid_from >= $window_start AND valid_from < $window_end
),

at_start AS (
    SELECT * FROM deals_as_of($window_start, false)
    WHERE deal_id IN (SELECT deal_id FROM changed)
),

at_end AS (
    SELECT * FROM deals_as_of($window_end, $end_is_current)
    WHERE deal_id IN (SELECT deal_id FROM changed)
),

both_ends AS (
    SELECT
        coalesce(e.deal_id, s.deal_id) AS deal_id,
        coalesce(e.name, s.name) AS name,
        coalesce(e.created_at, s.created_at) AS created_at,
        s.status AS status_before, e.status AS status_after,
        s.stage_id AS stage_before, e.stage_id AS stage_after,
        coalesce(s.amount, 0) AS amount_before, coalesce(e.amount, 0) AS amount_after,
        s.close_date AS close_before, e.close_date AS close_after,
        s.owner_id AS owner_before, e.owner_id AS owner_after,
        e.lost_reason,
        s.deal_id IS NOT NULL AND s.status = 'open' AND s.close_date >= $start
            AND s.close_date < $end AND s.owner_id IN (SELECT id FROM scope_then) AS in_before,
        e.deal_id IS NOT NULL AND e.status = 'open' AND e.close_date >= $start
            AND e.close_date < $end AND e.owner_id IN (SELECT id FROM scope_then) AS in_after,
        s.owner_id IN (SELECT id FROM scope_then) AS owner_in_before,
        e.owner_id IN (SELECT id FROM scope_then) AS owner_in_after
    FROM at_start AS s
    FULL OUTER JOIN at_end AS e ON e.deal_id = s.deal_id
)

SELECT
    both_ends.*,
    stage_from.name AS stage_name_before, stage_to.name AS stage_name_after,
    owner_from.name AS owner_name_before, owner_to.name AS owner_name_after,
    coalesce(stage_to.position < stage_from.position, false) AS moved_back,
    CASE
        WHEN in_before AND in_after THEN
            CASE WHEN amount_after > amount_before THEN 'increased'
                 WHEN amount_after < amount_before THEN 'decreased' END
        WHEN in_after THEN
            CASE WHEN created_at >= $window_start THEN 'new'
                 WHEN NOT coalesce(owner_in_before, false) THEN 'moved in'
                 ELSE 'pulled in' END
        WHEN in_before THEN
            CASE WHEN status_after = 'won' THEN 'won'
                 WHEN status_after = 'lost' THEN 'lost'
                 WHEN NOT coalesce(owner_in_after, false) THEN 'moved out'
                 ELSE 'pushed out' END
    END AS category,
    CASE
        WHEN in_before AND in_after THEN amount_after - amount_before
        WHEN in_after THEN amount_after
        WHEN in_before THEN -amount_before
        ELSE 0
    END AS change
FROM both_ends
LEFT JOIN stages AS stage_from ON stage_from.id = stage_before
LEFT JOIN stages AS stage_to ON stage_to.id = stage_after
LEFT JOIN users AS owner_from ON owner_from.id = owner_before
LEFT JOIN users AS owner_to ON owner_to.id = owner_after
WHERE in_before OR in_after
ORDER BY abs(change) DESC, deal_id
