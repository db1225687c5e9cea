-- Write the plan for each changed deal: its current version closed and a new one
-- opened, dated by the export (never before the version it follows). The deals table
-- is then refreshed from history for every deal touched.
CREATE OR REPLACE TEMP TABLE import_changed AS
SELECT
    d.*,
    greatest(d.stamped_at, d.existing_updated_at + INTERVAL 1 MICROSECOND) AS valid_from
FROM import_deals AS d
WHERE d.outcome = 'changed';

UPDATE deal_history
SET valid_to = changed.valid_from
FROM import_changed AS changed
WHERE deal_history.deal_id = changed.existing_id AND deal_history.valid_to IS NULL;

INSERT INTO deal_history BY NAME
SELECT
    changed.existing_id AS deal_id,
    changed.existing_version + 1 AS version,
    changed.valid_from,
    NULL AS valid_to,
    getvariable('import_actor') AS changed_by,
    'import' AS change_source,
    changed.external_id,
    changed.name,
    changed.account_id,
    changed.owner_id,
    changed.stage_id,
    changed.status,
    changed.amount,
    changed.currency,
    changed.probability_override,
    changed.forecast_category,
    changed.deal_type,
    changed.source,
    changed.created_at,
    changed.close_date,
    changed.closed_at,
    CASE WHEN changed.status = 'lost' THEN changed.lost_reason END AS lost_reason,
    changed.next_step,
    current.next_step_due,
    current.obstacle,
    changed.notes,
    changed.cost,
    changed.qualification
FROM import_changed AS changed
JOIN deals AS current ON current.id = changed.existing_id;

DELETE FROM deals WHERE id IN (SELECT existing_id FROM import_changed);
