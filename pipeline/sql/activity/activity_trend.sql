-- Activities done by people in the scope from $first to $last, by month (as year x 12 +
-- month, which is quicker to group by than a truncated date) and kind; the figure adds
-- the months up into quarters.
SELECT
    year(activity.done_at) * 12 + month(activity.done_at) AS month_number,
    activity.kind,
    count(*) AS activities
FROM activities AS activity
WHERE activity.done_at >= $first AND activity.done_at < $last
  AND in_scope(activity.owner_id, $team_id, $owner_id)
GROUP BY ALL
