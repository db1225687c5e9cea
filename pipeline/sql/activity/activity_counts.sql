-- Activities done in the period [$start, $end) by people in the scope, counted two ways
-- in one scan: by kind, outcome and week (weeks start on Monday; owner_id is NULL on
-- those rows), and by person and kind (week NULL).
SELECT
    activity.owner_id,
    person.name AS owner,
    activity.kind,
    activity.outcome,
    date_trunc('week', activity.done_at)::DATE AS week,
    count(*) AS activities
FROM activities AS activity
JOIN users AS person ON person.id = activity.owner_id
WHERE activity.done_at >= $start AND activity.done_at < $end
  AND in_scope(activity.owner_id, $team_id, $owner_id)
GROUP BY GROUPING SETS ((activity.kind, activity.outcome, week),
                        (activity.owner_id, person.name, activity.kind))
