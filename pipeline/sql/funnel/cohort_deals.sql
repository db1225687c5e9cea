-- The deals behind one step of the cohort funnel ($step; one past the last open stage
-- for Won), counted the $mode way ('any' or 'strict'), largest first.
SELECT progress.id, progress.name, owner.name AS owner, progress.status, progress.amount,
       progress.created_at, progress.furthest, progress.strict_steps
FROM cohort_progress($start, $end, $pipeline, $team_id, $owner_id, $segment, $deal_type,
                     $source, $size, $large_from) AS progress
JOIN users AS owner ON owner.id = progress.owner_id
WHERE CASE
    WHEN $step > progress.steps THEN progress.status = 'won'
        AND ($mode = 'any' OR progress.strict_steps = progress.steps)
    WHEN $mode = 'strict' THEN progress.strict_steps >= $step
    ELSE progress.furthest >= $step OR progress.status = 'won'
END
ORDER BY progress.amount DESC NULLS LAST, progress.id
LIMIT $limit
