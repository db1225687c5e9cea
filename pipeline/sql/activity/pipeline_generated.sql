-- Pipeline generated: the scope's deals created in [$start, $end) and in the same part
-- of the period before, [$previous_start, $previous_end), by owner and source, with
-- their count and value (as the deals stand now; a deal without an amount counts as
-- one deal of no value).
SELECT
    CASE WHEN deal.created_at >= $start THEN 'this' ELSE 'previous' END AS period,
    deal.owner_id,
    owner.name AS owner,
    coalesce(nullif(trim(deal.source), ''), '(no source)') AS source,
    count(*) AS deals,
    coalesce(sum(deal.amount), 0) AS amount
FROM deals AS deal
JOIN users AS owner ON owner.id = deal.owner_id
WHERE ((deal.created_at >= $start AND deal.created_at < $end)
       OR (deal.created_at >= $previous_start AND deal.created_at < $previous_end))
  AND in_scope(deal.owner_id, $team_id, $owner_id)
GROUP BY ALL
ORDER BY period DESC, owner, source
