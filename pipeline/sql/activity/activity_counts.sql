-- Activities done in the period [$start, $end) by people in the scope, counted by who,
-- what kind, what outcome and which week (weeks start on Monday): one scan gives the
-- volume by kind, rep and week and the outcome rates.
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
GROUP BY ALL
ORDER BY week, owner, kind, outcome
