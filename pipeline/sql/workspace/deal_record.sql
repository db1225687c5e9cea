-- One deal as the deal view shows it: current state with names and its stage's rules.
SELECT
    deal.*,
    stage.name AS stage,
    stage.position AS stage_position,
    stage.pipeline,
    stage.probability AS stage_probability,
    stage.forecast_category AS stage_forecast_category,
    stage.exit_checklist,
    coalesce(deal.probability_override, stage.probability) AS probability,
    CAST(round(deal.amount * coalesce(deal.probability_override, stage.probability), 2)
         AS DECIMAL(18, 2)) AS weighted,
    account.name AS account,
    owner.name AS owner,
    editor.name AS updated_by_name
FROM deals AS deal
JOIN stages AS stage ON stage.id = deal.stage_id
JOIN users AS owner ON owner.id = deal.owner_id
LEFT JOIN accounts AS account ON account.id = deal.account_id
LEFT JOIN users AS editor ON editor.id = deal.updated_by
WHERE deal.id = $deal_id
