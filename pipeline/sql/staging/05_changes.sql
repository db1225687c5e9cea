-- What changed in the open pipeline over a window [window_start, window_end), for the
-- deals closing in [period_start, period_end) owned in a scope: one row per deal that
-- changed in the window and was in that pipeline at its start or its end, with where it
-- stood at each end and the one category its change falls in.
--
-- In the pipeline at an instant: open, closing inside the period, owned by someone in
-- the scope (the teams as they are now). The rule, one category per deal, judged by the
-- window's two ends: in at both: increased / decreased by the change in amount
-- (unchanged: none); in only at the end: new (created in the window), moved in (its
-- owner was not in the scope at the start), else pulled in (its close date came into
-- the period, or it reopened); in only at the start: won, lost, moved out (its owner
-- left the scope), else pushed out (its close date left the period). A deal that did
-- not change stood the same at both ends, so start + changes = end exactly.
--
-- A deal that changed had, at the window's start, the version its first change in the
-- window closed (none when created in the window), and at its end the version its last
-- change opened: two narrow reads of history find them by their times, each filter on
-- one column so that PostgreSQL's indexes (valid_from, valid_to) answer it.
CREATE OR REPLACE MACRO pipeline_changes(window_start, window_end, period_start, period_end,
                                         scope_team, scope_person) AS TABLE
    WITH scope AS (
        SELECT id FROM owners_in_scope(scope_team, scope_person)
    ),

    -- at the end: the versions a change in the window opened and that still held then
    end_versions AS MATERIALIZED (
        SELECT deal_id, owner_id, stage_id, status, amount, close_date, created_at
        FROM deal_history
        WHERE valid_from >= window_start AND valid_from < window_end
          AND (valid_to IS NULL OR valid_to >= window_end)
    ),

    -- at the start: the versions that held then and a change in the window closed
    start_versions AS MATERIALIZED (
        SELECT deal_id, owner_id, stage_id, status, amount, close_date, created_at
        FROM deal_history
        WHERE valid_to >= window_start AND valid_to < window_end
          AND valid_from < window_start
    ),

    both_ends AS (
        SELECT
            coalesce(e.deal_id, s.deal_id) AS deal_id,
            coalesce(e.created_at, s.created_at) AS created_at,
            s.status AS status_before, e.status AS status_after,
            s.stage_id AS stage_before, e.stage_id AS stage_after,
            coalesce(s.amount, 0) AS amount_before, coalesce(e.amount, 0) AS amount_after,
            s.close_date AS close_before, e.close_date AS close_after,
            s.owner_id AS owner_before, e.owner_id AS owner_after,
            coalesce(s.status = 'open' AND s.close_date >= period_start
                     AND s.close_date < period_end
                     AND s.owner_id IN (SELECT id FROM scope), false) AS in_before,
            coalesce(e.status = 'open' AND e.close_date >= period_start
                     AND e.close_date < period_end
                     AND e.owner_id IN (SELECT id FROM scope), false) AS in_after,
            coalesce(s.owner_id IN (SELECT id FROM scope), false) AS owner_in_before,
            coalesce(e.owner_id IN (SELECT id FROM scope), false) AS owner_in_after
        FROM start_versions AS s
        FULL OUTER JOIN end_versions AS e ON e.deal_id = s.deal_id
    )

    SELECT
        both_ends.*,
        CASE
            WHEN in_before AND in_after THEN
                CASE WHEN amount_after > amount_before THEN 'increased'
                     WHEN amount_after < amount_before THEN 'decreased' END
            WHEN in_after THEN
                CASE WHEN created_at >= window_start THEN 'new'
                     WHEN NOT owner_in_before THEN 'moved in'
                     ELSE 'pulled in' END
            WHEN in_before THEN
                CASE WHEN status_after = 'won' THEN 'won'
                     WHEN status_after = 'lost' THEN 'lost'
                     WHEN NOT owner_in_after THEN 'moved out'
                     ELSE 'pushed out' END
        END AS category,
        CASE
            WHEN in_before AND in_after THEN amount_after - amount_before
            WHEN in_after THEN amount_after
            ELSE -amount_before
        END AS change
    FROM both_ends
    WHERE in_before OR in_after;
