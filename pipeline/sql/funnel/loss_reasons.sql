-- Why deals were lost: the scope and cut's deals lost in [$start, $end) (as they stand
-- now) by reason (blank reasons together as '(no reason)'), with count and value, most
-- first.
SELECT
    coalesce(nullif(trim(deal.lost_reason), ''), '(no reason)') AS reason,
    count(*) AS deals,
    coalesce(sum(deal.amount), 0) AS amount
FROM deals AS deal
LEFT JOIN accounts AS account ON account.id = deal.account_id
WHERE deal.status = 'lost' AND deal.closed_at >= $start AND deal.closed_at < $end
  AND in_scope(deal.owner_id, $team_id, $owner_id)
  AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, $segment,
             $deal_type, $source, $size, $large_from)
GROUP BY ALL
ORDER BY deals DESC, amount DESC, reason
