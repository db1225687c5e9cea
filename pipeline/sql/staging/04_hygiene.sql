-- The hygiene rules for an open deal, one implementation each: My deals' flags, the
-- pipeline review's lists and the activities page's health counts all use these.

-- Stale: no activity since stale_before (the stale-after days before now); a deal never
-- touched counts from its creation.
CREATE OR REPLACE MACRO is_stale(last_activity_at, created_at, stale_before) AS
    coalesce(last_activity_at, created_at) < stale_before;

-- Overdue: the close date has passed (it is before today) and the deal is still open.
CREATE OR REPLACE MACRO is_overdue(close_date, today) AS
    coalesce(close_date < today, false);

-- No next step: the next-step field is empty.
CREATE OR REPLACE MACRO lacks_next_step(next_step) AS
    coalesce(trim(next_step), '') = '';

-- Next step overdue: it has a due date that has passed.
CREATE OR REPLACE MACRO next_step_late(next_step, next_step_due, today) AS
    NOT lacks_next_step(next_step) AND coalesce(next_step_due < today, false);

-- Missing amount: an open deal with no amount (allowed only in a pipeline's first
-- stage, and still worth filling in).
CREATE OR REPLACE MACRO lacks_amount(amount) AS
    amount IS NULL;

-- Stuck: in its current stage longer than stuck_factor x that stage's median completed
-- stay (median_days, listed in the order of median_stage_ids); a stage without a median
-- never makes a deal stuck.
CREATE OR REPLACE MACRO is_stuck(stage_entered_at, stage_id, now_ts, stuck_factor,
                                 median_stage_ids, median_days) AS
    coalesce(
        epoch(now_ts - stage_entered_at) / 86400.0
        > stuck_factor * list_extract(median_days, list_position(median_stage_ids, stage_id)),
        false
    );
