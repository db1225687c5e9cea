-- Write every version of the deals this import adds (outcome 'new'), with their new
-- ids; the last statement's result is the number of versions written.
-- With a history file, a version per snapshot (its stage, amount, close date,
-- probability and forecast category over the deal's other fields), then the deal's
-- state in the deal file; without one, a deal that closed after it was created is open
-- (in its pipeline's last open stage) until it closed. Consecutive versions that do
-- not differ collapse into the first. The first version starts when the deal was
-- created. The new deals' ids are in import_new_ids (sql/new_ids.sql).
INSERT INTO deal_history BY NAME
WITH deal AS MATERIALIZED (
    SELECT d.*, ids.deal_id
    FROM import_deals AS d
    JOIN import_new_ids AS ids ON ids.row_number = d.row_number
),

last_open_stage AS (
    SELECT pipeline, max_by(id, position) AS stage_id
    FROM stages
    WHERE NOT is_closed
    GROUP BY ALL
),

snapshots AS (
    SELECT
        deal.deal_id,
        h.changed_at AS valid_from,
        h.row_number AS sequence,
        stage.stage_id,
        stage.kind AS status,
        h.amount,
        h.close_date,
        import_probability_override(h.probability, stage.probability) AS probability_override,
        import_category_override(h.forecast_category, stage.forecast_category)
            AS forecast_category,
        CASE
            WHEN stage.kind = 'open' THEN NULL
            WHEN stage.kind = deal.status THEN deal.closed_at
            ELSE coalesce(CAST(h.close_date AS TIMESTAMP), h.changed_at)
        END AS closed_at
    FROM import_history_rows AS h
    JOIN deal ON deal.external_id = h.deal_external_id
    JOIN import_stage_ids AS stage
        ON stage.pipeline = deal.pipeline AND stage.stage_key = h.stage_key
),

last_snapshot AS (
    SELECT deal_id, max(valid_from) AS at FROM snapshots GROUP BY ALL
),

derived_open AS (
    SELECT
        deal.deal_id,
        deal.created_at AS valid_from,
        -1 AS sequence,
        last_open_stage.stage_id,
        'open' AS status,
        deal.amount,
        deal.close_date,
        NULL AS probability_override,
        NULL AS forecast_category,
        NULL AS closed_at
    FROM deal
    JOIN last_open_stage ON last_open_stage.pipeline = deal.pipeline
    WHERE deal.status <> 'open'
      AND deal.closed_at > deal.created_at
      AND deal.deal_id NOT IN (SELECT deal_id FROM snapshots)
),

final_state AS (
    SELECT
        deal.deal_id,
        CASE
            WHEN last_snapshot.at IS NOT NULL
                THEN greatest(deal.stamped_at, last_snapshot.at + INTERVAL 1 MICROSECOND)
            WHEN deal.deal_id IN (SELECT deal_id FROM derived_open) THEN deal.closed_at
            ELSE deal.created_at
        END AS valid_from,
        9223372036854775807 AS sequence,
        deal.stage_id,
        deal.status,
        deal.amount,
        deal.close_date,
        deal.probability_override,
        deal.forecast_category,
        deal.closed_at
    FROM deal
    LEFT JOIN last_snapshot ON last_snapshot.deal_id = deal.deal_id
),

states AS (
    SELECT * FROM snapshots
    UNION ALL SELECT * FROM derived_open
    UNION ALL SELECT * FROM final_state
),

changes AS (
    SELECT *
    FROM states
    QUALIFY (stage_id, status, amount, close_date, probability_override, forecast_category,
             closed_at)
        IS DISTINCT FROM lag((stage_id, status, amount, close_date, probability_override,
                              forecast_category, closed_at))
            OVER (PARTITION BY deal_id ORDER BY valid_from, sequence)
),

numbered AS (
    SELECT
        changes.*,
        row_number() OVER (PARTITION BY deal_id ORDER BY valid_from, sequence) AS version,
        lead(valid_from) OVER (PARTITION BY deal_id ORDER BY valid_from, sequence)
            AS valid_to
    FROM changes
)

SELECT
    numbered.deal_id,
    CAST(numbered.version AS INTEGER) AS version,
    CASE WHEN numbered.version = 1 THEN deal.created_at ELSE numbered.valid_from END
        AS valid_from,
    numbered.valid_to,
    getvariable('import_actor') AS changed_by,
    'import' AS change_source,
    deal.external_id,
    deal.name,
    deal.account_id,
    deal.owner_id,
    numbered.stage_id,
    numbered.status,
    numbered.amount,
    deal.currency,
    numbered.probability_override,
    numbered.forecast_category,
    deal.deal_type,
    deal.source,
    deal.created_at,
    numbered.close_date,
    numbered.closed_at,
    CASE WHEN numbered.status = 'lost' THEN deal.lost_reason END AS lost_reason,
    deal.next_step,
    NULL AS next_step_due,
    NULL AS obstacle,
    deal.notes,
    deal.cost,
    deal.qualification
FROM numbered
JOIN deal ON deal.deal_id = numbered.deal_id;
