-- Deals as they stood at an instant: the state columns of a deal's history version.
-- When nothing has changed since the instant (is_current; the caller checks it against
-- the latest valid_from in history), the deals table already holds that state and is a
-- fraction of history's size, so only it is read; otherwise the state is rebuilt from
-- the versions valid at the instant. Both branches give the same rows: the deals table
-- always equals the open versions in history.
DROP MACRO TABLE deals_as_of;

CREATE MACRO deals_as_of(at_ts, is_current) AS TABLE
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
      AND valid_from <= at_ts AND (valid_to IS NULL OR valid_to > at_ts);
