-- The scope's open deals now in each open stage of $pipeline, and the deals it created
-- in [$created_from, $created_to) (for the pace of new deals).
SELECT
    stage.id AS stage_id,
    count(deal.id) AS open_deals,
    (SELECT count(*) FROM deals
     WHERE created_at >= $created_from AND created_at < $created_to
       AND in_scope(owner_id, $team_id, $owner_id)) AS created
FROM stages AS stage
LEFT JOIN deals AS deal
    ON deal.stage_id = stage.id AND deal.status = 'open'
   AND in_scope(deal.owner_id, $team_id, $owner_id)
WHERE stage.pipeline = $pipeline AND NOT stage.is_closed
GROUP BY stage.id, stage.position
ORDER BY stage.position
