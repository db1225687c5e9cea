-- How open deals fared in earlier quarters, by the stage they were in: for each quarter
-- [$q_starts, $q_ends) and the instant $snapshots as far into it as the quarter in focus
-- is now, the deals of the scope open then with a close date inside the quarter, and
-- what each had become by the quarter's end (history): won inside the quarter, lost,
-- or neither (slipped out of it, still open).
WITH quarters AS (
    SELECT unnest($q_starts) AS q_start, unnest($q_ends) AS q_end, unnest($snapshots) AS at
),

at_snapshot AS (
    SELECT q.q_start, q.q_end, h.deal_id, h.stage_id
    FROM quarters AS q
    JOIN deal_history AS h
        ON h.valid_from < q.at AND (h.valid_to IS NULL OR h.valid_to >= q.at)
    WHERE h.status = 'open' AND h.close_date >= q.q_start AND h.close_date < q.q_end
      AND in_scope(h.owner_id, $team_id, $owner_id)
),

at_end AS (
    SELECT s.q_start, s.deal_id, s.stage_id, h.status, h.closed_at
    FROM at_snapshot AS s
    JOIN deal_history AS h
        ON h.deal_id = s.deal_id
       AND h.valid_from < s.q_end AND (h.valid_to IS NULL OR h.valid_to >= s.q_end)
    WHERE true
)

SELECT
    stage_id,
    count(*) AS deals,
    count(*) FILTER (WHERE status = 'won') AS won,
    count(*) FILTER (WHERE status = 'lost') AS lost,
    count(*) FILTER (WHERE status = 'open') AS slipped
FROM at_end
GROUP BY stage_id
ORDER BY stage_id
