-- Margin on the scope's deals of the cut won in [$start, $end), by the account's
-- segment and by owner: the won deals, how many have a cost, and over those the
-- amount, the cost and the margin (amount - cost). A deal without a cost is left out of
-- the amounts rather than counted at a cost of zero.
SELECT
    CASE WHEN grouping(owner.id) = 1 THEN 'segment' ELSE 'rep' END AS dimension,
    CASE WHEN grouping(owner.id) = 1 THEN coalesce(account.segment, '(no segment)')
         ELSE owner.name END AS name,
    count(*) AS won_deals,
    count(deal.cost) AS costed_deals,
    coalesce(sum(deal.amount) FILTER (WHERE deal.cost IS NOT NULL), 0) AS amount,
    coalesce(sum(deal.cost), 0) AS cost,
    coalesce(sum(deal.amount - deal.cost), 0) AS margin
FROM deals AS deal
JOIN users AS owner ON owner.id = deal.owner_id
LEFT JOIN accounts AS account ON account.id = deal.account_id
WHERE deal.status = 'won' AND deal.closed_at >= $start AND deal.closed_at < $end
  AND in_scope(deal.owner_id, $team_id, $owner_id)
  AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, $segment,
             $deal_type, $source, $size, $large_from)
GROUP BY GROUPING SETS ((account.segment), (owner.id, owner.name))
ORDER BY dimension DESC, margin DESC, name
