-- The snapshot funnel: open deals of the scope and cut in $pipeline's open stages as
-- they stood at the end of the as-of day, per stage in pipeline order: deals and amount
-- (stages holding nothing listed with zeros).
WITH open_now AS (
    SELECT deal.stage_id, count(*) AS deals, coalesce(sum(deal.amount), 0) AS amount
    FROM deals_as_of($as_of_end, $current) AS deal
    LEFT JOIN accounts AS account ON account.id = deal.account_id
    WHERE deal.status = 'open'
      AND in_scope(deal.owner_id, $team_id, $owner_id)
      AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, $segment,
                 $deal_type, $source, $size, $large_from)
    GROUP BY deal.stage_id
)

SELECT stage.id AS stage_id, stage.name AS stage, stage.position,
       coalesce(open_now.deals, 0) AS deals, coalesce(open_now.amount, 0) AS amount
FROM stages AS stage
LEFT JOIN open_now ON open_now.stage_id = stage.id
WHERE stage.pipeline = $pipeline AND NOT stage.is_closed
ORDER BY stage.position
