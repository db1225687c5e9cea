-- Open deals of the scope and cut (as they stand now) by age in days since creation,
-- in the buckets $bucket_floors (lower bounds, ascending, the first 0).
SELECT
    list_last(list_filter($bucket_floors,
                          floor -> floor <= date_diff('day', deal.created_at, $now))) AS bucket,
    count(*) AS deals,
    coalesce(sum(deal.amount), 0) AS amount
FROM deals AS deal
LEFT JOIN accounts AS account ON account.id = deal.account_id
WHERE deal.status = 'open'
  AND in_scope(deal.owner_id, $team_id, $owner_id)
  AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, $segment,
             $deal_type, $source, $size, $large_from)
GROUP BY ALL
ORDER BY bucket
