-- The scope's open deals (now) per open stage: deals and value, and each stage's share
-- of them. A pile-up: a stage holding more than $pile_share of the scope's open deals or
-- of their value (with at least $min_deals deals in the scope).
WITH by_stage AS (
    SELECT deal.stage_id, count(*) AS deals, coalesce(sum(deal.amount), 0) AS amount
    FROM deals AS deal
    WHERE deal.status = 'open' AND in_scope(deal.owner_id, $team_id, $owner_id)
    GROUP BY deal.stage_id
),

shares AS (
    SELECT
        stage.name AS stage,
        stage.position,
        by_stage.deals,
        by_stage.amount,
        by_stage.deals / sum(by_stage.deals) OVER () AS deal_share,
        CAST(by_stage.amount AS DOUBLE) / nullif(sum(by_stage.amount) OVER (), 0) AS value_share,
        sum(by_stage.deals) OVER () AS scope_deals
    FROM by_stage
    JOIN stages AS stage ON stage.id = by_stage.stage_id
)

SELECT *, scope_deals >= $min_deals AND (deal_share > $pile_share
                                          OR coalesce(value_share, 0) > $pile_share) AS pile_up
FROM shares
ORDER BY position
