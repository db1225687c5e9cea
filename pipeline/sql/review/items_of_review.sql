-- One saved review's agenda deals (in order, with notes and decisions) and action
-- items (with their owner, due date and whether done).
SELECT
    item.id,
    item.kind,
    item.position,
    item.deal_id,
    deal.name AS deal,
    item.note,
    item.decision,
    item.action_item,
    item.owner_id,
    owner.name AS owner,
    item.due_date,
    item.done_at,
    doer.name AS done_by
FROM review_items AS item
LEFT JOIN deals AS deal ON deal.id = item.deal_id
LEFT JOIN users AS owner ON owner.id = item.owner_id
LEFT JOIN users AS doer ON doer.id = item.done_by
WHERE item.review_id = $review_id
ORDER BY item.kind DESC, item.position, item.id
