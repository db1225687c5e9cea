-- A deal's activities, newest first (planned ones, not yet done, on top).
SELECT
    activity.kind,
    activity.outcome,
    coalesce(activity.note, activity.subject) AS note,
    activity.done_at,
    activity.due_at,
    person.name AS by
FROM activities AS activity
LEFT JOIN users AS person ON person.id = activity.owner_id
WHERE activity.deal_id = $deal_id
ORDER BY activity.done_at DESC NULLS FIRST, activity.id DESC
LIMIT $limit
