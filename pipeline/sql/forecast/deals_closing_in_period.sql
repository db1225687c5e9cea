-- The open deals behind a pipeline figure: those closing in [$start, $end) as they
-- stood at the end of the as-of day, in the scope, narrowed to one stage, close month,
-- owner or forecast category when given; largest weighted value first. Flags are the
-- deals' as they stand now (staging hygiene macros on the current row).
SELECT
    deal.deal_id AS id,
    deal.name,
    owner.name AS owner,
    stage.name AS stage,
    deal.amount,
    coalesce(deal.probability_override, stage.probability) AS probability,
    CAST(round(deal.amount * coalesce(deal.probability_override, stage.probability), 2)
         AS DECIMAL(18, 2)) AS weighted,
    deal.close_date,
    coalesce(deal.forecast_category, stage.forecast_category) AS category,
    is_stale(now_row.last_activity_at, now_row.created_at, $stale_before) AS stale,
    is_overdue(now_row.close_date, $today) AND now_row.status = 'open' AS overdue,
    lacks_next_step(now_row.next_step) AS no_next_step
FROM deals_as_of($as_of_end, $current) AS deal
JOIN stages AS stage ON stage.id = deal.stage_id
JOIN users AS owner ON owner.id = deal.owner_id
JOIN deals AS now_row ON now_row.id = deal.deal_id
WHERE deal.status = 'open'
  AND deal.close_date >= $start AND deal.close_date < $end
  AND in_scope(deal.owner_id, $team_id, $owner_id)
  AND ($stage_id IS NULL OR deal.stage_id = $stage_id)
  AND ($month IS NULL OR date_trunc('month', deal.close_date) = $month)
  AND ($by_owner IS NULL OR deal.owner_id = $by_owner)
  AND ($category IS NULL OR coalesce(deal.forecast_category, stage.forecast_category) = $category)
ORDER BY weighted DESC NULLS LAST, id
LIMIT $limit
