-- The scope's deals closed in [$start, $end) (as they stand now) with how many
-- activities were done on them up to their close (the count kept on each deal).
SELECT id, status, coalesce(touches, 0) AS touches
FROM deals
WHERE status IN ('won', 'lost') AND closed_at >= $start AND closed_at < $end
  AND in_scope(owner_id, $team_id, $owner_id)
