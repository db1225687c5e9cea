-- Activities done by people in the scope in each of the quarters starting at
-- $quarter_starts (a list, oldest first; each three months long), by kind.
WITH quarters AS (
    SELECT unnest($quarter_starts) AS quarter_start
)

SELECT
    quarters.quarter_start,
    activity.kind,
    count(activity.id) AS activities
FROM quarters
LEFT JOIN activities AS activity
    ON activity.done_at >= quarters.quarter_start
   AND activity.done_at < quarters.quarter_start + INTERVAL 3 MONTH
   AND in_scope(activity.owner_id, $team_id, $owner_id)
WHERE activity.done_at >= $first AND activity.done_at < $last
GROUP BY ALL
ORDER BY quarters.quarter_start, activity.kind
