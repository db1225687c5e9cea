-- First response: for the deals of the scope created in [$start, $end), the time from
-- creation to the first activity done on them at or after it (deals with none yet are
-- counted apart).
WITH created AS (
    SELECT id, created_at
    FROM deals
    WHERE created_at >= $start AND created_at < $end
      AND in_scope(owner_id, $team_id, $owner_id)
),

first_touch AS (
    SELECT created.id, min(activity.done_at) AS first_at, any_value(created.created_at) AS created_at
    FROM created
    JOIN activities AS activity
      ON activity.deal_id = created.id AND activity.done_at >= created.created_at
    -- implied by the line above (every deal here was created at or after $start); said
    -- on its own so the scan reads only activities since $start (PostgreSQL: an index)
    WHERE activity.done_at >= $start
    GROUP BY created.id
)

SELECT
    (SELECT count(*) FROM created) AS deals,
    count(*) AS answered,
    median(epoch(first_at - created_at) / 3600.0) AS median_hours,
    quantile_cont(epoch(first_at - created_at) / 3600.0, 0.9) AS p90_hours
FROM first_touch
