-- The waterfall's bars: the scope's pipeline changes in the window (pipeline_changes)
-- added up by category, with what the changed deals held at each end. Deals in the
-- pipeline at both ends with the same amount have no category (no bar).
SELECT
    category,
    count(*) AS deals,
    sum(change) AS change,
    coalesce(sum(amount_before) FILTER (WHERE in_before), 0) AS amount_before,
    coalesce(sum(amount_after) FILTER (WHERE in_after), 0) AS amount_after,
    count(*) FILTER (WHERE in_after) AS deals_after
FROM pipeline_changes($window_start, $window_end, $start, $end, $team_id, $owner_id)
GROUP BY category
