-- Fill the current-state deals table from deal history for every deal it lacks with
-- an id in [$first, $last] (after bulk loads: the demo generator, and imports, which
-- first remove the deals they changed). Derived fields: the version count, when the deal
-- entered its current stage, how often its close date moved later, the last activity
-- and how many activities were done on it while it was open (up to its close).
WITH ordered AS (
    SELECT
        history.*,
        lag(stage_id) OVER deal_versions AS previous_stage_id,
        lag(close_date) OVER deal_versions AS previous_close_date
    FROM deal_history AS history
    WHERE history.deal_id BETWEEN $first AND $last
      AND history.deal_id NOT IN (SELECT id FROM deals)
    WINDOW deal_versions AS (PARTITION BY deal_id ORDER BY version)
),

per_deal AS (
    SELECT
        deal_id,
        count(*) FILTER (WHERE close_date > previous_close_date) AS push_count,
        max(valid_from) FILTER (WHERE previous_stage_id IS DISTINCT FROM stage_id)
            AS stage_entered_at
    FROM ordered
    GROUP BY deal_id
),

last_touch AS (
    SELECT
        activity.deal_id,
        max(activity.done_at) AS last_activity_at,
        count(*) FILTER (WHERE current.closed_at IS NULL
                         OR activity.done_at <= current.closed_at) AS touches
    FROM activities AS activity
    JOIN deal_history AS current
      ON current.deal_id = activity.deal_id AND current.valid_to IS NULL
    WHERE activity.deal_id BETWEEN $first AND $last AND activity.done_at IS NOT NULL
    GROUP BY activity.deal_id
)

INSERT INTO deals BY NAME
SELECT
    current.deal_id AS id,
    current.* EXCLUDE (deal_id, version, valid_from, valid_to, changed_by, change_source),
    last_touch.last_activity_at,
    coalesce(last_touch.touches, 0) AS touches,
    per_deal.stage_entered_at,
    per_deal.push_count,
    current.valid_from AS updated_at,
    current.changed_by AS updated_by,
    current.version
FROM deal_history AS current
JOIN per_deal ON per_deal.deal_id = current.deal_id
LEFT JOIN last_touch ON last_touch.deal_id = current.deal_id
WHERE current.deal_id BETWEEN $first AND $last
  AND current.valid_to IS NULL AND current.deal_id NOT IN (SELECT id FROM deals)
