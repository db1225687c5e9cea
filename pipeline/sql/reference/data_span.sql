-- The span of recorded deal activity, to tell a user when an as-of date is outside it.
SELECT
    CAST(min(created_at) AS DATE) AS first_day,
    CAST(greatest(max(created_at), max(closed_at)) AS DATE) AS last_day,
    count(*) AS deals
FROM deals
