-- What the files say about each stage they name (per pipeline): its first spelling;
-- how many rows are won, lost or open by the IsWon/IsClosed flags (which follow the
-- stage) and how many are won or lost by any status (such deals need a closed stage);
-- and the probability and forecast category most often given with it. Deal rows come
-- before history rows (whose numbers are moved past any part of a split export).
WITH named AS (
    SELECT pipeline, stage_key, stage, row_number, stated_status, flagged_status,
        probability, forecast_category
    FROM import_rows
    WHERE stage_key IS NOT NULL
    UNION ALL
    SELECT coalesce(deal.pipeline, 'default'), h.stage_key, h.stage, h.row_number + 1000000000000000,
        NULL, NULL, h.probability, h.forecast_category
    FROM import_history_rows AS h
    LEFT JOIN import_rows AS deal ON deal.external_id = h.deal_external_id
    WHERE h.stage_key IS NOT NULL
)

SELECT
    pipeline,
    stage_key,
    arg_min(stage, row_number) AS stage,
    count(*) FILTER (WHERE flagged_status = 'won') AS won,
    count(*) FILTER (WHERE flagged_status = 'lost') AS lost,
    count(*) FILTER (WHERE flagged_status = 'open') AS open,
    count(*) FILTER (WHERE stated_status = 'won') AS needs_won,
    count(*) FILTER (WHERE stated_status = 'lost') AS needs_lost,
    mode(probability) AS probability,
    mode(forecast_category) AS forecast_category,
    min(row_number) AS first_row
FROM named
GROUP BY pipeline, stage_key
ORDER BY pipeline, first_row
