-- Open pipeline closing in [$start, $end) per owner in the scope, as the deals stood at
-- the end of the as-of day: deals, amount, weighted (exact), largest amount first.
SELECT
    owner.id AS user_id,
    owner.name AS rep,
    team.name AS team,
    count(*) AS deals,
    sum(deal.amount) AS amount,
    sum(deal.amount * coalesce(deal.probability_override, stage.probability)) AS weighted
FROM open_as_of($as_of_end, $current) AS deal
JOIN stages AS stage ON stage.id = deal.stage_id
JOIN users AS owner ON owner.id = deal.owner_id
LEFT JOIN teams AS team ON team.id = owner.team_id
WHERE deal.close_date >= $start AND deal.close_date < $end
  AND in_scope(deal.owner_id, $team_id, $owner_id)
GROUP BY owner.id, owner.name, team.name
ORDER BY amount DESC NULLS LAST, rep
