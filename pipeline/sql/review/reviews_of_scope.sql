-- The saved reviews of a scope (a team, a rep's 1:1, or the company), newest first,
-- with who ran them and how many agenda deals and action items each holds.
SELECT
    review.id,
    review.saved_at,
    review.window_start,
    review.window_end,
    review.quarter_start,
    review.attendees,
    review.notes,
    runner.name AS run_by,
    count(item.id) FILTER (WHERE item.kind = 'deal') AS deals,
    count(item.id) FILTER (WHERE item.kind = 'action') AS actions,
    count(item.id) FILTER (WHERE item.kind = 'action' AND item.done_at IS NULL) AS open_actions
FROM reviews AS review
LEFT JOIN users AS runner ON runner.id = review.created_by
LEFT JOIN review_items AS item ON item.review_id = review.id
WHERE review.team_id IS NOT DISTINCT FROM $team_id
  AND review.owner_id IS NOT DISTINCT FROM $owner_id
GROUP BY ALL
ORDER BY review.saved_at DESC, review.id DESC
