-- The pipeline as it stood at the end of an as-of day, rebuilt from deal history.
--
-- A version is valid on [valid_from, valid_to). The state "at the end of the day" is
-- the one just before day_end (the next midnight): the versions that began before
-- day_end and had not ended before it. A version beginning exactly at day_end belongs
-- to the next day (date-only imports put every event at midnight).
--
-- When nothing changed at or after day_end (is_current; see query.Context), the deals
-- table (or its narrow won/open copies) already holds that state and is a fraction of
-- history's size, so only it is read. Both branches give the same rows: the deals
-- table always equals the open versions in history.
CREATE OR REPLACE MACRO deals_as_of(day_end, is_current) AS TABLE
    SELECT
        id AS deal_id, external_id, name, account_id, owner_id, stage_id, status,
        amount, currency, probability_override, forecast_category, deal_type, source,
        created_at, close_date, closed_at, lost_reason, next_step, next_step_due,
        obstacle, notes
    FROM deals
    WHERE is_current
    UNION ALL
    SELECT
        deal_id, external_id, name, account_id, owner_id, stage_id, status,
        amount, currency, probability_override, forecast_category, deal_type, source,
        created_at, close_date, closed_at, lost_reason, next_step, next_step_due,
        obstacle, notes
    FROM deal_history
    WHERE NOT is_current
      AND valid_from < day_end AND (valid_to IS NULL OR valid_to >= day_end);

-- The won deals as they stood at the end of the day (see deals_as_of).
CREATE OR REPLACE MACRO won_as_of(day_end, is_current) AS TABLE
    SELECT deal_id, owner_id, closed_at, amount
    FROM won_deals
    WHERE is_current
    UNION ALL
    SELECT deal_id, owner_id, closed_at, amount
    FROM deal_history
    WHERE NOT is_current AND status = 'won'
      AND valid_from < day_end AND (valid_to IS NULL OR valid_to >= day_end);

-- The open deals as they stood at the end of the day (see deals_as_of).
CREATE OR REPLACE MACRO open_as_of(day_end, is_current) AS TABLE
    SELECT deal_id, owner_id, stage_id, close_date, forecast_category, probability_override,
           amount
    FROM open_deals
    WHERE is_current
    UNION ALL
    SELECT deal_id, owner_id, stage_id, close_date, forecast_category, probability_override,
           amount
    FROM deal_history
    WHERE NOT is_current AND status = 'open'
      AND valid_from < day_end AND (valid_to IS NULL OR valid_to >= day_end);
