-- Open pipeline closing in [$start, $end), as the deals stood at the end of the as-of
-- day, for the deals of the scope, per open stage in pipeline order: deals, amount and
-- weighted (amount x probability: the deal's override, else its stage's; exact, the
-- figure rounds once). Stages holding nothing are listed with zeros.
WITH open_in_period AS (
    SELECT deal.stage_id, deal.probability_override, sum(deal.amount) AS amount,
           count(*) AS deals
    FROM open_as_of($as_of_end, $current) AS deal
    WHERE deal.close_date >= $start AND deal.close_date < $end
      AND in_scope(deal.owner_id, $team_id, $owner_id)
    GROUP BY ALL
)

SELECT
    stage.id AS stage_id,
    stage.name AS stage,
    stage.pipeline,
    stage.position,
    stage.probability,
    CAST(coalesce(sum(o.deals), 0) AS BIGINT) AS deals,
    coalesce(sum(o.amount), 0) AS amount,
    coalesce(sum(o.amount * coalesce(o.probability_override, stage.probability)), 0) AS weighted
FROM stages AS stage
LEFT JOIN open_in_period AS o ON o.stage_id = stage.id
WHERE NOT stage.is_closed
GROUP BY stage.id, stage.name, stage.pipeline, stage.position, stage.probability
ORDER BY stage.pipeline, stage.position
