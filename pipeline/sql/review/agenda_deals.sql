-- The agenda's deals as a review shows and exports them: current state with names.
SELECT
    deal.id,
    deal.name,
    owner.name AS owner,
    stage.name AS stage,
    deal.status,
    deal.amount,
    deal.currency,
    deal.close_date,
    deal.next_step
FROM deals AS deal
JOIN users AS owner ON owner.id = deal.owner_id
JOIN stages AS stage ON stage.id = deal.stage_id
WHERE list_contains($deal_ids, deal.id)
