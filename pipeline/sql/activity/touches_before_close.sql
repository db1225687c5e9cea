-- The scope's deals closed in [$start, $end) (as they stand now) with how many
-- activities were done on them up to their close, won or lost.
WITH closed AS (
    SELECT id, status, closed_at
    FROM deals
    WHERE status IN ('won', 'lost') AND closed_at >= $start AND closed_at < $end
      AND in_scope(owner_id, $team_id, $owner_id)
)

SELECT
    closed.id,
    closed.status,
    count(activity.id) AS touches
FROM closed
LEFT JOIN activities AS activity
    ON activity.deal_id = closed.id AND activity.done_at <= closed.closed_at
GROUP BY closed.id, closed.status
