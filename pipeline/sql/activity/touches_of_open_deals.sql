-- The scope's open deals (as they stand now) by how many activities were done on them
-- (the count kept on each deal), in the buckets $bucket_floors (a list of lower bounds,
-- ascending, the first 0), and how many have had no touch in the stale-after days.
WITH open_deals AS (
    SELECT coalesce(touches, 0) AS touches, last_activity_at, created_at
    FROM deals
    WHERE status = 'open' AND in_scope(owner_id, $team_id, $owner_id)
)

SELECT
    list_last(list_filter($bucket_floors, floor -> floor <= touches)) AS bucket,
    count(*) AS deals,
    count(*) FILTER (WHERE is_stale(last_activity_at, created_at, $stale_before)) AS untouched
FROM open_deals
GROUP BY ALL
ORDER BY bucket
