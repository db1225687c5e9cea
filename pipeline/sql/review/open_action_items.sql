-- Action items not done yet: of the saved reviews of a scope (team and rep as the review
-- names them), or assigned to one person ($assignee), oldest due first; with what
-- deciding who may mark one done needs (the review's scope and who ran it).
SELECT
    item.id,
    item.review_id,
    review.saved_at AS reviewed_at,
    item.action_item,
    item.deal_id,
    deal.name AS deal,
    item.owner_id,
    owner.name AS owner,
    item.due_date,
    review.team_id,
    review.owner_id AS review_owner,
    review.created_by
FROM review_items AS item
JOIN reviews AS review ON review.id = item.review_id
LEFT JOIN deals AS deal ON deal.id = item.deal_id
LEFT JOIN users AS owner ON owner.id = item.owner_id
WHERE item.kind = 'action' AND item.done_at IS NULL
  AND (($assignee IS NOT NULL AND item.owner_id = $assignee)
       OR ($assignee IS NULL AND review.team_id IS NOT DISTINCT FROM $team_id
           AND review.owner_id IS NOT DISTINCT FROM $owner_id))
ORDER BY item.due_date NULLS LAST, item.id
