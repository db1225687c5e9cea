-- The deals behind one loss reason ($reason; '(no reason)' for blank ones), largest
-- first.
SELECT deal.id, deal.name, owner.name AS owner, deal.amount, deal.closed_at, deal.lost_reason
FROM deals AS deal
JOIN users AS owner ON owner.id = deal.owner_id
LEFT JOIN accounts AS account ON account.id = deal.account_id
WHERE deal.status = 'lost' AND deal.closed_at >= $start AND deal.closed_at < $end
  AND coalesce(nullif(trim(deal.lost_reason), ''), '(no reason)') = $reason
  AND in_scope(deal.owner_id, $team_id, $owner_id)
  AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, $segment,
             $deal_type, $source, $size, $large_from)
ORDER BY deal.amount DESC NULLS LAST, deal.id
LIMIT $limit
