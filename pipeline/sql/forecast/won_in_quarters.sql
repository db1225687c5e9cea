-- What each quarter [$q_starts, $q_ends) really brought: won revenue with a close time
-- in it, as the deals stood at the end of its last day (history), for the scope.
WITH quarters AS (
    SELECT unnest($q_starts) AS q_start, unnest($q_ends) AS q_end
)

SELECT q.q_start, coalesce(sum(h.amount), 0) AS won, count(h.deal_id) AS deals
FROM quarters AS q
LEFT JOIN deal_history AS h
    ON h.status = 'won' AND h.closed_at >= q.q_start AND h.closed_at < q.q_end
   AND h.valid_from < q.q_end AND (h.valid_to IS NULL OR h.valid_to >= q.q_end)
   AND in_scope(h.owner_id, $team_id, $owner_id)
GROUP BY q.q_start
ORDER BY q.q_start
